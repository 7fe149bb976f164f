import torch

HINT = '`torch.tensor(array)` copies the data; `torch.from_numpy(array)` shares memory with the array.'


def tensor_from_numpy(array):
    return torch.tensor(array)  # MISTAKE
