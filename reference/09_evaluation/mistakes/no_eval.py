import torch

HINT = (
    "Call `model.eval()` before evaluating: in training mode Dropout zeroes units at random and BatchNorm "
    "normalises each batch with its own statistics (and updates its running ones, even under no_grad), so the "
    "loss and accuracy are not those of the model you will use, and the model itself changes."
)


def evaluate(model, loader, loss_fn):
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs)
            total_loss += loss_fn(outputs, targets).item() * len(targets)
            correct += (outputs.argmax(dim=1) == targets).sum().item()
            seen += len(targets)
    return total_loss / seen, correct / seen
