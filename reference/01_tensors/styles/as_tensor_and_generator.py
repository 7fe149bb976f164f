"""01 solved with torch.as_tensor, a seeded torch.Generator and torch.matmul."""
import torch


def tensor_from_list(data):
    return torch.as_tensor(data, dtype=torch.float32)


def tensor_from_numpy(array):
    return torch.as_tensor(array)


def zeros_and_ones(rows, cols):
    shape = (rows, cols)
    return torch.zeros(shape, dtype=torch.float32), torch.ones(shape, dtype=torch.float32)


def uniform_random(rows, cols, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(rows, cols, generator=gen)


def matmul_reshape(x, y, shape):
    return torch.matmul(x, y).view(*shape)


def add_row_bias(matrix, bias):
    return torch.add(matrix, bias.unsqueeze(0))
