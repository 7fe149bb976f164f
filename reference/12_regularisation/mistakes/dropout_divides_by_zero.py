import torch
from torch import nn

HINT = (
    "With p = 1 every element is dropped and 1 / (1 - p) divides by zero: 0 * inf is NaN. Handle p = 1 on its own "
    "and return `x * 0`, zeros that are still computed from x, so its gradient is zero too."
)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        mask = (torch.rand_like(x) > self.p).float()
        return mask * x / (1.0 - self.p)
