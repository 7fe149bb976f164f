import torch

HINT = (
    "At x exactly equal to low or high this exercise passes the gradient (1, not 0): the mask is "
    "`(x >= low) & (x <= high)`, bounds included. At a kink both are valid slopes, and torch.clamp itself "
    "changed its choice in torch 2.15 (to 0), but the exercise asks for 1: with < and > an input sitting on "
    "a bound, common after an earlier clamp, would get no gradient."
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
