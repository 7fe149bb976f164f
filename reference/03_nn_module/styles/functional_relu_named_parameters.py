"""Other attribute names, F.relu, count via named_parameters and math.prod of the shape."""

import math

import torch.nn.functional as F
from torch import nn


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.hidden_layer = nn.Linear(in_features, hidden)
        self.output_layer = nn.Linear(hidden, out_features)

    def forward(self, x):
        h = F.relu(self.hidden_layer(x))
        return self.output_layer(h)


def count_parameters(model):
    trainable = {name: p for name, p in model.named_parameters() if p.requires_grad}
    return sum(math.prod(p.shape) for p in trainable.values())
