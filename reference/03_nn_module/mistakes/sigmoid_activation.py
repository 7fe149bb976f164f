import torch
from torch import nn

HINT = "The activation between the layers is ReLU (`torch.relu` or `nn.ReLU()`, max(x, 0)), not the sigmoid."


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(x)))  # MISTAKE
