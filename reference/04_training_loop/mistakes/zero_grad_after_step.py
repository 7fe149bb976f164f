from torch import nn


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    total, n = 0.0, 0
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
        n += 1
    return total / n


def fit(model, loader, loss_fn, optimizer, epochs):
    return [train_one_epoch(model, loader, loss_fn, optimizer) for _ in range(epochs)]
