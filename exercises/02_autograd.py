"""02 · Autograd

PyTorch records the operations done on tensors that *require grad*
(`torch.tensor(..., requires_grad=True)` or `t.requires_grad_()`), and can then
compute gradients backwards through them. `y.backward()` on a scalar `y` adds
dy/dt into `t.grad` for every *leaf* `t` that requires grad (a leaf is a tensor
you created, not the result of an operation); `torch.autograd.grad(y, t)`
returns dy/dt instead, without touching any `.grad`. `t.detach()` gives a
tensor with the same values that is cut off from the graph: the usual way to
start a fresh computation from someone else's tensor without changing it.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 02
"""

from typing import Callable

import torch
from torch import Tensor


def grad_of_sum_of_squares(x: Tensor) -> Tensor:
    """Return the gradient of `(x ** 2).sum()` with respect to `x`, computed with autograd.

    `x` may be a 0-d tensor, may already require grad (and hold a `.grad`), and may
    even be the result of an operation (a non-leaf). The result is a plain tensor (it
    does not require grad) with x's shape and dtype. Leave the caller's `x` as it was:
    its values and `x.requires_grad` unchanged, and no `.grad` added to it or to the
    tensors it was computed from.

    >>> grad_of_sum_of_squares(torch.tensor([1.0, -2.0, 3.0]))
    tensor([ 2., -4.,  6.])
    """
    # TODO
    raise NotImplementedError


def grad_of(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Return the gradient of the scalar `f(x)` with respect to `x`, computed with autograd.

    `f` is any differentiable function of a tensor that returns a 0-d tensor, and
    `x` is any tensor `grad_of_sum_of_squares` accepts. As above: return a plain
    tensor with x's shape and dtype, and leave the caller's `x` as it was.

    >>> grad_of(lambda t: (t ** 3).sum(), torch.tensor([1.0, 2.0]))
    tensor([ 3., 12.])
    """
    # TODO
    raise NotImplementedError


def linear_grads(w: float, b: float) -> tuple[float, float]:
    """For `z = w * b + b`, return `(dz/dw, dz/db)` at the given values, as Python floats.

    Compute them with autograd: make `w` and `b` tensors that require grad.

    >>> linear_grads(2.0, 5.0)
    (5.0, 3.0)
    """
    # TODO
    raise NotImplementedError
