"""06 · Devices, written with a conditional expression, isinstance recursion and torch.inference_mode()."""

from typing import Any

import torch
from torch import Tensor, nn


def pick_device() -> torch.device:
    return torch.device(
        "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    )


def to_device(obj: Any, device: torch.device) -> Any:
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(v, device) for v in obj)
    return obj


def predict_on(model: nn.Module, inputs: Tensor, device: torch.device) -> Tensor:
    model = model.to(device).eval()
    with torch.inference_mode():
        outputs = model(inputs.to(device))
    return outputs.to("cpu")
