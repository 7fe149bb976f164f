"""Style: losses summed as a float32 tensor of detached values (.item() once at the end), fit with an explicit loop."""

import torch


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total = torch.zeros(())
    batches = 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.detach()
        batches += 1
    return (total / batches).item()


def fit(model, loader, loss_fn, optimizer, epochs):
    history = []
    for _ in range(epochs):
        history.append(train_one_epoch(model, loader, loss_fn, optimizer))
    return history
