import torch

HINT = "Return the epoch exactly as it was saved; whether to resume at `epoch` or `epoch + 1` is the caller's decision."


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    start_epoch = checkpoint["epoch"] + 1  # continue with the next epoch  # MISTAKE
    return start_epoch
