import torch

HINT = (
    "round's true derivative is 0 almost everywhere, and that is exactly the problem a straight-through "
    "estimator solves: with a zero gradient nothing before the rounding would ever learn. backward returns "
    "grad_output unchanged, as if forward had been the identity."
)


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        return torch.zeros_like(grad_output)  # MISTAKE
