"""11 with a scheduler subclass (LRScheduler.get_lr), the multiplier computed with tensors, clipping written
out by hand (the same rule as clip_grad_norm_), and the loss scaled by multiplying with 1 / accumulation."""
import math

import torch


def warmup_cosine(step, warmup_steps, total_steps):
    warm = torch.tensor((step + 1) / max(warmup_steps, 1), dtype=torch.float64)
    progress = torch.tensor((step - warmup_steps) / (total_steps - warmup_steps), dtype=torch.float64).clamp(0, 1)
    cosine = 0.5 * (1 + torch.cos(math.pi * progress))
    return (warm if step < warmup_steps else cosine).item()


class WarmupCosine(torch.optim.lr_scheduler.LRScheduler):
    def __init__(self, optimizer, warmup_steps, total_steps):
        self.warmup_steps, self.total_steps = warmup_steps, total_steps
        super().__init__(optimizer)

    def get_lr(self):
        factor = warmup_cosine(self.last_epoch, self.warmup_steps, self.total_steps)
        return [base * factor for base in self.base_lrs]


def make_scheduler(optimizer, warmup_steps, total_steps):
    return WarmupCosine(optimizer, warmup_steps, total_steps)


def clip_(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    scale = torch.clamp(max_norm / (norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(scale)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    position = micro_step % accumulation
    if position == 0:
        optimizer.zero_grad(set_to_none=True)
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    (loss * (1.0 / accumulation)).backward()
    if position + 1 == accumulation:
        if max_norm is not None:
            clip_(list(model.parameters()), max_norm)
        optimizer.step()
        if scheduler:
            scheduler.step()
    return loss.item()


def fit(model, batches, loss_fn, lr, warmup_steps, accumulation=1, max_norm=None):
    optimizer = torch.optim.AdamW(params=model.parameters(), lr=lr)
    scheduler = WarmupCosine(optimizer, warmup_steps, total_steps=len(batches) // accumulation)
    return [train_step(model, batches[i], loss_fn, optimizer, i, accumulation, max_norm, scheduler)
            for i in range(len(batches))]
