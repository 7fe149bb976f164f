from torch import Tensor

HINT = (
    "Containers can hold containers: call `to_device` recursively on every value, so tensors nested at any depth "
    "are moved."
)


def to_device(obj, device):
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: v.to(device) if isinstance(v, Tensor) else v for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(v.to(device) if isinstance(v, Tensor) else v for v in obj)
    return obj
