import torch
from torch import nn

HINT = (
    "In PyTorch `p` is the probability of *dropping* an element (TensorFlow 1's `keep_prob` was the opposite): keep "
    "the elements where `torch.rand_like(x) > p`, which survive with probability 1 - p."
)


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        if self.p == 1:
            return x * 0
        keep = torch.rand_like(x) < self.p  # MISTAKE
        return x * keep / (1 - self.p)
