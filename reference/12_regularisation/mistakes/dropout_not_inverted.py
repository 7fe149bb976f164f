import torch
from torch import nn

HINT = (
    "This is the original, non-inverted dropout: nothing scaled in training, everything multiplied by (1 - p) at "
    "test time. PyTorch's dropout is inverted: scale the kept elements by 1 / (1 - p) while training, so eval mode "
    "is the identity and the model needs no change to be used."
)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.training:
            return x * (torch.rand_like(x) > self.p)  # MISTAKE
        return x * (1 - self.p)
