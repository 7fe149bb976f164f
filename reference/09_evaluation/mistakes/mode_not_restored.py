import torch

HINT = (
    "Hand the model back in the mode you found it in: evaluate() runs in the middle of training, and a model "
    "left in eval mode goes on training without Dropout and with frozen BatchNorm statistics. Note "
    "`was_training = model.training` before `model.eval()` and call `model.train(was_training)` at the end."
)


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs)
            total_loss += loss_fn(outputs, targets).item() * len(targets)
            correct += (outputs.argmax(dim=1) == targets).sum().item()
            seen += len(targets)
    return total_loss / seen, correct / seen
