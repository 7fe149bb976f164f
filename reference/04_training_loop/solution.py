"""Reference solution for 04 training loop."""

from typing import Callable, Iterable

import torch
from torch import Tensor, nn


def train_one_epoch(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
) -> float:
    model.train()  # Dropout and BatchNorm behave differently in training mode
    total, batches = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()  # .grad accumulates: clear what earlier backward() calls left
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item()  # a number, not the tensor: don't keep the batch's graph alive
        batches += 1
    return total / batches


def fit(
    model: nn.Module,
    loader: Iterable[tuple[Tensor, Tensor]],
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
    epochs: int,
) -> list[float]:
    return [train_one_epoch(model, loader, loss_fn, optimizer) for _ in range(epochs)]
