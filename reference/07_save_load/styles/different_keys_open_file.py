"""Other key names, and torch.save / torch.load through open file objects."""

import torch


def save_checkpoint(path, model, optimizer, epoch):
    state = {
        "model_state": model.state_dict(),
        "optim": optimizer.state_dict(),
        "epoch": epoch,
    }
    with open(path, "wb") as f:
        torch.save(state, f)


def load_checkpoint(path, model, optimizer):
    with open(path, "rb") as f:
        state = torch.load(f, weights_only=True)
    model.load_state_dict(state["model_state"])
    optimizer.load_state_dict(state["optim"])
    return state["epoch"]
