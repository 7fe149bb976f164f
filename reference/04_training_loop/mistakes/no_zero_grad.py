from torch import nn


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


def fit(model, loader, loss_fn, optimizer, epochs):
    return [train_one_epoch(model, loader, loss_fn, optimizer) for _ in range(epochs)]
