import torch

HINT = (
    "`x.var(0)` divides by N - 1 (the unbiased estimate; it is the default). Batch norm normalises the batch with "
    "its *biased* variance, dividing by N: `x.var(0, correction=0)`. The unbiased one goes into running_var only."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(0)
        var = x.var(0)  # MISTAKE
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var)
    else:
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
