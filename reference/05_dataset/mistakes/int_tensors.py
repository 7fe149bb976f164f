import torch
from torch.utils.data import Dataset

HINT = (
    "`torch.tensor([i])` is int64 because `i` is a Python int; models and losses want float32: use "
    "`torch.tensor([float(i)])`."
)


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i < 0 or i >= self.n:
            raise IndexError(i)
        return torch.tensor([i]), torch.tensor([i ** 2])  # MISTAKE
