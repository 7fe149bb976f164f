"""Style: model.zero_grad(), detached losses collected in a list, averaged with torch.stack."""

import torch
from torch import nn


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    losses = []
    for inputs, targets in loader:
        model.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return torch.stack(losses).mean().item()


def fit(model: nn.Module, loader, loss_fn, optimizer, epochs: int) -> list[float]:
    history = []
    for epoch in range(epochs):
        history.append(train_one_epoch(model, loader, loss_fn, optimizer))
    return history
