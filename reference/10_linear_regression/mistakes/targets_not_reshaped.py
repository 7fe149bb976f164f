import torch
from torch import nn

HINT = (
    "Shapes: the model predicts (b, 1) but the targets are (b,), so `nn.MSELoss()` broadcasts them to a (b, b) "
    "matrix (every prediction minus every target) and averages that; PyTorch only warns 'Using a target size "
    "that is different to the input size'. Make them equal before the loss: `model(xb).squeeze(1)`, or `yb.unsqueeze(1)`."
)


def train(model, X, y, lr, epochs, batch_size):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    epoch_losses = []
    for _ in range(epochs):
        losses = []
        for i in range(0, len(X), batch_size):
            xb, yb = X[i : i + batch_size], y[i : i + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)  # (b, 1) against (b,)  # MISTAKE
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        epoch_losses.append(sum(losses) / len(losses))
    return epoch_losses
