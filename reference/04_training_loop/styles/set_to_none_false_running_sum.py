"""Style: zero_grad(set_to_none=False) after the forward pass, a running sum of loss.item()."""

from torch import nn


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train(True)
    running_loss = 0.0
    n = 0
    for n, (inputs, targets) in enumerate(loader, start=1):
        prediction = model(inputs)
        loss = loss_fn(prediction, targets)
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    return running_loss / n


def fit(model, loader, loss_fn, optimizer, epochs):
    return [train_one_epoch(model, loader, loss_fn, optimizer) for _ in range(epochs)]
