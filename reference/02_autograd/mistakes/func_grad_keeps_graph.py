from torch.func import grad

HINT = (
    "`torch.func.grad(f)(x)` differentiates through x's own graph when x requires grad, so the gradient "
    "itself requires grad. Return a plain tensor: call it on `x.detach()`."
)


def grad_of_sum_of_squares(x):
    return grad(lambda t: (t ** 2).sum())(x)


def grad_of(f, x):
    return grad(f)(x)
