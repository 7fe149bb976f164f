from collections.abc import Mapping, Sequence

from torch import Tensor

HINT = (
    "A `str` is a `collections.abc.Sequence` too, so `type(obj)(... for item in obj)` turns \"cat\" into the text "
    "of a generator: check `isinstance(obj, str)` (and return it unchanged) before `Sequence`, or test for `list` "
    "and `tuple` themselves."
)


def to_device(obj, device):
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, Mapping):
        return {k: to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, Sequence):  # MISTAKE
        return type(obj)(to_device(v, device) for v in obj)
    return obj
