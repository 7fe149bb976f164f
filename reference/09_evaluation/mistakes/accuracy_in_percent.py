import torch

HINT = "Accuracy is a fraction in [0, 1] (correct / samples), not a percentage: leave out the `* 100`."


def evaluate(model, loader, loss_fn):
    was_training = model.training
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            outputs = model(inputs)
            total_loss += loss_fn(outputs, targets).item() * len(targets)
            correct += (outputs.argmax(dim=1) == targets).sum().item()
            seen += len(targets)
    model.train(was_training)
    return total_loss / seen, 100 * correct / seen  # MISTAKE
