"""Reference solution for 05 dataset."""

import torch
from torch import Tensor
from torch.utils.data import DataLoader, Dataset


class SquaresDataset(Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        # IndexError is how a sequence says "no such item" (and how `for x in ds` knows to stop)
        if not 0 <= i < self.n:
            raise IndexError(f"index {i} is out of range for a dataset of {self.n} items")
        x = torch.tensor([float(i)])  # shape (1,), float32: batches stack into (batch_size, 1)
        return x, x**2


def make_loader(dataset: Dataset, batch_size: int, shuffle: bool, seed: int = 0) -> DataLoader:
    # A generator of its own makes the shuffled order depend only on `seed`,
    # and leaves torch's global random state to the rest of the program.
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)
