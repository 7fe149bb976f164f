import torch
from torch import nn

HINT = (
    "Both convolutions take padding=1: a 3x3 kernel with one pixel of zero padding keeps 28 x 28 (a \"same\" "
    "convolution). Without it each convolution loses two pixels (28 -> 26 -> 13 -> 11 -> 5), so the features and "
    "the Linear layer's size both change."
)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))
