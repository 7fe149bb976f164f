import torch

HINT = (
    "The running variance estimates the variance of the whole data, so it uses the *unbiased* batch variance "
    "(divide by N - 1, `x.var(0, correction=1)`, the default), as nn.BatchNorm1d does; only the normalisation of the "
    "batch itself uses the biased one (divide by N, `correction=0`)."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(0)
        var = x.var(0, correction=0)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var)  # MISTAKE
    else:
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
