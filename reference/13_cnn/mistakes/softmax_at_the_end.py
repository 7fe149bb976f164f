import torch
from torch import nn

HINT = (
    "Return the raw logits, without softmax: `nn.CrossEntropyLoss` applies log-softmax itself, so a softmax in the "
    "model is applied twice in training (and flattens the gradients). Take `softmax` of the logits only when you "
    "need probabilities."
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
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)  # MISTAKE
