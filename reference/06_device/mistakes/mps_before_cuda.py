import torch

HINT = "Order matters: check `torch.cuda.is_available()` first, and only then `torch.backends.mps.is_available()`."


def pick_device():
    if torch.backends.mps.is_available():
        return torch.device("mps")
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")
