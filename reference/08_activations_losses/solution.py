"""08 · Activations and losses: a reference solution (learners see this with `pytorch-tutor solution 08`
once they have passed).

Each function agrees with torch's own (`torch.softmax`, `torch.log_softmax`,
`F.cross_entropy`, `F.binary_cross_entropy_with_logits`) in values and gradients,
for logits of any size: the trick everywhere is to never call `exp` on a large
positive number.
"""

import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    # softmax(x) == softmax(x - c) for any c constant along `dim`. With c the max of each
    # slice, every exponent is <= 0: exp() lies in (0, 1], never overflows, and the
    # largest entry is exp(0) = 1, so the sum is >= 1 and never 0.
    # keepdim=True leaves the reduced dim as size 1, so the max broadcasts back along it.
    # The max is a constant shift: detaching it changes no value and no gradient
    # (its gradient terms cancel), and spares autograd the work.
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    e = shifted.exp()
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    # log(softmax(x)) would be -inf wherever softmax underflows to 0 (x far below the max);
    # instead stay in log space: log_softmax(x) = (x - m) - log(sum(exp(x - m))).
    # The sum is >= 1 (its largest term is exp(0)), so its log is finite and >= 0.
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    # Class indices, not one-hot rows or probabilities: refuse anything else loudly, because
    # torch's own F.cross_entropy would silently read a float (N, C) target as probabilities.
    if targets.dtype != torch.long or targets.shape != logits.shape[:1]:
        raise ValueError(f"targets must be class indices of shape ({logits.shape[0]},), got "
                         f"{targets.dtype} of shape {tuple(targets.shape)}")
    # The loss takes raw logits: log_softmax is part of it (applying softmax first would
    # squash the logits twice). Pick each row's log-probability at its target class...
    picked = log_softmax(logits, dim=1).gather(1, targets.unsqueeze(1)).squeeze(1)
    # ...and average over the batch (reduction="mean"): the loss does not grow with N.
    return -picked.mean()


def bce_with_logits(logits: Tensor, targets: Tensor) -> Tensor:
    # -[y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))] simplifies to softplus(x) - x * y,
    # with softplus(x) = log(1 + exp(x)). sigmoid(x) rounds to exactly 1.0 in float32 once
    # x > 17, so the textbook form takes log(0); softplus never does. F.softplus computes
    # max(x, 0) + log1p(exp(-|x|)) for us, with the exact slope sigmoid(x) everywhere: the
    # same formula written with clamp() and abs() has a kink at x == 0, where autograd's
    # one-sided slopes sum to 1 (or 0) instead of sigmoid(0) = 0.5.
    # The mean over every element is reduction="mean".
    return (torch.nn.functional.softplus(logits) - logits * targets).mean()
