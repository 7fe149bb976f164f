# ruff: noqa: F821  (make_scheduler and train_step are the reference's: a mistake file runs on top of solution.py)
import torch

HINT = (
    "The schedule's length is the number of optimizer steps, `len(batches) // accumulation`, not the number of "
    "micro-batches: otherwise the cosine is stretched and training ends at a learning rate far from 0."
)


def fit(model, batches, loss_fn, lr, warmup_steps, accumulation=1, max_norm=None):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    scheduler = make_scheduler(optimizer, warmup_steps, len(batches))  # MISTAKE
    return [train_step(model, b, loss_fn, optimizer, i, accumulation, max_norm, scheduler) for i, b in enumerate(batches)]
