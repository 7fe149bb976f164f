"""What each setting `grader.judging.trace_settings` records is: the methods and functions of torch it wraps
while recording (layers, modes, freezing, optimizers, schedulers, data loaders, zero_grad(), clipping,
`torch.save` and the grad modes entered), and how each call's effect is described: a name for its kind, and
its value as text, at most MAX_TEXT characters (None for a layer, described once it is made; ORDER for one
described by where it came).
"""

from __future__ import annotations

from typing import Any

MAX_TEXT = 400
ORDER = object()  # a setting described by where it came: the n-th of its kind, after how many steps and backward()s


def wrapped() -> list[tuple[Any, str, Any]]:
    """(owner, attribute, describe) for each method or function of torch wrapped while recording."""
    import torch

    return [(torch.nn.Module, "__init__", _module), (torch.nn.Module, "train", _mode),
            (torch.nn.Module, "requires_grad_", _frozen), (torch.optim.Optimizer, "__init__", _optimizer),
            (torch.utils.data.DataLoader, "__init__", _loader),
            (torch.optim.lr_scheduler.LRScheduler, "__init__", _scheduler),
            (torch.optim.lr_scheduler.LRScheduler, "step", _scheduled),
            (torch.optim.Optimizer, "zero_grad", _zeroed), (torch.nn.Module, "zero_grad", _zeroed),
            (torch.nn.utils, "clip_grad_norm_", _clipped), (torch.nn.utils, "clip_grad_value_", _clipped),
            (torch, "save", _saved), (torch.no_grad, "__enter__", _grad_mode),
            (torch.enable_grad, "__enter__", _grad_mode), (torch.inference_mode, "__enter__", _grad_mode)]


def _module(module: Any, args: tuple, kwargs: dict) -> tuple[str, None] | None:
    """A torch layer made (a class of the code's own: none), described when the trace ends."""
    kind = type(module)
    if not kind.__module__.startswith("torch.nn."):
        return None
    return f"module_{kind.__name__}", None


def _mode(module: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    return "train", f"{layer_text(module)}.train({bool(module.training)})"


def _frozen(module: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    flags = sorted({p.requires_grad for p in module.parameters()})
    return "requires_grad", f"{layer_text(module)}.requires_grad_({flags})"


def layer_text(module: Any) -> str:
    return f"{type(module).__name__}({module.extra_repr()})"


def _optimizer(optimizer: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    groups = []
    for group in optimizer.param_groups:
        params = list(group["params"])
        frozen = sum(not p.requires_grad for p in params)
        options = ", ".join(f"{k}={_option(v)}" for k, v in sorted(group.items()) if k != "params")
        groups.append(f"[{len(params)} params ({frozen} frozen), {sum(p.numel() for p in params)} values; {options}]")
    return "optimizer", f"{type(optimizer).__name__}: " + " ".join(groups)


def _scheduler(scheduler: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    return "scheduler", f"{type(scheduler).__name__}: lr={learning_rates(scheduler.optimizer)}"


def _scheduled(scheduler: Any, args: tuple, kwargs: dict) -> tuple[str, object]:
    return "scheduler_step", ORDER  # the learning rates it set show at the next step


def _zeroed(owner: Any, args: tuple, kwargs: dict) -> tuple[str, object]:
    return "zero_grad", ORDER


def _clipped(parameters: Any, args: tuple, kwargs: dict) -> tuple[str, object]:
    return "clip", ORDER


def learning_rates(optimizer: Any) -> list[str]:
    return [_option(group["lr"]) for group in optimizer.param_groups]


def _option(value: Any) -> str:
    """An option as the effect it has: a number (a tensor's too) by its value, anything else by its type."""
    import torch

    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if type(value) in (int, float):
        return f"{float(value):.6g}"  # computed another way, the same number to 6 digits
    if type(value) in (bool, str, type(None)):
        return repr(value)
    if type(value) is tuple and all(type(v) in (int, float) for v in value):
        return "(" + ", ".join(f"{float(v):.6g}" for v in value) + ")"
    return type(value).__name__


def _loader(loader: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    """What decides the batches: their size, whether the last is dropped, the order (in order, or shuffled
    from which seed)."""
    sampler = getattr(loader.batch_sampler, "sampler", loader.sampler)
    size = getattr(loader.batch_sampler, "batch_size", loader.batch_size)
    drop = getattr(loader.batch_sampler, "drop_last", loader.drop_last)
    order = type(sampler).__name__
    if order == "RandomSampler":
        generator = sampler.generator or loader.generator
        order += f" seeded {generator.initial_seed()}" if generator is not None else " from the global generator"
    return "loader", f"batch_size={size}, drop_last={drop}, order={order}"


def _saved(obj: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    """What `torch.save` was given, as its shape: `{'epoch': int, 'model': {'0.bias': Tensor, ...}}`."""
    return "save", _shape(obj, 3)


def _shape(obj: Any, depth: int) -> str:
    import torch

    if isinstance(obj, torch.Tensor):
        return "Tensor"
    if depth > 0 and isinstance(obj, dict):
        items = sorted(obj.items(), key=lambda kv: repr(kv[0]))[:32]
        return "{" + ", ".join(f"{k!r}: {_shape(v, depth - 1)}" for k, v in items) + "}"
    if depth > 0 and type(obj) in (list, tuple):
        return type(obj).__name__ + "(" + ", ".join(_shape(v, depth - 1) for v in list(obj)[:32]) + ")"
    return type(obj).__name__


def _grad_mode(mode: Any, args: tuple, kwargs: dict) -> tuple[str, str]:
    """A grad mode entered by the code itself (`with torch.no_grad():`; not torch's own, as a layer is made)."""
    return "grad_mode", type(mode).__name__ + (f"({mode.mode})" if hasattr(mode, "mode") else "")


_grad_mode.direct = True  # only where a line of the files under test entered it
