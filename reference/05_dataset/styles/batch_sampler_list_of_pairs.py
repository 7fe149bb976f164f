"""Style: items built once as a list of pairs; batches from a BatchSampler over a seeded sampler."""

import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler, SequentialSampler


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.pairs = [(torch.tensor([float(i)]), torch.tensor([float(i * i)])) for i in range(n)]

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        if i < 0:  # a list would read from the end; past the end it raises IndexError itself
            raise IndexError(f"negative index {i}")
        return self.pairs[i]


def make_loader(dataset, batch_size, shuffle, seed=0):
    if shuffle:
        order = RandomSampler(dataset, generator=torch.Generator().manual_seed(seed))
    else:
        order = SequentialSampler(dataset)
    return DataLoader(dataset, batch_sampler=BatchSampler(order, batch_size, drop_last=False))
