import torch
from torch.utils.data import DataLoader

HINT = "Pass the `shuffle` argument on, not `shuffle=True`: with `shuffle=False` the items come in dataset order."


def make_loader(dataset, batch_size, shuffle, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator)  # MISTAKE
