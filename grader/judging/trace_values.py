"""The values a `grader.judging.tracer.Recorder` keeps of each tensor, and the small questions it asks of
tensors and frames (bounded: small tensors whole, larger ones as moments and samples).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_BYTES = 4 * 2**20
WHOLE = 4096  # tensors of at most this many elements travel whole; larger ones as a summary
SAMPLES = 16


def summary(t: Any, room: int) -> dict | None:
    """{"shape", "dtype", "data": the tensor or None, "stats": moments and samples or None}; None if unreadable."""
    import torch

    if type(t) is not torch.Tensor and type(t) is not torch.nn.Parameter:
        return None  # a subclass (torch.export's fake tensors among them): no plain values to compare
    t = t.detach()
    if t.device.type == "meta" or t.layout != torch.strided or t.is_complex() or t.is_quantized:
        return None
    t.untyped_storage().data_ptr()  # raises for a tensor with no data (torch.export's fake tensors)
    found = {"shape": [int(n) for n in t.shape], "dtype": str(t.dtype), "data": None, "stats": None}
    size = t.numel() * t.element_size()
    if t.numel() <= WHOLE and size <= room:
        found["data"] = t.cpu().contiguous().clone()
        if type(found["data"]) is not torch.Tensor:  # made under a fake mode
            return None
    else:
        found["stats"] = stats(t)
    return found


def stats(t: Any) -> list[float]:
    """Sum, sum of magnitudes, root of the sum of squares, min, max, and SAMPLES values at fixed places."""
    import torch

    flat = t.reshape(-1).to("cpu", torch.float64)
    if flat.numel() == 0:
        return [0.0] * 5
    picks = torch.linspace(0, flat.numel() - 1, SAMPLES).round().long()
    head = [flat.sum(), flat.abs().sum(), flat.square().sum().sqrt(), flat.min(), flat.max()]
    return [float(v) for v in head] + [float(v) for v in flat[picks]]


def _tensors(node: Any, depth: int = 2) -> list:
    import torch

    if isinstance(node, torch.Tensor):
        return [node]
    if depth <= 0:
        return []
    if isinstance(node, (list, tuple)):
        return [t for item in list(node)[:64] for t in _tensors(item, depth - 1)]
    if type(node) is dict:
        return [t for item in list(node.values())[:64] for t in _tensors(item, depth - 1)]
    return []


def _in_optimizer(frame: Any) -> bool:
    """Whether the op was called by torch.optim's code (an optimizer's or a scheduler's step)."""
    name = frame.f_code.co_filename.replace("\\", "/")
    return "/torch/optim/" in name


SETUP = {"__init__", "reset_parameters", "reset_running_stats", "_reset_parameters"}
MODAL = {"batch_norm", "dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d",
         "instance_norm"}


def _in_layer_setup(frame: Any) -> bool:
    """Whether torch.nn's code called the op while making a layer (its weights' and buffers' first values):
    not the code's computation; what it made is state where the code reads it."""
    while frame is not None and "/torch/" in frame.f_code.co_filename.replace("\\", "/"):
        if frame.f_code.co_name in SETUP and "/torch/nn/" in frame.f_code.co_filename.replace("\\", "/"):
            return True
        frame = frame.f_back
    return False


def _modal(func: Any, frame: Any) -> bool:
    """A layer's batch norm or dropout: its values depend on the layer's mode and running statistics, which
    the code set elsewhere (`model.eval()`, a checkpoint): like state changed during the run."""
    if getattr(func, "__name__", "") not in MODAL:
        return False
    while frame is not None and _file(frame).endswith(("/torch/overrides.py", "/torch/nn/functional.py")):
        frame = frame.f_back  # F.batch_norm's own dispatch to the mode
    return frame is not None and "/torch/nn/modules/" in _file(frame)


def _file(frame: Any) -> str:
    return frame.f_code.co_filename.replace("\\", "/")


def _compiling() -> bool:
    """torch.export or torch.compile is tracing: its tensors hold no values."""
    import torch

    return bool(torch.compiler.is_compiling())


def _is_parameter(t: Any) -> bool:
    import torch

    return isinstance(t, torch.nn.Parameter)


def _resolved(name: str) -> str:
    try:
        return str(Path(name).resolve())
    except (OSError, ValueError):
        return name


def _version(t: Any) -> int | None:
    """The tensor's version counter (bumped by each in-place change), or None where it keeps none (an
    inference tensor)."""
    try:
        return t._version
    except Exception:
        return None


SAME_OP = {"truediv": "div", "divide": "div", "floordiv": "floor_divide", "multiply": "mul", "subtract": "sub",
           "rsub": "sub", "true_divide": "div", "neg": "negative", "abs": "absolute", "clip": "clamp", "greater": "gt",
           "less": "lt", "greater_equal": "ge", "less_equal": "le", "not_equal": "ne", "invert": "bitwise_not",
           "iadd": "add", "isub": "sub", "imul": "mul", "itruediv": "div", "idiv": "div"}


def _name(func: Any) -> str:
    """The op's name, one spelling for its forms (`x / y`, `torch.div`, `x.div_`, `aten.div.Tensor`: "div")."""
    name = str(getattr(func, "__name__", "")).split(".")[0].strip("_")[:60]
    name = name[1:] if name in ("radd", "rmul", "rdiv", "rtruediv", "rmatmul", "rpow", "rand", "ror", "rxor") else name
    return SAME_OP.get(name, name) if name.isidentifier() else ""


def _function(frame: Any) -> str:
    """The function's qualified name (`Net.forward`, `fit.<locals>.<lambda>`): whose code it is."""
    return getattr(frame.f_code, "co_qualname", frame.f_code.co_name)[:100]
