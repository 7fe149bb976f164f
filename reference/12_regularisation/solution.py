"""12 · Dropout, batch norm, train vs eval: a reference solution (learners see this with
`pytorch-tutor solution 12` once they have passed).

In practice you use `nn.Dropout`, `nn.BatchNorm1d` and friends; writing them once shows what
`model.train()` and `model.eval()` switch, and why a model evaluated in training mode gives
noisy, batch-dependent answers.
"""

import torch
from torch import Tensor, nn


class Dropout(nn.Module):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__()  # registers the module, and gives it `self.training` (True until eval())
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        if not self.training:
            # Inverted dropout already scaled during training, so evaluation is the identity.
            return x
        # A fresh mask on every call, drawn from the global generator (reproducible with
        # torch.manual_seed): each element survives with probability 1 - p.
        keep = torch.rand_like(x) > self.p
        # Scale the survivors by 1 / (1 - p) so that the expected output equals x. With p = 1
        # nothing survives: multiply by 0 instead of dividing by zero (which gives NaN), and the
        # zeros stay in the graph, so x still gets a (zero) gradient.
        scale = 1.0 / (1.0 - self.p) if self.p < 1 else 0.0
        return x * keep * scale  # a new tensor: x itself is left as it was


def batch_norm(
    x: Tensor,
    running_mean: Tensor,
    running_var: Tensor,
    weight: Tensor,
    bias: Tensor,
    training: bool,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    if training:
        # Normalise with this batch's own statistics, per feature (over dim 0). The biased
        # variance (divide by N) is what the normalisation uses...
        mean = x.mean(dim=0)
        var = x.var(dim=0, correction=0)
        with torch.no_grad():
            # ...while the running estimate of the population variance uses the unbiased one
            # (divide by N - 1), as nn.BatchNorm1d does. The buffers are updated in place, so the
            # caller's tensors (a module's buffers) change, and under no_grad, so they stay plain
            # statistics outside the autograd graph.
            running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
            running_var.mul_(1 - momentum).add_(x.var(dim=0, correction=1), alpha=momentum)
    else:
        # Evaluation: the statistics gathered in training, so the output for one sample does
        # not depend on the rest of the batch. Nothing is updated.
        mean, var = running_mean, running_var
    return (x - mean) / torch.sqrt(var + eps) * weight + bias


def param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    # Weight decay shrinks weights towards zero. That regularises the weights of Linear and
    # Conv layers (matrices and kernels: 2 or more dimensions), but a bias only shifts, and a
    # norm layer's weight and bias set the scale and shift its normalisation removed: decaying
    # those only hurts. They are exactly the one-dimensional parameters.
    # model.parameters() lists a shared parameter once, so each lands in one group.
    decay = [p for p in model.parameters() if p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.ndim < 2]
    # Each group may set its own options; "weight_decay": 0.0 must be explicit, or the group
    # takes the optimizer's default (AdamW's is 0.01).
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
