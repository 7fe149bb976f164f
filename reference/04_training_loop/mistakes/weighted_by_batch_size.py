HINT = (
    "Return the plain mean of the batch losses (sum of `loss.item()` divided by the number of batches), not a mean "
    "weighted by batch size: each batch counts once."
)


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, samples = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)  # the loss is a mean over the batch: undo it to average per sample  # MISTAKE
        samples += len(inputs)
    return total / samples
