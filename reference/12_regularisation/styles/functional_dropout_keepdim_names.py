"""12 with a dropout helper function, keepdim statistics under torch.no_grad(), and named parameters."""
import torch
from torch import nn


def dropout(x, p, training):
    if not training:
        return x
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep * (0.0 if p == 1 else 1.0 / (1.0 - p))


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(dim=0, keepdim=True)
        var = x.var(dim=0, unbiased=False, keepdim=True)
        with torch.no_grad():
            new_mean = (1 - momentum) * running_mean + momentum * mean.squeeze(0)
            new_var = (1 - momentum) * running_var + momentum * x.var(dim=0)
            running_mean[:] = new_mean
            running_var[:] = new_var
    else:
        mean, var = running_mean.unsqueeze(0), running_var.unsqueeze(0)
    x_hat = (x - mean) / torch.sqrt(var + eps)
    return x_hat * weight.unsqueeze(0) + bias.unsqueeze(0)


def param_groups(model, weight_decay):
    decay = [p for name, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for name, p in model.named_parameters() if p.dim() <= 1]
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
