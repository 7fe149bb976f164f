HINT = "`loss.backward()` only computes gradients; the weights change when you call `optimizer.step()` after it."


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        total += loss.item()
    return total / len(loader)
