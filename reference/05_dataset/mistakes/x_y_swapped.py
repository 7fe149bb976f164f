import torch
from torch.utils.data import Dataset

HINT = "An item is `(input, target)`: return `(x, y)` with x the number and y its square, in that order."


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        square = torch.tensor([float(i * i)])
        return square, torch.tensor([float(i)])  # MISTAKE
