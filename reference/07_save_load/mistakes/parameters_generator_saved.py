import torch

HINT = (
    "`model.parameters()` is a generator, which cannot be pickled; and even as a list it leaves out buffers such as "
    "BatchNorm's running statistics. Save `model.state_dict()`: every parameter and buffer, by name."
)


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"weights": model.parameters(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    for param, saved in zip(model.parameters(), checkpoint["weights"]):
        param.data = saved.data
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
