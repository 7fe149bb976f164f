import torch

HINT = (
    "`model.train()` at the end puts a model that came in eval mode into training mode, which is not how you "
    "found it. Restore the mode it had: `was_training = model.training` first, `model.train(was_training)` last."
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
    model.train()  # MISTAKE
    return total_loss / seen, correct / seen
