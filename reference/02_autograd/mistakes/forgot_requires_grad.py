import torch

HINT = (
    "Autograd only tracks tensors that require grad, and the caller's x may not. Differentiate with "
    "respect to a copy that does: `t = x.detach().requires_grad_()`, then use `t` everywhere."
)


def grad_of_sum_of_squares(x):
    y = (x ** 2).sum()
    y.backward()
    return x.grad


def grad_of(f, x):
    return torch.autograd.grad(f(x), x)[0]
