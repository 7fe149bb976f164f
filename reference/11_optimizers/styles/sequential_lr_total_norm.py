"""11 with PyTorch's built-in schedulers chained (SequentialLR of LinearLR and CosineAnnealingLR), the
two-part clipping API (get_total_norm + clip_grads_with_norm_), explicit group flags and model.zero_grad."""
import math

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR


def warmup_cosine(step, warmup_steps, total_steps):
    if warmup_steps and step < warmup_steps:
        return float(step + 1) / float(warmup_steps)
    if step >= total_steps:
        return 0.0
    return (1.0 + math.cos(math.pi * (step - warmup_steps) / (total_steps - warmup_steps))) / 2.0


def make_scheduler(optimizer, warmup_steps, total_steps):
    cosine = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps, eta_min=0.0)
    if warmup_steps == 0:
        return cosine
    # LinearLR's factor goes from start_factor to 1 over total_iters steps: 1/w, 2/w, ..., w/w.
    warm = LinearLR(optimizer, start_factor=1.0 / warmup_steps, end_factor=1.0, total_iters=max(warmup_steps - 1, 1))
    return SequentialLR(optimizer, [warm, cosine], milestones=[warmup_steps])


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    x, y = batch
    first, last = micro_step % accumulation == 0, micro_step % accumulation == accumulation - 1
    if first:
        model.zero_grad(set_to_none=False)
    loss = loss_fn(model(x), y)
    loss.div(accumulation).backward()
    if last:
        if max_norm is not None:
            params = list(model.parameters())
            total = torch.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None])
            torch.nn.utils.clip_grads_with_norm_(params, max_norm, total)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return float(loss.detach())


def fit(model, batches, loss_fn, lr, warmup_steps, accumulation=1, max_norm=None):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    scheduler = make_scheduler(optimizer, warmup_steps, len(batches) // accumulation)
    losses = []
    for micro_step, batch in enumerate(batches):
        losses.append(train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=accumulation,
                                 max_norm=max_norm, scheduler=scheduler))
    return losses
