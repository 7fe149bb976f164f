import torch

HINT = (
    "Log-probabilities are <= 0, so the loss is minus their mean: cross-entropy is never negative, and it "
    "falls towards 0 as the model grows sure of the right class. Without the minus, minimising the loss "
    "would push the right class's probability down."
)


def cross_entropy(logits, targets):
    if targets.dtype != torch.long or targets.shape != logits.shape[:1]:
        raise ValueError("targets must be class indices")
    return log_softmax(logits, dim=1)[torch.arange(len(targets)), targets].mean()  # noqa: F821 - the reference's  # MISTAKE
