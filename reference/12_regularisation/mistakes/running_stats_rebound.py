import torch

HINT = (
    "`running_mean = ...` only rebinds your local name to a new tensor: the caller's buffers never change. Update "
    "them in place, `running_mean.mul_(1 - momentum).add_(momentum * mean)` or `running_mean.copy_(...)`, the way "
    "nn.BatchNorm1d updates its buffers."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(0)
        var = x.var(0, correction=0)
        running_mean = (1 - momentum) * running_mean + momentum * mean.detach()  # MISTAKE
        running_var = (1 - momentum) * running_var + momentum * x.var(0).detach()  # MISTAKE
    else:
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
