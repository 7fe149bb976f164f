import torch

HINT = (
    "`x.double()` returns x itself when x is already float64, so `.requires_grad_()` on it changed the caller's "
    "tensor. Start from a new tensor: `x.detach().to(torch.float64).requires_grad_(True)` (detach() always "
    "makes one, sharing the data but not requires_grad)."
)


def check_gradients(fn, *inputs):
    prepared = tuple(
        x.double().requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x  # MISTAKE
        for x in inputs
    )
    return torch.autograd.gradcheck(fn, prepared, raise_exception=False)
