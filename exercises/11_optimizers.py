"""11 · Optimizers and schedules

The loops of 04 and 10 stepped plain SGD at a fixed learning rate. Real
training adds four things to the same step, and each has exactly one right
place in it.

The optimizer. `torch.optim.SGD` moves each weight by `-lr * grad`. Adam and
AdamW keep running averages of every parameter's gradient and squared
gradient in `optimizer.state`, and scale each step by them, so an optimizer is
built once and kept for the whole run: a new one starts those averages from
zero. AdamW applies weight decay directly to the weights (decoupled, default
0.01) instead of adding it to the gradient as Adam does; it is the usual choice.

A learning-rate schedule. A scheduler rewrites `optimizer.param_groups[i]["lr"]`
each time you call `scheduler.step()`: once per optimizer step, right after
`optimizer.step()` (PyTorch warns when it comes first). `LambdaLR(optimizer, f)`
sets lr = base_lr * f(t) for step t = 0, 1, 2, ...; `SequentialLR` chains
schedulers (e.g. `LinearLR`, then `CosineAnnealingLR`), and your own subclasses
`torch.optim.lr_scheduler.LRScheduler` (`_LRScheduler` is its old name). Read
the current rate with `scheduler.get_last_lr()` (`get_lr()` is internal, and
`scheduler.step(epoch)` with an argument is deprecated). Warm-up + cosine, used
for most large models: ramp up linearly for a few steps, then follow half a
cosine down to 0.

Gradient clipping. `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)`
rescales all gradients together so that their total norm is at most `max_norm`,
which tames the rare huge step (the trailing underscore: it works in place;
`clip_grad_norm` without it is the deprecated old name). It changes `.grad`, so
it goes after the last `backward()` and before `optimizer.step()`.

Gradient accumulation. For a batch k times larger than fits in memory, run
`backward()` on k micro-batches and then take one step. `.grad` adds up (02, 04),
so divide each micro-batch's loss by k to get the mean gradient, and clear the
gradients only at the start of each group of k, never in between.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 11
"""

from typing import Callable

import torch
from torch import Tensor, nn


def warmup_cosine(step: int, warmup_steps: int, total_steps: int) -> float:
    """The learning-rate multiplier for optimizer step `step` (counted from 0), a Python float in [0, 1].

    Warm-up, for step < warmup_steps: `(step + 1) / warmup_steps`, so the first step already learns and
    the last warm-up step reaches 1. Then half a cosine from 1 down to 0 over the remaining steps:
    `0.5 * (1 + math.cos(math.pi * progress))` with `progress = (step - warmup_steps) / (total_steps - warmup_steps)`,
    and 0.0 from step `total_steps` on (progress never goes past 1). `0 <= warmup_steps < total_steps`.

    >>> [round(warmup_cosine(t, 2, 6), 3) for t in range(8)]
    [0.5, 1.0, 1.0, 0.854, 0.5, 0.146, 0.0, 0.0]
    """
    # TODO
    raise NotImplementedError


def make_scheduler(optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int) -> torch.optim.lr_scheduler.LRScheduler:
    """Return a scheduler for `optimizer` that gives step t the learning rate `base_lr * warmup_cosine(t, ...)`,
    where base_lr is the optimizer's own `lr`; the caller calls `scheduler.step()` after each `optimizer.step()`.

    >>> opt = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.5)
    >>> sched = make_scheduler(opt, 2, 6); opt.param_groups[0]["lr"]   # step 0: 0.5 * 0.5
    0.25
    """
    # TODO
    raise NotImplementedError


def train_step(
    model: nn.Module,
    batch: tuple[Tensor, Tensor],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
    micro_step: int,
    accumulation: int = 1,
    max_norm: float | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> float:
    """Process one micro-batch `batch = (inputs, targets)`; `micro_step` counts the calls from 0.

    Micro-batches come in groups of `accumulation`; a group is one optimizer step. In this order:
    1. at the start of a group (`micro_step % accumulation == 0`): `optimizer.zero_grad()`, and never
       anywhere else, so that gradients left over from before are cleared and the group's add up;
    2. `loss = loss_fn(model(inputs), targets)`, then `(loss / accumulation).backward()`: the group's
       gradient is the mean over its micro-batches, whatever `accumulation` is;
    3. at the end of a group (`(micro_step + 1) % accumulation == 0`), and only then:
       - if `max_norm` is not None, `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)`,
       - `optimizer.step()`,
       - if `scheduler` is not None, `scheduler.step()`.
    Return `loss.item()`, the micro-batch's loss before the division. The gradients stay in `.grad`
    after the step (the next group's first call clears them).

    >>> model = nn.Linear(3, 1); opt = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> batch = (torch.ones(4, 3), torch.zeros(4, 1))
    >>> train_step(model, batch, nn.MSELoss(), opt, 0, accumulation=2)   # no step yet: a float
    >>> train_step(model, batch, nn.MSELoss(), opt, 1, accumulation=2)   # steps with the mean of both
    """
    # TODO
    raise NotImplementedError


def fit(
    model: nn.Module,
    batches: list[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    lr: float,
    warmup_steps: int,
    accumulation: int = 1,
    max_norm: float | None = None,
) -> list[float]:
    """Train `model` on `batches` (micro-batches, `len(batches)` a multiple of `accumulation`) and return
    the list of `train_step` results, one per micro-batch.

    Build, once: `torch.optim.AdamW(model.parameters(), lr=lr)` (its defaults otherwise) and
    `make_scheduler(optimizer, warmup_steps, total_steps)`, where total_steps is the number of
    optimizer steps, `len(batches) // accumulation`. Then call `train_step` on each micro-batch in
    order with `micro_step` = its index, passing `accumulation`, `max_norm` and the scheduler.

    >>> fit(nn.Linear(3, 1), [batch] * 8, nn.MSELoss(), lr=0.01, warmup_steps=1, accumulation=2)  # 8 floats
    """
    # TODO
    raise NotImplementedError
