import torch

HINT = (
    "Return the epoch as a Python int: a tensor saved with `torch.tensor(epoch)` comes back as a tensor; save the int "
    "itself, or convert with `int(...)` or `.item()`."
)


def save_checkpoint(path, model, optimizer, epoch):
    torch.save(
        {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": torch.tensor(epoch)}, path  # MISTAKE
    )
