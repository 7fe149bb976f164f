"""11 with functools.partial for LambdaLR, a piecewise multiplier with numpy, the step decided by counting
through a group, clip_grad_norm_ without foreach, and fit looping over groups of micro-batches."""
import functools

import numpy as np
import torch


def warmup_cosine(step, warmup_steps, total_steps):
    if step < warmup_steps:
        return float(np.float64(step + 1) / warmup_steps)
    progress = np.clip((step - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    return float(0.5 * (1.0 + np.cos(np.pi * progress)))


def make_scheduler(optimizer, warmup_steps, total_steps):
    factor = functools.partial(warmup_cosine, warmup_steps=warmup_steps, total_steps=total_steps)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=factor)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    group, position = divmod(micro_step, accumulation)
    if position == 0:
        for p in model.parameters():
            p.grad = None
    scaled = loss_fn(model(batch[0]), batch[1]) / accumulation
    scaled.backward()
    if position == accumulation - 1:
        if max_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm, foreach=False)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return scaled.item() * accumulation


def fit(model, batches, loss_fn, lr, warmup_steps, accumulation=1, max_norm=None):
    optimizer = torch.optim.AdamW(model.parameters(), lr)
    steps = len(batches) // accumulation
    scheduler = make_scheduler(optimizer, warmup_steps, steps)
    losses, micro_step = [], 0
    for g in range(steps):
        for batch in batches[g * accumulation : (g + 1) * accumulation]:
            losses.append(train_step(model, batch, loss_fn, optimizer, micro_step, accumulation, max_norm, scheduler))
            micro_step += 1
    return losses
