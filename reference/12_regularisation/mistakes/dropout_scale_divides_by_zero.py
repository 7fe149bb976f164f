import torch
from torch import nn

HINT = (
    "With p = 1 every element is dropped, and `1 / (1 - p)` is a division by zero. Handle p = 1 on its own: "
    "return `x * 0`, zeros that are still computed from x (so x gets a zero gradient), and scale by 1 / (1 - p) "
    "only when p < 1."
)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        scale = 1 / (1 - self.p)
        return x * (torch.rand_like(x) > self.p) * scale
