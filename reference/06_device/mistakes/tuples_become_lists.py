import torch

HINT = (
    "A tuple must stay a tuple: build it with `tuple(to_device(item, device) for item in obj)`; only lists "
    "become lists."
)


def to_device(obj, device):
    if torch.is_tensor(obj):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_device(v, device) for v in obj]  # MISTAKE
    return obj
