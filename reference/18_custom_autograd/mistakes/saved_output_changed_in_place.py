import torch

HINT = (
    "You saved SiLU's output for backward, and the caller then changed it in place (`y += residual`). "
    "Every tensor has a version counter: save_for_backward records it, and unpacking ctx.saved_tensors "
    "raises when it has moved (\"modified by an inplace operation\"). Save the input x instead and recompute "
    "sigmoid(x) in backward: F.silu does the same, so its output may be changed in place."
)


class SiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        s = torch.sigmoid(x)
        out = x * s
        ctx.save_for_backward(s, out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        s, out = ctx.saved_tensors
        return grad_output * (s + out * (1 - s))  # x * s * (1 - s) == out * (1 - s)
