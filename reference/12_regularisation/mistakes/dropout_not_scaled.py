import torch
from torch import nn

HINT = (
    "The survivors must be scaled by 1 / (1 - p): with half the elements zeroed, the rest must count double, so "
    "that the expected output equals x and eval mode (no dropout at all) sees activations of the same size. This "
    "is inverted dropout, what `nn.Dropout` does."
)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        mask = (torch.rand_like(x) > self.p).float()
        return x * mask  # MISTAKE
