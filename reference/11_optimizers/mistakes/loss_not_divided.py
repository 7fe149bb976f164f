import torch

HINT = (
    "Divide each micro-batch's loss by `accumulation` before `backward()`: `.grad` adds up over the group, so "
    "without it the gradient is the sum of `accumulation` gradients, not their mean, and every step is that "
    "many times too large."
)


def train_step(model, batch, loss_fn, optimizer, micro_step, accumulation=1, max_norm=None, scheduler=None):
    inputs, targets = batch
    if micro_step % accumulation == 0:
        optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()  # MISTAKE
    if (micro_step + 1) % accumulation == 0:
        if max_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return loss.item()
