import torch
from torch.utils.data import DataLoader

HINT = "Pass `shuffle=shuffle` to the DataLoader: by default it visits the items in order."


def make_loader(dataset, batch_size, shuffle, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, generator=generator)  # MISTAKE
