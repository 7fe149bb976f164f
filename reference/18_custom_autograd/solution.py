"""18 · Custom autograd functions: a reference solution (learners see this with
`pytorch-tutor solution 18` once they have passed).

A `torch.autograd.Function` is a pair of rules: `forward` computes the result with autograd
switched off, and `backward` maps the gradient of the loss with respect to each output to the
gradient with respect to each input. Autograd trusts `backward` completely, which is why
`torch.autograd.gradcheck` exists, and why it must run in float64.
"""

from typing import Any, Callable

import torch
from torch import Tensor
from torch.autograd import Function


class SiLU(Function):
    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        # Save the input, not the output: the caller may change the output in place afterwards
        # (`y += residual`), and autograd would then refuse to use a saved copy of it. F.silu saves
        # its input for the same reason. sigmoid(x) is cheap to recompute in backward.
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)  # torch.sigmoid is stable: no exp(100) overflow in 1 / (1 + exp(-x))

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors  # unpacking checks the version counter: it raises if x was changed in place
        s = torch.sigmoid(x)
        # d/dx [x * s(x)] = s + x * s * (1 - s), by the product rule (s' = s * (1 - s)).
        # Chain rule: multiply by the gradient that arrives from the output, element by element.
        return grad_output * s * (1 + x * (1 - s))


class RoundSTE(Function):
    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        # torch.round rounds halves to the nearest even number (0.5 -> 0, 1.5 -> 2, 2.5 -> 2) and keeps
        # x's float dtype: an integer tensor could not carry a gradient at all.
        return torch.round(x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor:
        # The true derivative of round is 0 almost everywhere, so nothing upstream would ever learn.
        # The straight-through estimator pretends round was the identity: pass the gradient on unchanged.
        # (gradcheck would reject this on purpose: the gradient is not round's derivative.)
        return grad_output


class Clamp(Function):
    @staticmethod
    def forward(ctx: Any, x: Tensor, low: float, high: float) -> Tensor:
        # Only tensors go through save_for_backward; plain Python numbers can be kept on ctx.
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return x.clamp(low, high)  # a new tensor: changing x in place would change the caller's tensor

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None, None]:
        (x,) = ctx.saved_tensors
        grad_x = None
        # needs_input_grad has one entry per forward input: skip work nobody asked for (it matters most in
        # functions with several tensor inputs, where only some may require grad).
        if ctx.needs_input_grad[0]:
            # The gradient passes where the output moved with x: inside the bounds, bounds included
            # (the exercise's convention at the kink; torch.clamp's before torch 2.15, which gives 0
            # at a bound since), and is 0 where the value was cut off.
            grad_x = grad_output * ((x >= ctx.low) & (x <= ctx.high))
        # One return value per forward input, in order: None for low and high, which are not tensors.
        return grad_x, None, None


def check_gradients(fn: Callable[..., Tensor], *inputs: Any) -> bool:
    # Finite differences in float32 are noise: with eps = 1e-6 the perturbation is about 10 float32 ulps
    # at 1.0, so (f(x + eps) - f(x - eps)) / (2 eps) is off by a few percent, far beyond gradcheck's
    # tolerances. float64 has 29 more bits. detach() first: a new tensor, so requires_grad_ never
    # changes the caller's (.double() alone returns the same tensor when it is already float64).
    prepared = tuple(
        x.detach().to(torch.float64).requires_grad_(True) if isinstance(x, Tensor) and x.is_floating_point() else x
        for x in inputs
    )
    # raise_exception=False: a verdict, not an error (by default gradcheck raises GradcheckError).
    return torch.autograd.gradcheck(fn, prepared, raise_exception=False)
