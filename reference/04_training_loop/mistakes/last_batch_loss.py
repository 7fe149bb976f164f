from torch import nn


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
    return loss.item()


def fit(model, loader, loss_fn, optimizer, epochs):
    return [train_one_epoch(model, loader, loss_fn, optimizer) for _ in range(epochs)]
