import torch

HINT = (
    "Only floating-point tensors are differentiable inputs: an int64 index tensor must stay int64 (as float64 "
    "it can no longer index, and integer tensors cannot require grad). Convert a tensor only when "
    "`x.is_floating_point()`, and pass every other input as it is."
)


def check_gradients(fn, *inputs):
    prepared = tuple(
        x.detach().to(torch.float64).requires_grad_(True) if isinstance(x, torch.Tensor) else x for x in inputs  # MISTAKE
    )
    return torch.autograd.gradcheck(fn, prepared, raise_exception=False)
