import torch

HINT = (
    "gradcheck in float32 fails even correct gradients: its finite difference (f(x + eps) - f(x - eps)) / "
    "(2 * eps) with eps = 1e-6 moves x by about 10 float32 steps (float32 has about 7 significant digits), so "
    "the numerical Jacobian is off by percents, far beyond gradcheck's tolerances (the warning \"is not a "
    "double precision floating point\" says so). Convert the inputs: `x.detach().to(torch.float64)`."
)


def check_gradients(fn, *inputs):
    prepared = tuple(
        x.detach().clone().requires_grad_(True) if isinstance(x, torch.Tensor) and x.is_floating_point() else x  # MISTAKE
        for x in inputs
    )
    return torch.autograd.gradcheck(fn, prepared, raise_exception=False)
