"""Reference solution for 03 nn.Module."""

import torch
from torch import Tensor, nn


class TwoLayerNet(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int) -> None:
        super().__init__()  # sets up the registries that make layers assigned below visible
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: Tensor) -> Tensor:
        # without the ReLU, two linear layers collapse into a single linear map
        return self.fc2(torch.relu(self.fc1(x)))


def count_parameters(model: nn.Module) -> int:
    # parameters() yields each parameter once, even when layers share it
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
