from torch import nn

HINT = (
    "`nn.Linear(a, b)` maps a features to b: the first layer is `nn.Linear(in_features, hidden)`, the second "
    "`nn.Linear(hidden, out_features)`, so the output has `out_features` columns."
)


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(in_features, out_features), nn.ReLU(), nn.Linear(out_features, hidden))  # MISTAKE

    def forward(self, x):
        return self.model(x)
