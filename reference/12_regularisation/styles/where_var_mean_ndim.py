"""12 with torch.where for dropout, torch.var_mean and lerp_ for batch norm, and p.ndim for the groups."""
import torch
from torch import nn


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = float(p)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x) * x  # where() would backpropagate 0 * inf = NaN here
        return torch.where(torch.rand_like(x) > self.p, x / (1 - self.p), torch.zeros_like(x))


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        var, mean = torch.var_mean(x, dim=0, correction=0)
        n = x.size(0)
        with torch.no_grad():
            running_mean.lerp_(mean, momentum)  # running + momentum * (mean - running)
            running_var.lerp_(var * n / (n - 1), momentum)
    else:
        mean, var = running_mean, running_var
    return weight * (x - mean) * torch.rsqrt(var + eps) + bias


def param_groups(model, weight_decay):
    groups = [{"params": [], "weight_decay": weight_decay}, {"params": [], "weight_decay": 0.0}]
    for p in model.parameters():
        groups[0 if p.ndim > 1 else 1]["params"].append(p)
    return groups
