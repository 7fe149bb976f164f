import torch

HINT = 'Return a `torch.device`, e.g. `torch.device("cuda")`, not the string "cuda".'


def pick_device():
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"
