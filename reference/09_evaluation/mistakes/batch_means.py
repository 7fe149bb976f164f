import torch

HINT = (
    "`loss_fn` returns the mean over its batch, so averaging those means weights a smaller last batch like a "
    "full one. Weight each batch by its size: add `loss.item() * len(targets)` and the number correct, and "
    "divide both by the number of samples at the end."
)


def evaluate(model, loader, loss_fn):
    was_training = model.training
    model.eval()
    losses, accuracies = [], []
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs)
            losses.append(loss_fn(outputs, targets).item())
            accuracies.append((outputs.argmax(dim=1) == targets).float().mean().item())
    model.train(was_training)
    return sum(losses) / len(losses), sum(accuracies) / len(accuracies)
