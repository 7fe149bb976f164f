import torch

HINT = (
    "Clip before `optimizer.step()`: the step reads `.grad`, so clipping afterwards only changes gradients that "
    "have already been used (and are about to be cleared). Order: backward, clip, step."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    if micro_step % accumulation == 0:
        optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    (loss / accumulation).backward()
    if (micro_step + 1) % accumulation == 0:
        optimizer.step()
        if max_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)  # MISTAKE
        if scheduler is not None:
            scheduler.step()
    return loss.item()
