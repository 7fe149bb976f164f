import torch
from torch.utils.data import DataLoader

HINT = "Pass `batch_size=batch_size` to the DataLoader: its default is 1 item per batch."


def make_loader(dataset, batch_size, shuffle, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, shuffle=shuffle, generator=generator)  # MISTAKE
