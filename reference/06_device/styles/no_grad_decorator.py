"""06 · Devices, written with early returns, pattern matching and the @torch.no_grad() decorator."""

from typing import Any

import torch
from torch import Tensor, nn


def pick_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda:0")
    elif torch.backends.mps.is_available():
        return torch.device("mps")
    else:
        return torch.device("cpu")


def to_device(obj: Any, device: torch.device) -> Any:
    match obj:
        case Tensor():
            return obj.to(device=device)
        case dict():
            return {key: to_device(value, device) for key, value in obj.items()}
        case list():
            return [to_device(item, device) for item in obj]
        case tuple():
            return tuple([to_device(item, device) for item in obj])
        case _:
            return obj


@torch.no_grad()
def _forward(model: nn.Module, x: Tensor) -> Tensor:
    return model(x)


def predict_on(model: nn.Module, inputs: Tensor, device: torch.device) -> Tensor:
    model.eval()
    model.to(device)
    x = inputs.to(device)
    y = _forward(model, x)
    return y.detach().cpu()
