from torch import nn


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    running_loss = 0.0
    batches = 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss
        batches += 1
    return running_loss / batches


def fit(model, loader, loss_fn, optimizer, epochs):
    return [train_one_epoch(model, loader, loss_fn, optimizer) for _ in range(epochs)]
