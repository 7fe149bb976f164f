"""08 · Activations and losses

A classifier's last layer outputs *logits*: any real numbers, one per class.
*Softmax* turns a vector of logits into probabilities, exp(x) / sum(exp(x)),
and the *cross-entropy* loss is the mean over the batch of -log(probability of
the right class). In 04 you trained with `nn.CrossEntropyLoss()`; here you
write what it does, and what `nn.BCEWithLogitsLoss()` does for yes/no labels,
by hand, and the grader compares your values AND gradients (autograd, from 02)
with torch's own.

The catch is floating point. float32 tops out near exp(88.7), so exp(100) is
inf and inf / inf is nan; exp(-1000) is 0, and log(0) is -inf. Two identities
keep every number finite:

    softmax(x) == softmax(x - m)              for any m constant along dim
    log_softmax(x) = (x - m) - log(sum(exp(x - m)))

With m the max of each slice (`x.amax(dim=dim, keepdim=True)`; `keepdim=True`
keeps the reduced dim with size 1 so that it broadcasts back over x), every
exponent is <= 0 and the sum is >= 1. Losses take raw logits, never
probabilities, and fold the log-softmax (or log-sigmoid) in, for this reason.
`reduction="mean"` (torch's default; the old `size_average`/`reduce`
arguments are deprecated) averages the per-sample losses, so the loss does
not grow with the batch size. And always name the dim: `F.softmax(x)`
without `dim=` is deprecated.

Write each function from basic tensor operations (`exp`, `log`, `amax`,
`sum`, `gather`, indexing, `torch.nn.functional.softplus`, ...). Calling the
built-in that computes the answer fails the check: `torch.softmax`,
`torch.log_softmax`, the `Tensor.softmax`/`.log_softmax` methods,
`torch.nn.functional.softmax`/`log_softmax`/`softmin`, `torch.special.softmax`/
`log_softmax`, `nn.Softmax`/`nn.LogSoftmax`, and `torch.logsumexp` in
`softmax` and `log_softmax`; `F.cross_entropy`, `F.nll_loss` and their
modules in `cross_entropy` (there `torch.logsumexp` is allowed);
`F.binary_cross_entropy(_with_logits)` and their modules in `bce_with_logits`.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 08
"""

import torch


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Return the softmax of `x` along `dim`: exp(x) / sum(exp(x)), each slice along `dim` summing to 1.

    `x` is a float tensor of any shape (float32 or float64; -inf entries are masked out and get 0).
    The result has x's shape and dtype, is differentiable with respect to `x`, and must stay
    finite for logits as large as ±1000: subtract each slice's max first. Leave `x` unchanged.
    Values and gradients must match `torch.softmax(x, dim)`.

    >>> softmax(torch.tensor([1.0, 2.0, 3.0]))
    tensor([0.0900, 0.2447, 0.6652])
    >>> softmax(torch.tensor([[1000.0, 999.0], [-1000.0, 0.0]]), dim=1)
    tensor([[0.7311, 0.2689],
            [0.0000, 1.0000]])
    """
    # TODO: shift by the max along dim, exponentiate, normalise
    raise NotImplementedError


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Return log(softmax(x)) along `dim`, computed as (x - m) - log(sum(exp(x - m))) with m the max.

    Same rules as `softmax`: any shape, x's shape and dtype, differentiable, finite for logits
    as large as ±1000 (so not `softmax(x).log()`, which is -inf where softmax underflows to 0).
    Values and gradients must match `torch.log_softmax(x, dim)`.

    >>> log_softmax(torch.tensor([1.0, 2.0, 3.0]))
    tensor([-2.4076, -1.4076, -0.4076])
    >>> log_softmax(torch.tensor([1000.0, 0.0]))
    tensor([    0., -1000.])
    """
    # TODO: stay in log space
    raise NotImplementedError


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Return the mean cross-entropy of raw `logits` (N, C) against class indices `targets` (N,).

    The loss is the mean over the N rows of -log_softmax(logits, dim=1)[i, targets[i]], as a 0-d
    tensor of logits' dtype, differentiable with respect to `logits` (no `.item()`). Use your
    `log_softmax` (or `torch.logsumexp`); values and gradients must match
    `torch.nn.functional.cross_entropy(logits, targets)` (reduction="mean"), for logits up to ±1000.

    `targets` must be class indices: an int64 (`torch.long`) tensor of shape (N,), each in [0, C).
    Raise ValueError for anything else: float targets (class probabilities or one-hot rows, which
    torch's own function would silently accept as probabilities), one-hot int rows of shape (N, C),
    or a length other than N.

    >>> cross_entropy(torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), torch.tensor([0, 2]))
    tensor(0.6691)
    >>> cross_entropy(torch.zeros(2, 3), torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]))
    Traceback (most recent call last):
    ValueError: targets must be class indices of shape (2,), got torch.float32 of shape (2, 3)
    """
    # TODO: refuse non-index targets; pick each row's log-probability at its target; average
    raise NotImplementedError


def bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Return the mean binary cross-entropy of raw `logits` against `targets` in [0, 1] (same shape and dtype).

    Per element: -[y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))], averaged over every element,
    as a 0-d tensor, differentiable with respect to both arguments. Values and gradients must match
    `torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)`: finite for logits up to
    ±1000 (where sigmoid rounds to exactly 0 or 1), and with the exact slope (sigmoid(x) - y) / n
    even at a logit of exactly 0 (a zero-initialised output layer gives exactly 0).

    >>> bce_with_logits(torch.tensor([0.0, 1000.0, -1000.0]), torch.tensor([1.0, 1.0, 1.0]))
    tensor(333.5644)
    """
    # TODO: simplify the formula so that no log ever sees 0
    raise NotImplementedError
