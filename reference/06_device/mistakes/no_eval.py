"""A learner who switches autograd off but leaves the model in training mode."""

from typing import Any

import torch
from torch import Tensor, nn


def pick_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def to_device(obj: Any, device: torch.device) -> Any:
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(v, device) for v in obj)
    return obj


def predict_on(model: nn.Module, inputs: Tensor, device: torch.device) -> Tensor:
    model = model.to(device)
    with torch.no_grad():
        outputs = model(to_device(inputs, device))
    return outputs.cpu()
