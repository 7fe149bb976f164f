"""Layers in an nn.ModuleList, ReLU between them; count_parameters with a for loop."""

from torch import Tensor, nn


class TwoLayerNet(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int) -> None:
        super(TwoLayerNet, self).__init__()
        sizes = [in_features, hidden, out_features]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.activation = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = self.activation(x)
        return x


def count_parameters(model: nn.Module) -> int:
    total = 0
    for param in model.parameters():
        if param.requires_grad:
            total += param.numel()
    return total
