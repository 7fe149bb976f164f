import torch
from torch import nn

HINT = (
    "A Bernoulli mask is a fine dropout mask, but the exercise fixes how it is drawn so that your layer can be "
    "compared with the reference under the same seed: keep the elements where `torch.rand_like(x) > p`. "
    "(`torch.bernoulli(1 - p)` keeps those where a uniform draw is below 1 - p: the same odds, another mask.)"
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
        mask = torch.bernoulli(torch.full_like(x, 1 - self.p))  # MISTAKE
        return x * mask / (1 - self.p)
