import torch

HINT = (
    "In eval mode normalise with `running_mean` and `running_var`, not the batch's own statistics: then a "
    "prediction does not depend on the other samples in the batch, and works for a batch of one."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    mean = x.mean(0)
    var = x.var(0, correction=0)
    if training:
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * x.var(0))
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
