"""08 solved with small nn.Modules for the activations, a Python loop over the rows for the loss,
and BCE from torch.logaddexp: log(1 + e^x) = logaddexp(0, x)."""
import torch
from torch import nn


class StableSoftmax(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        x = x.movedim(self.dim, -1)  # work along the last dim, then put it back
        e = (x - x.amax(-1, keepdim=True)).exp()
        return (e / e.sum(-1, keepdim=True)).movedim(-1, self.dim)


class StableLogSoftmax(StableSoftmax):
    def forward(self, x):
        x = x.movedim(self.dim, -1)
        z = x - x.amax(-1, keepdim=True)
        return (z - z.exp().sum(-1, keepdim=True).log()).movedim(-1, self.dim)


def softmax(x, dim=-1):
    return StableSoftmax(dim)(x)


def log_softmax(x, dim=-1):
    return StableLogSoftmax(dim)(x)


def cross_entropy(logits, targets):
    if targets.dtype.is_floating_point or targets.dtype != torch.long:
        raise ValueError("class indices please, not probabilities or one-hot rows")
    if targets.ndim != 1 or targets.numel() != logits.shape[0]:
        raise ValueError("one class index per row")
    losses = [-log_softmax(row, dim=0)[int(t)] for row, t in zip(logits, targets)]
    return torch.stack(losses).mean()


def bce_with_logits(logits, targets):
    return (torch.logaddexp(torch.zeros_like(logits), logits) - logits * targets).mean()
