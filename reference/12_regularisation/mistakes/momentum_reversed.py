import torch

HINT = (
    "PyTorch's `momentum` is the weight of the *new* batch: `running = (1 - momentum) * running + momentum * batch`. "
    "Keras and TensorFlow use the opposite convention (their momentum=0.99 keeps 99% of the old value)."
)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(0)
        var = x.var(0, correction=0)
        with torch.no_grad():
            running_mean.copy_(momentum * running_mean + (1 - momentum) * mean)  # MISTAKE
            running_var.copy_(momentum * running_var + (1 - momentum) * x.var(0))  # MISTAKE
    else:
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
