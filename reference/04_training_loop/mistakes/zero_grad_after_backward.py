from torch import nn


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    losses = []
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def fit(model, loader, loss_fn, optimizer, epochs):
    history = []
    for _ in range(epochs):
        history.append(train_one_epoch(model, loader, loss_fn, optimizer))
    return history
