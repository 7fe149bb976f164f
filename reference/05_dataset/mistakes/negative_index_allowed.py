import torch
from torch.utils.data import Dataset

HINT = (
    "Negative indices are out of range too in this exercise: check `0 <= i < self.n`, not only `i < self.n` (tensor "
    "indexing happily reads `t[-1]`, the last element)."
)


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.x = torch.arange(n, dtype=torch.float32).unsqueeze(1)
        self.y = self.x ** 2

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]
