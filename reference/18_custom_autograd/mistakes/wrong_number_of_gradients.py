import torch

HINT = (
    "backward must return one value per input of forward, in the same order: forward(ctx, x, low, high) has "
    "three, so return three, `grad_x, None, None`; None is the gradient of an input that is not a tensor. "
    "That is what \"returned an incorrect number of gradients (expected 3, got 1)\" means."
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
        return grad_output * ((x >= ctx.low) & (x <= ctx.high))  # MISTAKE
