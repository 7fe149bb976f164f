from torch import nn

HINT = (
    "Apply ReLU only between the layers, not after the last one: the output layer's values (scores, "
    "regression targets) may be negative, and a final ReLU clips them to 0."
)


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_features, hidden), nn.ReLU(),
            nn.Linear(hidden, out_features), nn.ReLU(),  # MISTAKE
        )

    def forward(self, x):
        return self.layers(x)
