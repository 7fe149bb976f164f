"""12 the long way: masked_fill, sums divided by counts, copy_ into detached buffers, and module types."""
import torch
from torch import nn

NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.LayerNorm, nn.GroupNorm)


class Dropout(nn.Module):
    def __init__(self, p: float = 0.5):
        super().__init__()
        self.drop_probability = p

    def forward(self, x):
        if self.training:
            dropped = torch.rand(x.shape, dtype=x.dtype) <= self.drop_probability
            if self.drop_probability >= 1:
                return x.masked_fill(dropped, 0.0) * 0.0
            return x.masked_fill(dropped, 0.0) * (1.0 / (1.0 - self.drop_probability))
        return x


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if not training:
        return (x - running_mean) / (running_var + eps).sqrt() * weight + bias
    n = x.shape[0]
    mean = x.sum(dim=0) / n
    squares = ((x - mean) ** 2).sum(dim=0)
    biased, unbiased = squares / n, squares / (n - 1)
    running_mean.copy_((1 - momentum) * running_mean + momentum * mean.detach())
    running_var.copy_((1 - momentum) * running_var + momentum * unbiased.detach())
    return (x - mean) / (biased + eps).sqrt() * weight + bias


def param_groups(model, weight_decay):
    decay, no_decay, seen = [], [], set()
    for module in model.modules():
        for name, p in module.named_parameters(recurse=False):
            if id(p) in seen:
                continue
            seen.add(id(p))
            if isinstance(module, NORMS) or name == "bias":
                no_decay.append(p)
            else:
                decay.append(p)
    return [dict(params=decay, weight_decay=weight_decay), dict(params=no_decay, weight_decay=0.0)]
