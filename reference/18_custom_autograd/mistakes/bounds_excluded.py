import torch

HINT = (
    "At x exactly equal to low or high the gradient passes (1, not 0), as torch.clamp's does: the mask is "
    "`(x >= low) & (x <= high)`, bounds included. With < and > an input sitting on a bound, common after "
    "an earlier clamp, would get no gradient."
)


class Clamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return x.clamp(low, high)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * ((x > ctx.low) & (x < ctx.high)), None, None  # MISTAKE
