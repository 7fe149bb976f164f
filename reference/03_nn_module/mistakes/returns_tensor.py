import torch

HINT = (
    "Return a Python int, not a tensor: `p.numel()` already is an int, so `sum(p.numel() for p in ...)` is one "
    "(or call `.item()` on a one-element tensor)."
)


def count_parameters(model):
    total = torch.tensor(0)  # MISTAKE
    for p in model.parameters():
        if p.requires_grad:
            total += p.numel()
    return total
