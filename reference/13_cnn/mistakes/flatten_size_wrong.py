import torch
from torch import nn

HINT = (
    "The Linear layer's in_features must be the flattened size of the last feature map. 16 * 5 * 5 is LeNet's "
    "number, for 32 x 32 inputs without padding; here padding=1 keeps 28 x 28 through each convolution and each "
    "MaxPool2d(2) halves it, 28 -> 14 -> 7: nn.Linear(16 * 7 * 7, 10). The error \"mat1 and mat2 shapes cannot be "
    "multiplied (N x 784 and 400 x 10)\" says so: 784 features arrive, the layer expects 400."
)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 5 * 5, 10)  # MISTAKE

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))
