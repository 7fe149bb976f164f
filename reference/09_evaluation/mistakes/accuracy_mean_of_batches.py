import torch

HINT = (
    "Accuracy is correct predictions over all samples: count the correct ones and divide by the number of "
    "samples once, at the end. A mean of per-batch accuracies gives a smaller last batch as much weight as a "
    "full one."
)


def evaluate(model, loader, loss_fn):
    was_training = model.training
    model.eval()
    total_loss, seen, accuracies = 0.0, 0, []
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs)
            total_loss += loss_fn(outputs, targets).item() * len(targets)
            seen += len(targets)
            accuracies.append((outputs.argmax(dim=1) == targets).float().mean().item())  # MISTAKE
    model.train(was_training)
    return total_loss / seen, sum(accuracies) / len(accuracies)
