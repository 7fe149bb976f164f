import torch

HINT = (
    "Clear the gradients when a group starts, not after its step: zeroing only after `optimizer.step()` lets "
    "gradients left in `.grad` before the first call (an evaluation, an earlier backward) leak into the first step."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    (loss / accumulation).backward()
    if (micro_step + 1) % accumulation == 0:
        if max_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        optimizer.zero_grad()  # MISTAKE
    return loss.item()
