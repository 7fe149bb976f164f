import torch

HINT = (
    "The loss is the plain mean squared error, `nn.MSELoss()`: the d2l book's `squared_loss` divides by 2, "
    "which halves every gradient, so the same learning rate takes half-size steps."
)


def train(model, X, y, lr, epochs, batch_size):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    epoch_losses = []
    for _ in range(epochs):
        losses = []
        for i in range(0, len(X), batch_size):
            xb, yb = X[i : i + batch_size], y[i : i + batch_size]
            optimizer.zero_grad()
            loss = ((model(xb).squeeze(1) - yb) ** 2 / 2).mean()  # MISTAKE
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        epoch_losses.append(sum(losses) / len(losses))
    return epoch_losses
