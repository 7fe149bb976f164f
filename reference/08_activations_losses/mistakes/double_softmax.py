import torch

HINT = (
    "Cross-entropy takes raw logits: it applies log_softmax itself. Calling softmax first squashes the logits "
    "into [0, 1], so the loss sees nearly equal scores: it stays close to log(C) and its gradient shrinks. "
    "Pass `logits` straight to `log_softmax`."
)


def cross_entropy(logits, targets):
    if targets.dtype != torch.long or targets.shape != logits.shape[:1]:
        raise ValueError("targets must be class indices")
    probs = softmax(logits, dim=1)  # noqa: F821 - the reference's  # MISTAKE
    logp = log_softmax(probs, dim=1)  # noqa: F821 - the reference's
    return -logp[torch.arange(len(targets)), targets].mean()
