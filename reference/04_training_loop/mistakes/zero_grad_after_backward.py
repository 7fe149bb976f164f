from torch import nn

HINT = (
    "`optimizer.step()` updates the weights from `.grad`; zeroing the gradients between `loss.backward()` and "
    "`optimizer.step()` throws them away, so nothing is learned. Order: `zero_grad()`, forward, `backward()`, "
    "`step()`."
)


def train_one_epoch(model: nn.Module, loader, loss_fn, optimizer) -> float:
    model.train()
    losses = []
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.zero_grad()  # MISTAKE
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
