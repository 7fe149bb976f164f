"""12 · Dropout, batch norm, train vs eval

Some layers behave differently while training and while evaluating. Every
`nn.Module` has a flag `self.training`: `model.train()` sets it to True and
`model.eval()` to False, on the model and on every submodule inside it (04
called `model.train()` before its loop, 06 `model.eval()` before predicting).
A layer reads `self.training` in its `forward`.

*Dropout* (`nn.Dropout(p)`) regularises by zeroing each element with
probability p while training, so no unit can rely on another. PyTorch's is
*inverted* dropout: the survivors are scaled by 1/(1-p), which keeps the
expected value of every element unchanged, so in eval mode dropout is simply
the identity. *Batch normalisation* (`nn.BatchNorm1d(C)`) normalises each
feature with the mean and variance of the current batch while training, and
keeps a running average of those statistics (with `momentum`) in buffers; in
eval mode it uses the running averages instead, so a prediction does not
depend on the rest of the batch. *Weight decay* shrinks weights towards zero
at every step: `torch.optim.AdamW(..., weight_decay=...)` decouples it from
the gradient (`Adam(weight_decay=...)` only adds an L2 term to the gradient,
which Adam's scaling then weakens). It should not touch biases or the weights
of norm layers, so the parameters go into two *parameter groups*, each with
its own options (the optimizers of 11).

Useful calls: `torch.rand_like`, `x.mean(dim)`, `x.var(dim, correction=...)`
(the older spelling is `unbiased=`), `torch.sqrt`, in-place `t.mul_()`,
`t.add_()`, `t.copy_()`, `torch.no_grad()`, `model.parameters()`, `p.ndim`.
This builds on 03 (subclassing nn.Module) and 02 (gradients): every output
here must stay differentiable.

Fill in the class and the functions, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 12
"""

import torch
from torch import nn


class Dropout(nn.Module):
    """Inverted dropout with drop probability `p` (0 <= p <= 1), like `nn.Dropout(p)`.

    Training mode (`self.training` is True: the default, and after `.train()`):
    draw `r = torch.rand_like(x)` (once per call, from the global generator, so
    `torch.manual_seed` makes the mask reproducible), keep the elements where
    `r > p`, set the others to zero, and multiply the kept ones by `1 / (1 - p)`.
    Every call draws a new mask. p = 0 keeps everything (the output equals x);
    p = 1 drops everything: return zeros that are still computed from x (for
    example `x * 0`), never divide by zero.

    Eval mode (`self.training` is False, after `.eval()` on it or on a model
    holding it): return x unchanged (returning x itself is fine).

    The output has x's shape and dtype and is differentiable with respect to x;
    x itself is not modified. Dropout has no parameters. Build the mask yourself:
    calling `F.dropout` (what nn.Dropout calls) or `torch.dropout` fails the check.

    >>> torch.manual_seed(0); drop = Dropout(0.5)
    >>> drop(torch.ones(6))                    # torch.rand(6) starts 0.4963, 0.7682, 0.0885, ...
    tensor([0., 2., 0., 0., 0., 2.])
    >>> drop.eval(); drop(torch.ones(6))
    tensor([1., 1., 1., 1., 1., 1.])
    """

    def __init__(self, p: float = 0.5) -> None:
        """Call `super().__init__()`, then keep `p`."""
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The dropped-out and rescaled x in training mode, x itself in eval mode."""
        # TODO
        raise NotImplementedError


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor,
    running_var: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor,
    training: bool,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Batch normalisation of `x` (shape (N, C): N samples, C features), computing what
    `nn.BatchNorm1d(C, eps=eps, momentum=momentum)` computes in `.train()` (training=True)
    or `.eval()` mode (training=False). `running_mean`, `running_var`, `weight` (gamma) and
    `bias` (beta) have shape (C,). Return

        (x - mean) / sqrt(var + eps) * weight + bias        # per feature, over the batch

    training=True (N >= 2): `mean` and `var` are this batch's, per feature (over dim 0),
    with the *biased* variance (divide by N). Then update the running statistics IN PLACE
    (the caller's tensors must change, as a module's buffers do), with the *unbiased*
    variance (divide by N - 1) in the running estimate:

        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var  = (1 - momentum) * running_var  + momentum * unbiased_var

    The running statistics are plain numbers kept for later: they must not become part of
    the autograd graph (afterwards `running_mean.requires_grad` is still False).

    training=False: `mean` and `var` are `running_mean` and `running_var`; nothing is
    updated. Any N >= 1.

    The output (N, C) is differentiable with respect to x, weight and bias. x, weight and
    bias are not modified. Write it from tensor operations: calling `F.batch_norm` (what
    nn.BatchNorm1d calls) or `torch.batch_norm` fails the check.

    >>> x = torch.tensor([[1.0], [3.0]]); rm, rv = torch.zeros(1), torch.ones(1)
    >>> batch_norm(x, rm, rv, torch.ones(1), torch.zeros(1), training=True)   # mean 2, biased var 1
    tensor([[-1.0000],
            [ 1.0000]])
    >>> rm, rv                                      # 0.9 * 0 + 0.1 * 2, 0.9 * 1 + 0.1 * 2 (unbiased var 2)
    (tensor([0.2000]), tensor([1.1000]))
    >>> batch_norm(x, rm, rv, torch.ones(1), torch.zeros(1), training=False)  # (x - 0.2) / sqrt(1.1 + 1e-5)
    tensor([[0.7628],
            [2.6697]])
    """
    # TODO
    raise NotImplementedError


def param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """Return the parameters of `model` as two optimizer parameter groups, in this order:

        [{"params": [...], "weight_decay": weight_decay},   # every parameter with 2 or more
                                                             # dimensions: Linear and Conv weights
         {"params": [...], "weight_decay": 0.0}]             # every 1-D parameter: biases, and the
                                                             # weight and bias of BatchNorm and LayerNorm

    Each parameter of the model is in exactly one group (a layer used twice counts once;
    the order inside a group does not matter), as the model's own tensors, not copies.
    Both groups are always there, and both say their "weight_decay": a group without it
    takes the optimizer's default (AdamW's is 0.01).

    >>> model = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 2))
    >>> groups = param_groups(model, 0.1)
    >>> [[tuple(p.shape) for p in g["params"]] for g in groups], [g["weight_decay"] for g in groups]
    ([[(8, 4), (2, 8)], [(8,), (8,), (8,), (2,)]], [0.1, 0.0])
    >>> optimizer = torch.optim.AdamW(groups, lr=1e-3)
    """
    # TODO
    raise NotImplementedError
