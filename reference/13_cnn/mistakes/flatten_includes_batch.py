import torch
from torch import nn

HINT = (
    "`torch.flatten(x)` flattens the batch dimension too, so all images run together into one vector. Keep "
    "dimension 0: `torch.flatten(x, 1)`, `x.flatten(start_dim=1)`, `x.view(x.size(0), -1)` or `nn.Flatten()`."
)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(torch.flatten(x))  # MISTAKE
