import torch

HINT = (
    "`eps` goes inside the square root, `torch.sqrt(var + eps)`, as nn.BatchNorm1d computes it; "
    "`torch.sqrt(var) + eps` differs, and visibly so when eps is large or the variance is small."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(0)
        var = x.var(0, correction=0)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * x.var(0, correction=1))
    else:
        mean, var = running_mean, running_var
    return (x - mean) / (torch.sqrt(var) + eps) * weight + bias  # MISTAKE
