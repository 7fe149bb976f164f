import torch

HINT = (
    "Keep the array's dtype: `torch.Tensor(array)` and `.float()` make a float32 copy; "
    '`torch.from_numpy(array)` shares memory and keeps the dtype.'
)


def tensor_from_numpy(array):
    return torch.Tensor(array)  # MISTAKE
