import torch

HINT = '`torch.randn` samples a normal distribution; uniform samples in [0, 1) come from `torch.rand`.'


def uniform_random(rows, cols, seed):
    torch.manual_seed(seed)
    return torch.randn(rows, cols)  # MISTAKE
