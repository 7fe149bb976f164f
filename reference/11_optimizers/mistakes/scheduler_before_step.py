import torch

HINT = (
    "`scheduler.step()` must come after `optimizer.step()`: called first, it moves the schedule on before the "
    "step that should have used the current rate, so every step runs one learning rate early (the first rate "
    "is skipped; PyTorch warns about this order)."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    if micro_step % accumulation == 0:
        optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    (loss / accumulation).backward()
    if (micro_step + 1) % accumulation == 0:
        if max_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        if scheduler is not None:
            scheduler.step()  # MISTAKE
        optimizer.step()
    return loss.item()
