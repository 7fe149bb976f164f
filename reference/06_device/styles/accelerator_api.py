"""06 · Devices, written with the torch.accelerator API (as PyTorch's own examples now pick a device),
collections.abc for containers (strings checked first: a str is a Sequence too)."""

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import Tensor, nn


def pick_device() -> torch.device:
    if torch.accelerator.is_available():
        return torch.accelerator.current_accelerator()
    return torch.device("cpu")


def to_device(obj: Any, device: torch.device) -> Any:
    if isinstance(obj, Tensor):
        return obj.to(device, non_blocking=True)
    if isinstance(obj, (str, bytes)):
        return obj
    if isinstance(obj, Mapping):
        return {key: to_device(value, device) for key, value in obj.items()}
    if isinstance(obj, Sequence):
        return type(obj)(to_device(item, device) for item in obj)
    return obj


def predict_on(model: nn.Module, inputs: Tensor, device: torch.device) -> Tensor:
    model = model.to(device)
    model.eval()
    with torch.no_grad():
        outputs = model(inputs.to(device, non_blocking=True))
    return outputs.to("cpu")
