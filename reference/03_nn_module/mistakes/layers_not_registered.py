import torch
from torch import nn

HINT = (
    "nn.Module only finds layers assigned directly to `self` in `__init__` (`self.fc1 = nn.Linear(...)`) or held "
    "in `nn.Sequential` / `nn.ModuleList`. A plain Python list, or layers made inside `forward`, hide them: "
    "`model.parameters()` misses their weights and an optimizer would never train them."
)


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.sizes = (in_features, hidden, out_features)

    def forward(self, x):
        a, b, c = self.sizes
        x = torch.relu(nn.Linear(a, b)(x))
        return nn.Linear(b, c)(x)
