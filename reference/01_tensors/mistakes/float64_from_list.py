import torch

HINT = "float64 is double precision; PyTorch's default float type is float32: use `dtype=torch.float32`."


def tensor_from_list(data):
    return torch.tensor(data, dtype=torch.float64)  # MISTAKE
