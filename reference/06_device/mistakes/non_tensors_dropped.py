from torch import Tensor

HINT = "Keep every value: items that are not tensors stay in the result, unchanged."


def to_device(obj, device):
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items() if isinstance(v, (Tensor, dict, list, tuple))}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(v, device) for v in obj if isinstance(v, (Tensor, dict, list, tuple)))
    return obj
