import torch

HINT = 'Return a tuple, `return zeros, ones`, not a list.'


def zeros_and_ones(rows, cols):
    return [torch.zeros(rows, cols), torch.ones(rows, cols)]  # MISTAKE
