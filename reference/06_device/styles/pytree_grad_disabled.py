"""06 · Devices, written with a device table, torch.utils._pytree.tree_map and torch.set_grad_enabled(False)."""

from typing import Any

import torch
from torch import Tensor, nn
from torch.utils._pytree import tree_map


def pick_device() -> torch.device:
    checks = [("cuda", torch.cuda.is_available), ("mps", torch.backends.mps.is_available)]
    for name, available in checks:
        if available():
            return torch.device(name)
    return torch.device("cpu")


def to_device(obj: Any, device: torch.device) -> Any:
    return tree_map(lambda x: x.to(device) if isinstance(x, Tensor) else x, obj)


def predict_on(model: nn.Module, inputs: Tensor, device: torch.device) -> Tensor:
    was_enabled = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    try:
        model.to(device)
        model.train(False)
        result = model.forward(inputs.to(device))
    finally:
        torch.set_grad_enabled(was_enabled)
    return result.cpu()
