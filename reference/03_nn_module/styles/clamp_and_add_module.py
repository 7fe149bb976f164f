"""Layers registered with add_module, ReLU as clamp(min=0), numel summed over a filtered list."""

import torch
from torch import nn


class TwoLayerNet(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        nn.Module.__init__(self)
        self.add_module("first", nn.Linear(in_features, hidden))
        self.add_module("second", nn.Linear(hidden, out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = self.first(x).clamp(min=0)
        return self.second(hidden)


def count_parameters(model: nn.Module) -> int:
    trainable = list(filter(lambda p: p.requires_grad, model.parameters()))
    return int(sum(torch.numel(p) for p in trainable))
