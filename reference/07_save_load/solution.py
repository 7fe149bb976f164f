"""Reference solution for 07 save and load."""

import os

import torch
from torch import nn


def save_checkpoint(path: str | os.PathLike, model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int) -> None:
    # state_dicts hold only tensors and plain Python values, so `weights_only=True` can read them back;
    # the optimizer's state (Adam's moment estimates, its step count) is needed to resume training exactly
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
    torch.save(checkpoint, path)


def load_checkpoint(path: str | os.PathLike, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    checkpoint = torch.load(path, weights_only=True)  # reads data only: no code in the file can run
    model.load_state_dict(checkpoint["model"])  # copies into the existing tensors, in place
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
