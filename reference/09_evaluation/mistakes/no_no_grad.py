HINT = (
    "`model.eval()` does not switch autograd off: it only changes how layers such as Dropout and BatchNorm "
    "behave. Wrap the loop in `with torch.no_grad():` (or `torch.inference_mode()`), or every batch builds an "
    "autograd graph that no backward() ever uses."
)


def evaluate(model, loader, loss_fn):
    was_training = model.training
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    for inputs, targets in loader:
        outputs = model(inputs)
        total_loss += loss_fn(outputs, targets).item() * len(targets)
        correct += (outputs.argmax(dim=1) == targets).sum().item()
        seen += len(targets)
    model.train(was_training)
    return total_loss / seen, correct / seen
