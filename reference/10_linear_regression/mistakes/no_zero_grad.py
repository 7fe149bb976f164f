import torch
from torch import nn

HINT = (
    "Gradients accumulate: every `loss.backward()` adds to `.grad`, so without `optimizer.zero_grad()` before each "
    "batch, every update also carries the gradients of all earlier batches and the steps grow out of control."
)


def train(model, X, y, lr, epochs, batch_size):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    epoch_losses = []
    for _ in range(epochs):
        losses = []
        for i in range(0, len(X), batch_size):
            xb, yb = X[i : i + batch_size], y[i : i + batch_size]
            loss = loss_fn(model(xb).squeeze(1), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        epoch_losses.append(sum(losses) / len(losses))
    return epoch_losses
