import torch

HINT = (
    "gradcheck differentiates with respect to the inputs that require grad, and refuses to run when none "
    "does (\"expects at least one input tensor to require gradient\"). Make each float64 copy a leaf that "
    "requires grad: `x.detach().to(torch.float64).requires_grad_(True)`."
)


def check_gradients(fn, *inputs):
    prepared = tuple(
        x.to(torch.float64) if isinstance(x, torch.Tensor) and x.is_floating_point() else x for x in inputs  # MISTAKE
    )
    return torch.autograd.gradcheck(fn, prepared, raise_exception=False)
