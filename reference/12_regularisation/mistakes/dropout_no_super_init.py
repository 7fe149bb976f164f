import torch
from torch import nn

HINT = (
    "Call `super().__init__()` first in `__init__`: nn.Module sets up its registries (`_modules`, `_parameters`) "
    "and the `training` flag there, and `.train()` / `.eval()` need them."
)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        if self.p == 1:
            return x * 0
        return x * (torch.rand_like(x) > self.p) / (1 - self.p)
