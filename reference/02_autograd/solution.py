"""Reference solution for 02 autograd."""

from typing import Callable

import torch
from torch import Tensor


def grad_of(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    # A detached copy is a fresh leaf: the caller's x (and its graph) stay untouched.
    x = x.detach().requires_grad_()
    # autograd.grad returns the gradient instead of accumulating it into x.grad.
    (grad,) = torch.autograd.grad(f(x), x)
    return grad


def grad_of_sum_of_squares(x: Tensor) -> Tensor:
    return grad_of(lambda t: (t**2).sum(), x)


def linear_grads(w: float, b: float) -> tuple[float, float]:
    w_t = torch.tensor(w, requires_grad=True)
    b_t = torch.tensor(b, requires_grad=True)
    z = w_t * b_t + b_t  # b is used twice: both uses add to dz/db
    z.backward()
    return w_t.grad.item(), b_t.grad.item()
