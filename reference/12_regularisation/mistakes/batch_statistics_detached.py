import torch

HINT = (
    "The output is right, the gradient is not: in training the batch's mean and variance are computed from x, "
    "so the gradient flows through them too (that is what makes batch norm's gradient differ from a fixed "
    "rescaling). Detach only the running statistics' update, not the mean and variance you normalise with."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(0).detach()  # MISTAKE
        var = x.var(0, correction=0).detach()  # MISTAKE
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * x.var(0))
    else:
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
