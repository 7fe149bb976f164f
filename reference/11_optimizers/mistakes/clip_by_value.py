import torch

HINT = (
    "`clip_grad_value_` caps each gradient entry separately and changes the gradient's direction; `max_norm` "
    "asks for `clip_grad_norm_`, which scales all gradients together so their total norm is at most max_norm."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    if micro_step % accumulation == 0:
        optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    (loss / accumulation).backward()
    if (micro_step + 1) % accumulation == 0:
        if max_norm is not None:
            torch.nn.utils.clip_grad_value_(model.parameters(), max_norm)  # MISTAKE
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return loss.item()
