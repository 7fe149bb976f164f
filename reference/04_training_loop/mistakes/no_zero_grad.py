from torch import nn

HINT = (
    "Gradients accumulate: every `loss.backward()` adds to `.grad`. Call `optimizer.zero_grad()` at the start of "
    "each step, or each update also contains the gradients of all earlier batches."
)


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    total = 0.0
    count = 0
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item()
        count += 1
    return total / count
