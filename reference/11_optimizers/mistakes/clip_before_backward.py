import torch

HINT = (
    "Clip after `backward()`: `clip_grad_norm_` rescales what is in `.grad` at that moment, and before this "
    "micro-batch's backward that is nothing yet (or only part of the group's gradient), so the step still "
    "uses an unclipped gradient. Order: backward, clip, step."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    if micro_step % accumulation == 0:
        optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    last = (micro_step + 1) % accumulation == 0
    if last and max_norm is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)  # MISTAKE
    (loss / accumulation).backward()
    if last:
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return loss.item()
