import torch

HINT = 'Random numbers are only reproducible after `torch.manual_seed(seed)`, called before `torch.rand`.'


def uniform_random(rows, cols, seed):
    return torch.rand(rows, cols)  # MISTAKE
