import torch

HINT = (
    "With accumulation, `optimizer.zero_grad()` runs only at the start of a group: zeroing on every micro-batch "
    "throws away the gradients accumulated so far, so each step uses only the last micro-batch."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    optimizer.zero_grad()  # MISTAKE
    loss = loss_fn(model(inputs), targets)
    (loss / accumulation).backward()
    if (micro_step + 1) % accumulation == 0:
        if max_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return loss.item()
