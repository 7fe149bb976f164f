import torch
from torch.utils.data import DataLoader, Dataset


class SquaresDataset(Dataset):
    """Precomputes every x and y once, as (n, 1) tensors."""

    def __init__(self, n):
        self.xs = torch.arange(n, dtype=torch.float32).unsqueeze(1)
        self.ys = self.xs.pow(2)

    def __len__(self):
        return len(self.xs)

    def __getitem__(self, i):
        if i < 0:  # tensor indexing would wrap around; past the end it raises IndexError itself
            raise IndexError(i)
        return self.xs[i], self.ys[i]


def make_loader(dataset, batch_size, shuffle, seed=0):
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)
