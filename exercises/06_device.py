"""06 · Devices

Every tensor lives on a *device*: the CPU, an NVIDIA GPU ("cuda") or an Apple
GPU ("mps"). An operation needs all its tensors on the same device, so code
that should run anywhere picks the best device it has, once, and moves data
and models there. `t.to(device)` returns a *new* tensor on `device` (the
original stays where it was); `model.to(device)` moves a module's parameters
in place. For inference, put the model in evaluation mode (`model.eval()`:
dropout off, batch norm uses its running statistics) and switch autograd off
(`with torch.no_grad():`), then bring the outputs back with `.cpu()`.
Never write `.cuda()` or `"cuda"` into code that should also run without a GPU.

Fill in each function, replacing `raise NotImplementedError`, then run:

    pytorch-tutor check 06
"""

from typing import Any

import torch
from torch import Tensor, nn


def pick_device() -> torch.device:
    """Return the best available device as a `torch.device`: `torch.device("cuda")` if
    `torch.cuda.is_available()`, else `torch.device("mps")` if `torch.backends.mps.is_available()`,
    else `torch.device("cpu")`.

    >>> pick_device()  # on a laptop without a GPU
    device(type='cpu')
    """
    # TODO
    raise NotImplementedError


def to_device(obj: Any, device: torch.device) -> Any:
    """Return `obj` with every tensor in it moved to `device`, keeping its structure.

    `obj` is a tensor, or dicts, lists and tuples nested to any depth, holding tensors
    and other values. Dicts stay dicts, lists stay lists, tuples stay tuples, and
    values that are not tensors (numbers, strings, None) are returned unchanged.

    >>> to_device({"x": torch.zeros(2), "ids": (torch.ones(1), 7), "name": "a"}, torch.device("meta"))
    {'x': tensor(..., device='meta', size=(2,)), 'ids': (tensor(..., device='meta', size=(1,)), 7), 'name': 'a'}
    """
    # TODO
    raise NotImplementedError


def predict_on(model: nn.Module, inputs: Tensor, device: torch.device) -> Tensor:
    """Run `model` on the tensor `inputs` for inference on `device`, and return its outputs on the CPU.

    Move the model and the inputs to `device`, put the model in evaluation mode,
    compute the outputs without gradient tracking, and return them as a CPU tensor.
    The model stays on `device`, its parameters otherwise as they were (switch
    tracking off for the computation, not with `requires_grad_(False)`).

    >>> predict_on(nn.Linear(3, 1), torch.zeros(4, 3), pick_device()).shape
    torch.Size([4, 1])
    """
    # TODO
    raise NotImplementedError
