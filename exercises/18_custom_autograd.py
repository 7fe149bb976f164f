"""18 · Custom autograd functions

In 02 autograd differentiated whatever you computed. Sometimes you want to decide
the gradient yourself: a formula that is cheaper or more stable than what autograd
would record, an operation autograd cannot differentiate (rounding, a call into
other code), or a deliberately different gradient. `torch.autograd.Function` is
that hook. You subclass it and write two static methods:

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):                   # runs with autograd switched off
            ctx.save_for_backward(x)           # tensors that backward will need
            return x * x

        @staticmethod
        def backward(ctx, grad_output):        # d loss / d output, same shape as the output
            (x,) = ctx.saved_tensors
            return grad_output * 2 * x         # d loss / d x: the chain rule, by hand

    y = Square.apply(x)                        # never Square()(x) or Square.forward(...)

`backward` returns one value per input of `forward`, in order: a gradient of that
input's shape for each tensor input, and None for anything else (a Python float, an
int, a flag). `ctx.needs_input_grad[i]` says whether input i needs one, so backward
can skip work. Only tensors go through `ctx.save_for_backward` (other values can be
kept as attributes, `ctx.low = low`), and autograd checks that a saved tensor was not
changed in place before backward reads it. Autograd trusts backward completely, so
check it: `torch.autograd.gradcheck(fn, inputs)` compares it with finite differences,
and it needs float64 inputs that require grad (in float32, rounding alone puts the
differences off by percents).

You may meet two other forms: `forward(x)` without ctx plus a separate
`setup_context(ctx, inputs, output)` (needed for `torch.func` transforms such as
vmap; both forms work here), and very old code whose forward is not a static method
and that calls `MyFunction()(x)`: that "legacy" form was removed from PyTorch.

This builds on 02 (backward, .grad, the chain rule) and 08 (softmax and sigmoid
gradients, numerical stability). The checks call each Function through `.apply` on
inputs that require grad and compare the outputs AND the gradients your backward
returns with the reference's (SiLU matches `F.silu` in both, Clamp matches `torch.clamp`
in values, RoundSTE `torch.round`; at a clamp bound see Clamp), and run gradcheck's rule on your
SiLU and Clamp in float64.

Fill in each class and function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 18
"""

from typing import Any, Callable

import torch  # noqa: F401 (torch.sigmoid, torch.round, torch.autograd.gradcheck, ...)
from torch import Tensor
from torch.autograd import Function


class SiLU(Function):
    """SiLU (also called swish): x * sigmoid(x), with a backward you write.

    `SiLU.apply(x)` takes a float32 or float64 tensor of any shape (0-d and empty too) and returns
    x * sigmoid(x), with x's shape and dtype, finite for any finite x (±100 included:
    `torch.sigmoid` is stable). With s = sigmoid(x), backward returns
    grad_output * (s + x * s * (1 - s)). Values and gradients must match
    `torch.nn.functional.silu`. Leave x unchanged.

    The caller may change the returned tensor in place before calling backward (a residual block's
    `y += residual`), as F.silu allows: so save the input for backward, not the output.

    >>> x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> y = SiLU.apply(x); y
    tensor([-0.2689,  0.0000,  1.7616], grad_fn=<SiLUBackward>)
    >>> y.sum().backward(); x.grad
    tensor([0.0723, 0.5000, 1.0908])
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        # TODO: save what backward needs, return x * sigmoid(x)
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor:
        # TODO: the derivative of x * sigmoid(x), times grad_output
        raise NotImplementedError


class RoundSTE(Function):
    """Rounding with a straight-through gradient, as in quantisation-aware training.

    `RoundSTE.apply(x)` returns `torch.round(x)`: halves go to the nearest even number (0.5 -> 0,
    1.5 -> 2, -2.5 -> -2), and the result keeps x's shape and float dtype (not int64). round's true
    derivative is 0 almost everywhere, which would stop all learning upstream; the straight-through
    estimator's backward returns grad_output unchanged, as if forward had been the identity, for
    every element. (gradcheck would reject this on purpose: it is not round's derivative.)

    >>> x = torch.tensor([0.5, 1.5, 2.7], requires_grad=True)
    >>> y = RoundSTE.apply(x); y
    tensor([0., 2., 3.], grad_fn=<RoundSTEBackward>)
    >>> (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward(); x.grad
    tensor([1., 2., 3.])
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        # TODO
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor:
        # TODO
        raise NotImplementedError


class Clamp(Function):
    """Clamp with Python-number bounds: an input with no gradient.

    `Clamp.apply(x, low, high)`: x is a float32 or float64 tensor of any shape; low <= high are
    Python floats (or ints). forward returns `x.clamp(low, high)` as a new tensor (leave x unchanged).
    backward returns three values, one per forward input: the gradient of x, which is grad_output
    where low <= x <= high (the bounds themselves included) and 0 where the value was cut off; then
    None for low and None for high, which are not tensors. Values must match `torch.clamp(x, low,
    high)`, and so must gradients away from the bounds. Exactly at a bound the slope is a choice
    (a kink: 0 and 1 are both valid); this exercise asks for 1, torch.clamp's own choice before
    torch 2.15 (since 2.15 torch.clamp gives 0 there).

    >>> x = torch.tensor([-2.0, 0.5, 1.0, 3.0], requires_grad=True)
    >>> y = Clamp.apply(x, 0.0, 1.0); y
    tensor([0.0000, 0.5000, 1.0000, 1.0000], grad_fn=<ClampBackward>)
    >>> y.sum().backward(); x.grad
    tensor([0., 1., 1., 0.])
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, low: float, high: float) -> Tensor:
        # TODO: save_for_backward takes tensors only; keep the floats on ctx
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None, None]:
        # TODO: one return value per forward input
        raise NotImplementedError


def check_gradients(fn: Callable[..., Tensor], *inputs: Any) -> bool:
    """Run `torch.autograd.gradcheck` on `fn(*inputs)` in float64 and return its verdict as a Python bool.

    Each floating-point tensor in `inputs` (float32 or float64) is replaced by a float64 copy that
    requires grad; every other input (an int64 index tensor, a Python float) is passed as it is.
    Return True when fn's gradients agree with finite differences (gradcheck's default eps, atol and
    rtol), False when they do not: never raise for a wrong gradient. Leave the caller's tensors as
    they were (values, dtype and requires_grad).

    >>> check_gradients(lambda x: x * torch.tanh(x), torch.randn(3))      # a float32 input
    True
    >>> check_gradients(RoundSTE.apply, torch.tensor([0.2, 1.3]))         # straight-through: not round's derivative
    False
    >>> check_gradients(Clamp.apply, torch.tensor([0.2, 1.3]), 0.0, 1.0)  # with your Clamp
    True
    """
    # TODO
    raise NotImplementedError
