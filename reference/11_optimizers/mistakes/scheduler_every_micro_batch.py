import torch

HINT = (
    "The schedule counts optimizer steps, not micro-batches: call `scheduler.step()` only after "
    "`optimizer.step()`, at the end of a group, or with accumulation it runs `accumulation` times too fast."
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
        optimizer.step()
    if scheduler is not None:
        scheduler.step()  # MISTAKE
    return loss.item()
