import torch

HINT = (
    "The arguments are logits, not probabilities: the BCE formula needs p = sigmoid(x) in (0, 1), and "
    "log(x) of a raw logit is nan for x < 0. That is what \"with logits\" means: the sigmoid is part of the "
    "loss. Simplify -[y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))] to softplus(x) - x * y."
)


def bce_with_logits(logits, targets):
    return -(targets * torch.log(logits) + (1 - targets) * torch.log(1 - logits)).mean()  # MISTAKE
