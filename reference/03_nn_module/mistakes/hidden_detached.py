import numpy as np
import torch
from torch import nn

HINT = (
    "Keep every step of `forward` in the autograd graph: `.detach()`, `.data`, `torch.tensor(h)` or a trip "
    "through NumPy cut it, so `backward()` never reaches the first layer or the input and they get no gradient."
)


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        h = self.fc1(x).detach().numpy()  # MISTAKE
        h = torch.from_numpy(np.maximum(h, 0))
        return self.fc2(h)
