from torch import Tensor

HINT = (
    "`tensor.to(device)` returns a new tensor and leaves the original where it was (unlike `module.to(device)`): "
    "return the result of `.to(...)`."
)


def to_device(obj, device):
    if isinstance(obj, Tensor):
        obj.to(device)  # as if it moved the tensor in place, like model.to(device)  # MISTAKE
        return obj
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_device(v, device) for v in obj]
    if isinstance(obj, tuple):
        return tuple(to_device(v, device) for v in obj)
    return obj
