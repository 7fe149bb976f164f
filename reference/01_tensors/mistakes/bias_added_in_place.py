import torch


def tensor_from_list(data):
    return torch.tensor(data, dtype=torch.float32)


def tensor_from_numpy(array):
    return torch.from_numpy(array)


def zeros_and_ones(rows, cols):
    return torch.zeros(rows, cols), torch.ones(rows, cols)


def uniform_random(rows, cols, seed):
    torch.manual_seed(seed)
    return torch.rand(rows, cols)


def matmul_reshape(x, y, shape):
    return (x @ y).reshape(shape)


def add_row_bias(matrix, bias):
    matrix += bias
    return matrix
