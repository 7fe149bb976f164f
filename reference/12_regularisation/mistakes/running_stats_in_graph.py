import torch

HINT = (
    "The running statistics were updated from tensors that require grad, so they joined the autograd graph "
    "(`running_mean.requires_grad` became True, and every later batch would backpropagate into old batches). "
    "Update them inside `with torch.no_grad():`, or from `mean.detach()`."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(0)
        var = x.var(0, correction=0)
        running_mean.mul_(1 - momentum).add_(momentum * mean)
        running_var.mul_(1 - momentum).add_(momentum * x.var(0))
    else:
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
