import torch

HINT = 'Shapes are (rows, cols): `torch.zeros(rows, cols)`.'


def zeros_and_ones(rows, cols):
    return torch.zeros(cols, rows), torch.ones(cols, rows)  # MISTAKE
