import torch

HINT = (
    "In eval mode batch norm only reads the running statistics: it must not update them, or every evaluation "
    "batch would shift the statistics the model was trained with. Update `running_mean` and `running_var` only "
    "when `training` is True."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean, var = x.mean(0), x.var(0, unbiased=False)
    else:
        mean, var = running_mean.clone(), running_var.clone()
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    with torch.no_grad():
        running_mean.mul_(1 - momentum).add_(momentum * x.mean(0))
        running_var.mul_(1 - momentum).add_(momentum * x.var(0))
    return out
