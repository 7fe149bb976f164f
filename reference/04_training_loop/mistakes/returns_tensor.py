from torch import nn

HINT = (
    "Keep losses as Python numbers with `loss.item()`: adding up the loss tensors returns a tensor and keeps every "
    "batch's autograd graph alive in memory."
)


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    running_loss = 0.0
    batches = 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss  # MISTAKE
        batches += 1
    return running_loss / batches
