import torch

HINT = '`torch.tensor([1, 2])` is int64 because Python ints are; ask for `dtype=torch.float32`.'


def tensor_from_list(data):
    return torch.tensor(data)  # Python ints make an int64 tensor  # MISTAKE
