"""01 solved the long way: conversions via tensor(...).float(), row-by-row bias, empty_like + fill_."""
import torch


def tensor_from_list(data):
    return torch.tensor(data).float() if data else torch.tensor(data, dtype=torch.float32)


def tensor_from_numpy(array):
    return torch.from_numpy(array)


def zeros_and_ones(rows, cols):
    ones = torch.empty(rows, cols).fill_(1.0)
    return torch.zeros_like(ones), ones


def uniform_random(rows, cols, seed):
    torch.random.manual_seed(seed)
    return torch.rand((rows, cols), dtype=torch.float32)


def matmul_reshape(x, y, shape):
    product = x @ y
    return product.flatten().reshape(shape)


def add_row_bias(matrix, bias):
    rows = [row + bias for row in matrix]
    return torch.stack(rows) if rows else matrix.clone()
