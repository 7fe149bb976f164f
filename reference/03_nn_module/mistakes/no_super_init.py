import torch
from torch import nn

HINT = (
    "Call `super().__init__()` first thing in `__init__`: it sets up the registries where nn.Module keeps "
    "layers and parameters, and assigning a layer to `self` before that fails."
)


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        self.in_features = in_features
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
