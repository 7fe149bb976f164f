import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, SequentialSampler


class SquaresDataset(Dataset):
    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        if i not in range(self.n):
            raise IndexError(f"{i} not in 0..{self.n - 1}")
        x = torch.full((1,), float(i))
        return (x, x * x)


def make_loader(dataset, batch_size, shuffle, seed=0):
    if shuffle:
        sampler = RandomSampler(dataset, generator=torch.Generator().manual_seed(seed))
    else:
        sampler = SequentialSampler(dataset)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
