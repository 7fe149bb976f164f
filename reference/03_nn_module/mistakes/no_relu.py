from torch import nn

HINT = (
    "Put a ReLU between the two layers: without a nonlinearity, two `nn.Linear` layers compose into a single "
    "linear map. `forward` is `fc2(relu(fc1(x)))`."
)


class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return self.fc2(self.fc1(x))  # MISTAKE
