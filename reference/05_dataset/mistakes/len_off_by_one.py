import torch
from torch.utils.data import Dataset

HINT = "`__len__` is the number of items, n; the DataLoader asks it how many indices to visit."


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.last = n - 1

    def __len__(self):
        return self.last

    def __getitem__(self, i):
        if not 0 <= i <= self.last:
            raise IndexError(i)
        x = torch.tensor([float(i)])
        return x, x ** 2
