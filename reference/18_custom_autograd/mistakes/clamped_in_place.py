import torch

HINT = (
    "`x.clamp_(...)` changes the caller's tensor in place: inside forward autograd is switched off, so nothing "
    "stops it, but the caller's x is now clamped too, and the x you saved for backward is the clamped one (so "
    "the mask lets every gradient through). Return a new tensor, `x.clamp(low, high)`. (A Function that "
    "really must work in place marks the input with `ctx.mark_dirty(x)`.)"
)


class Clamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.low, ctx.high = low, high
        return x.clamp_(low, high)  # MISTAKE

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * ((x >= ctx.low) & (x <= ctx.high)), None, None
