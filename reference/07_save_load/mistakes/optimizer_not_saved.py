import torch

HINT = (
    "The optimizer has state too: Adam keeps a running average of each gradient and of its square, and a step count. "
    "Save `optimizer.state_dict()` in the checkpoint and restore it with `optimizer.load_state_dict(...)`, or resumed "
    "training takes different steps."
)


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    return checkpoint["epoch"]
