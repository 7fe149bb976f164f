import torch
from torch.utils.data import Dataset

HINT = (
    "`__getitem__` must raise `IndexError` for an index outside 0 .. n-1, as a list does: without it a `for x in "
    "dataset` loop never ends. Check the index before computing the item."
)


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        x = torch.tensor([float(i)])
        return x, x ** 2
