"""Reference solution for 06 device."""

from typing import Any

import torch
from torch import Tensor, nn


def pick_device() -> torch.device:
    # Prefer an NVIDIA GPU, then an Apple-silicon GPU, then the CPU.
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def to_device(obj: Any, device: torch.device) -> Any:
    if isinstance(obj, Tensor):
        return obj.to(device)  # a new tensor: .to() does not move a tensor in place
    if isinstance(obj, dict):
        return {key: to_device(value, device) for key, value in obj.items()}
    if isinstance(obj, list):
        return [to_device(item, device) for item in obj]
    if isinstance(obj, tuple):
        return tuple(to_device(item, device) for item in obj)
    return obj  # numbers, strings, None...: nothing to move


def predict_on(model: nn.Module, inputs: Tensor, device: torch.device) -> Tensor:
    model.to(device)  # moves the parameters in place
    model.eval()  # dropout off, batch norm uses its running statistics
    with torch.no_grad():  # no graph is recorded: faster, less memory
        outputs = model(inputs.to(device))
    return outputs.cpu()
