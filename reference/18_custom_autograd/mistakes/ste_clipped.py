import torch

HINT = (
    "This is the clipped straight-through estimator (hardtanh's gradient, used for binarised networks): it "
    "zeroes the gradient where |x| > 1. Here the straight-through gradient is the plain identity: grad_output "
    "unchanged for every element, whatever x is."
)


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x.abs() <= 1)  # MISTAKE
