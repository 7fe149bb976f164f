import torch

HINT = (
    "exp(-x) overflows to inf for x below about -88 in float32, and inf / inf is nan: sigmoid's derivative "
    "written as exp(-x) / (1 + exp(-x)) ** 2 fails at x = -100, where the true value is 0. "
    "Write it from s = torch.sigmoid(x), which is stable: s * (1 - s)."
)


class SiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        e = torch.exp(-x)  # MISTAKE
        s = 1 / (1 + e)
        return grad_output * (s + x * e / (1 + e) ** 2)
