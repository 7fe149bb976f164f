# ruff: noqa: F821  (make_scheduler and train_step are the reference's: a mistake file runs on top of solution.py)
import torch

HINT = (
    "Use `torch.optim.AdamW`, not `Adam`: AdamW decays the weights directly (decoupled weight decay, 0.01 by "
    "default), while Adam's `weight_decay` (0 by default) is added to the gradient and then rescaled by Adam."
)


def fit(model, batches, loss_fn, lr, warmup_steps, accumulation=1, max_norm=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)  # MISTAKE
    scheduler = make_scheduler(optimizer, warmup_steps, len(batches) // accumulation)
    return [train_step(model, b, loss_fn, optimizer, i, accumulation, max_norm, scheduler) for i, b in enumerate(batches)]
