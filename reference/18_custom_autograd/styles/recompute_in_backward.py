"""18 with backward recomputing the forward pass under autograd (gradient checkpointing's trick):
SiLU's backward lets torch.autograd.grad differentiate x * sigmoid(x) again instead of writing
the derivative; Clamp's mask from torch.logical_and; check_gradients in fast mode."""
import torch
from torch.autograd import Function


class SiLU(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.mul(x, torch.sigmoid(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():  # backward runs with grad mode off: switch it back on for the recomputation
            leaf = x.detach().requires_grad_(True)
            y = leaf * torch.sigmoid(leaf)
        (grad,) = torch.autograd.grad(y, leaf, grad_output)
        return grad


class RoundSTE(Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 1.0


class Clamp(Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low = low
        ctx.high = high
        return torch.minimum(torch.maximum(x, torch.tensor(low, dtype=x.dtype)), torch.tensor(high, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        mask = torch.logical_and(x >= ctx.low, x <= ctx.high)
        return grad_output.masked_fill(~mask, 0.0), None, None


def check_gradients(fn, *inputs):
    inputs = [t.detach().to(dtype=torch.float64, copy=True).requires_grad_()
              if torch.is_tensor(t) and t.is_floating_point() else t for t in inputs]
    return torch.autograd.gradcheck(fn, inputs, raise_exception=False, fast_mode=True)
