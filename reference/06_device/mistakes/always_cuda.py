import torch

HINT = 'Don\'t assume a GPU: return `torch.device("cuda")` only when `torch.cuda.is_available()`.'


def pick_device():
    return torch.device("cuda")  # the course machine has a GPU  # MISTAKE
