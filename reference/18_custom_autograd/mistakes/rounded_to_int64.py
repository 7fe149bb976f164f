import torch

HINT = (
    "Keep x's float dtype: `.long()` (or `.int()`) makes an integer tensor, and integer tensors cannot carry "
    "gradients, so autograd marks the output as not requiring grad and your backward is never called. "
    "torch.round(x) is already whole numbers, stored as floats."
)


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x).long()  # MISTAKE

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output
