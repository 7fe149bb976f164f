import torch
from torch import nn

HINT = (
    "TwoLayerNet must be a subclass of `nn.Module`: `class TwoLayerNet(nn.Module):`. That is what gives it "
    "`parameters()`, makes `net(x)` run `forward`, and registers the layers you assign in `__init__`."
)


class TwoLayerNet:  # MISTAKE
    def __init__(self, in_features, hidden, out_features):
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
