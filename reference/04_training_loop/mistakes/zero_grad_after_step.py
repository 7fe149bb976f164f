from torch import nn

HINT = (
    "Clear the gradients at the start of each step, before `loss.backward()`: when you zero them only after "
    "`optimizer.step()`, gradients left in `.grad` before the epoch (by an evaluation or an earlier backward) leak "
    "into the first update."
)


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    total, n = 0.0, 0
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()  # MISTAKE
        total += loss.item()
        n += 1
    return total / n
