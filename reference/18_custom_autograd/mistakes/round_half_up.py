import torch

HINT = (
    "floor(x + 0.5) rounds halves up (0.5 -> 1, 2.5 -> 3, -0.5 -> 0), but torch.round rounds them to the "
    "nearest even number (0.5 -> 0, 2.5 -> 2, -0.5 -> -0), as Python's round() and NumPy do: it does not "
    "bias sums of rounded values upwards. Use torch.round(x)."
)


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.floor(x + 0.5)  # MISTAKE

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output
