"""11 · Optimizers and schedules: a reference solution (learners see this with `pytorch-tutor solution 11`
once they have passed).

One step of modern training, in the order that matters: clear at the start of a group, scale each
micro-batch's loss, clip after the group's last backward, step, then move the schedule on.
"""

import math
from typing import Callable

import torch
from torch import Tensor, nn


def warmup_cosine(step: int, warmup_steps: int, total_steps: int) -> float:
    if step < warmup_steps:
        # step + 1: step 0 is the first optimizer step, and it should already learn a little
        # (step / warmup_steps would spend it at learning rate 0).
        return (step + 1) / warmup_steps
    # min(..., 1.0): past the end the cosine would climb back up; the schedule stays at 0 instead.
    progress = min((step - warmup_steps) / (total_steps - warmup_steps), 1.0)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


def make_scheduler(optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int) -> torch.optim.lr_scheduler.LRScheduler:
    # LambdaLR multiplies each group's base lr by the function of the step: the function returns a
    # factor, not a learning rate. Constructing it already applies step 0's factor.
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: warmup_cosine(step, warmup_steps, total_steps))


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
    inputs, targets = batch
    if micro_step % accumulation == 0:
        # Only at the start of a group: zeroing on every micro-batch would throw away the
        # gradients accumulated so far, and not zeroing here would let old ones leak in.
        optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    # .grad sums over the group's backward() calls; dividing each loss by the group size makes
    # the sum the mean gradient, the same as one big batch (and the same step size as without accumulation).
    (loss / accumulation).backward()
    if (micro_step + 1) % accumulation == 0:
        if max_norm is not None:
            # After the group's last backward (the gradient is complete), before step (which uses it).
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        if scheduler is not None:
            # After optimizer.step(): this step used the current lr, the next one gets the new lr.
            scheduler.step()
    return loss.item()


def fit(
    model: nn.Module,
    batches: list[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    lr: float,
    warmup_steps: int,
    accumulation: int = 1,
    max_norm: float | None = None,
) -> list[float]:
    # Built once, outside the loop: AdamW's moment estimates (optimizer.state) and the scheduler's
    # step count must live for the whole run.
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    # The schedule counts optimizer steps, not micro-batches.
    scheduler = make_scheduler(optimizer, warmup_steps, len(batches) // accumulation)
    return [train_step(model, batch, loss_fn, optimizer, i, accumulation, max_norm, scheduler)
            for i, batch in enumerate(batches)]
