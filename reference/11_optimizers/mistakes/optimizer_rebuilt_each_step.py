# ruff: noqa: F821  (warmup_cosine and train_step are the reference's: a mistake file runs on top of solution.py)
import torch

HINT = (
    "AdamW keeps state between steps: running averages of each gradient and its square, in `optimizer.state`. "
    "A new optimizer for every step starts them from zero, so every step is Adam's first. Build the optimizer "
    "once, before the loop, and let a scheduler change its learning rate."
)


def fit(model, batches, loss_fn, lr, warmup_steps, accumulation=1, max_norm=None):
    total_steps = len(batches) // accumulation
    losses = []
    for i, batch in enumerate(batches):
        if i % accumulation == 0:  # a new optimizer, at this step's learning rate
            optimizer = torch.optim.AdamW(model.parameters(), lr=lr * warmup_cosine(i // accumulation, warmup_steps, total_steps))  # MISTAKE
        losses.append(train_step(model, batch, loss_fn, optimizer, i, accumulation, max_norm))
    return losses
