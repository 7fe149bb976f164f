import torch

HINT = (
    "In eval mode batch norm must not update the running statistics: here the eval batch was first mixed into "
    "them, and then the output was normalised with the shifted statistics. Update `running_mean` and "
    "`running_var` only when `training` is True; eval mode only reads them."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    with torch.no_grad():
        running_mean.mul_(1 - momentum).add_(momentum * x.mean(0))
        running_var.mul_(1 - momentum).add_(momentum * x.var(0))
    if training:
        mean, var = x.mean(0), x.var(0, unbiased=False)
    else:
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
