"""Style: each step through optimizer.step(closure), the mean with statistics.fmean, fit with map."""

import statistics


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    losses = []
    for inputs, targets in loader:
        def closure():
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            return loss
        losses.append(optimizer.step(closure).item())
    return statistics.fmean(losses)


def fit(model, loader, loss_fn, optimizer, epochs):
    return list(map(lambda _: train_one_epoch(model, loader, loss_fn, optimizer), range(epochs)))
