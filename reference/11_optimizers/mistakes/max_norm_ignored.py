HINT = (
    "`max_norm` was given but the gradients were not clipped: when it is not None, call "
    "`torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)` after the group's last backward, before the step."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    if micro_step % accumulation == 0:
        optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    (loss / accumulation).backward()
    if (micro_step + 1) % accumulation == 0:
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return loss.item()
