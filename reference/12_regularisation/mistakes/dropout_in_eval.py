import torch
from torch import nn

HINT = (
    "Dropout is for training only: after `model.eval()` the layer's `self.training` is False, and `forward` must "
    "return x unchanged. Check `self.training` in `forward` (set by `.train()` and `.eval()`), not a flag of your own."
)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.p == 1:
            return x * 0
        mask = (torch.rand_like(x) > self.p).float()
        return x * mask / (1 - self.p)
