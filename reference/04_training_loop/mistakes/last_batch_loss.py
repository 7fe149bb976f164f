from torch import nn

HINT = (
    "Return the mean over all batches of the epoch, not the last batch's loss: add up `loss.item()` for every batch "
    "and divide by the number of batches."
)


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
    return loss.item()  # MISTAKE
