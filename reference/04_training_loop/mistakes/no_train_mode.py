from torch import nn

HINT = (
    "Call `model.train()` at the start of the epoch: a model left in evaluation mode (after `model.eval()`) "
    "switches Dropout off and BatchNorm to its running statistics, so it does not train as intended."
)


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    losses = []
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
