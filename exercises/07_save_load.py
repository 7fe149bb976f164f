"""07 · Saving and loading

Save *state*, not objects. `model.state_dict()` is a dict from names
("0.weight", "1.running_mean") to tensors: every parameter and buffer of the
model. `optimizer.state_dict()` holds the optimizer's own state (for Adam, a
running mean of each gradient and of its square, and a step count) and its
settings. Put them in one dict with the epoch and `torch.save(checkpoint, path)`.
To resume, `torch.load(path, weights_only=True)` reads back only tensors and
plain Python values (no code in the file can run), and `model.load_state_dict(...)`
and `optimizer.load_state_dict(...)` copy the saved values into the model and
optimizer you already built. A checkpoint that restores both lets training go on
exactly as if it had never stopped.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 07
"""

import os

import torch
from torch import nn


def save_checkpoint(path: str | os.PathLike, model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int) -> None:
    """Save the model's state, the optimizer's state and `epoch` (an int) in one file at `path`,
    such that `torch.load(path, weights_only=True)` can read it.

    >>> save_checkpoint("ckpt.pt", model, optimizer, epoch=3)
    >>> sorted(torch.load("ckpt.pt", weights_only=True))   # your keys may differ
    ['epoch', 'model', 'optimizer']
    """
    # TODO
    raise NotImplementedError


def load_checkpoint(path: str | os.PathLike, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    """Restore `model` and `optimizer` (already built, same architecture and parameters) from the
    checkpoint that `save_checkpoint` wrote at `path`, and return the saved epoch as an int.

    >>> load_checkpoint("ckpt.pt", fresh_model, fresh_optimizer)
    3
    """
    # TODO
    raise NotImplementedError
