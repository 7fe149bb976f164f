"""map_location="cpu", strict=True, and a nested checkpoint layout."""

from pathlib import Path

import torch
from torch import nn


def save_checkpoint(path: str, model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int) -> None:
    checkpoint = {
        "states": {"net": model.state_dict(), "opt": optimizer.state_dict()},
        "meta": {"epoch": int(epoch), "format": 1},
    }
    torch.save(checkpoint, Path(path))


def load_checkpoint(path: str, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    checkpoint = torch.load(Path(path), map_location="cpu", weights_only=True)
    states = checkpoint["states"]
    model.load_state_dict(states["net"], strict=True)
    optimizer.load_state_dict(states["opt"])
    epoch = checkpoint["meta"]["epoch"]
    return epoch
