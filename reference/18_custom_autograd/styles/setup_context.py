"""18 in the newer form: forward(x) without ctx, plus setup_context(ctx, inputs, output), which
torch.func transforms need; backward decorated with once_differentiable (it is not itself
differentiable a second time); gradcheck's exception caught instead of raise_exception=False."""
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable
from torch.autograd.gradcheck import GradcheckError


class SiLU(Function):
    @staticmethod
    def forward(x):
        return x * torch.sigmoid(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad_output * (s + x * s * (1 - s))


class RoundSTE(Function):
    @staticmethod
    def forward(x):
        return x.round()

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass  # the straight-through gradient needs nothing from the forward pass

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class Clamp(Function):
    @staticmethod
    def forward(x, low, high):
        return torch.clamp(x, min=low, max=high)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, low, high = inputs
        ctx.save_for_backward(x)
        ctx.bounds = (low, high)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        low, high = ctx.bounds
        inside = (x >= low).logical_and(x <= high)
        return torch.where(inside, grad_output, torch.zeros_like(grad_output)), None, None


def check_gradients(fn, *inputs):
    args = []
    for value in inputs:
        if torch.is_tensor(value) and torch.is_floating_point(value):
            value = value.detach().double().requires_grad_()
        args.append(value)
    try:
        return torch.autograd.gradcheck(fn, tuple(args))
    except GradcheckError:
        return False
