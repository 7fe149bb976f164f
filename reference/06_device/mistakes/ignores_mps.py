import torch

HINT = (
    "Apple-silicon GPUs are the `mps` device: when there is no CUDA, check `torch.backends.mps.is_available()` "
    "before falling back to the CPU."
)


def pick_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")  # MISTAKE
