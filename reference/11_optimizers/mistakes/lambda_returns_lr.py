# ruff: noqa: F821  (warmup_cosine is the reference's: a mistake file runs on top of solution.py)
import torch

HINT = (
    "LambdaLR's function returns a *factor*: the scheduler multiplies it by the optimizer's own lr. Returning "
    "`base_lr * warmup_cosine(...)` applies the base learning rate twice. Use `lambda step: warmup_cosine(step, ...)`."
)


def make_scheduler(optimizer, warmup_steps, total_steps):
    base_lr = optimizer.param_groups[0]["lr"]
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: base_lr * warmup_cosine(step, warmup_steps, total_steps))  # MISTAKE
