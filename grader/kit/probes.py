"""Building blocks for probes: deterministic weights, naming-independent views of a
module, readable argument text, and the standard output-and-gradients probe."""

from __future__ import annotations

import zlib
from typing import Any, Callable, Sequence


def with_gradients(target: str, names: Sequence[str] | None = None, seed: int = 0) -> Callable[..., dict]:
    """A probe that calls `ns.<target>(*args)` with each floating-point tensor argument as a
    fresh leaf that requires grad, then backpropagates a fixed random weighting of the output
    (not `.sum()`, whose gradient is zero for softmax-like functions and hides bugs). It returns
    {"output": the result, "gradient of <name>": that argument's .grad, ...}; `names` name the
    arguments (default "argument 1", "argument 2", ...)."""

    def probe(ns: Any, *args: Any) -> dict:

        leaves = [a.detach().clone().requires_grad_(True) if _is_float_tensor(a) else a for a in args]
        out = getattr(ns, target)(*leaves)
        backpropagate(out, seed)
        found = {"output": out}
        for i, (arg, leaf) in enumerate(zip(args, leaves)):
            if _is_float_tensor(arg):
                label = names[i] if names and i < len(names) else f"argument {i + 1}"
                found[f"gradient of {label}"] = leaf.grad
        return found

    probe.__doc__ = f"{target}(...) with gradients"
    return probe


def backpropagate(out: Any, seed: int = 0) -> None:
    """`backward()` of a fixed random weighting of every tensor in `out` that requires grad."""
    import torch

    tensors = [t for t in (out if isinstance(out, (tuple, list)) else [out]) if isinstance(t, torch.Tensor)]
    tensors = [t for t in tensors if t.requires_grad and t.is_floating_point()]
    if not tensors:
        return
    gen = torch.Generator().manual_seed(seed)
    total = sum((t * torch.randn(t.shape, generator=gen, dtype=t.dtype).to(t.device)).sum() for t in tensors)
    total.backward()


def _is_float_tensor(value: Any) -> bool:
    import torch

    return isinstance(value, torch.Tensor) and value.is_floating_point()


def short_repr(value: Any, limit: int = 60) -> str:
    """A one-line description of an argument, readable by a learner."""
    import torch

    if isinstance(value, torch.Tensor):
        if value.numel() <= 6 and value.device.type != "meta":
            text = repr(value.detach()).replace("\n", "").replace("  ", "")
        else:
            dtype = str(value.dtype).removeprefix("torch.")
            text = f"tensor(shape={tuple(value.shape)}, dtype={dtype})"
        return text if not value.requires_grad else text[:-1] + ", requires_grad=True)"
    if callable(value) and getattr(value, "__doc__", None) and not isinstance(value, type):
        return value.__doc__.strip().splitlines()[0]
    text = repr(value)
    if type(value).__name__ == "ndarray":
        text = f"np.array(shape={value.shape}, dtype={value.dtype})" if value.size > 6 else "np." + text
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fill_parameters(module: Any, seed: int = 0) -> None:
    """Give a module deterministic weights that depend only on each parameter's
    shape and its place among parameters of the same shape.

    Learner and reference models with the same parameter shapes end up with the
    same weights whatever the attributes are called or however layers are held
    (nn.Sequential, nn.ModuleList, plain attributes).
    """
    import torch

    seen: dict[tuple, int] = {}
    with torch.no_grad():
        for p in module.parameters():
            key = tuple(p.shape)
            k = seen[key] = seen.get(key, -1) + 1
            gen = torch.Generator().manual_seed(seed + zlib.crc32(repr((key, k)).encode()))
            p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype) * 0.5)


def parameter_shapes(module: Any) -> list[list[int]]:
    """Shapes of a module's parameters, sorted, so that naming and order don't matter."""
    return sorted(list(p.shape) for p in module.parameters())


def grads_by_shape(module: Any) -> list[Any]:
    """Parameter gradients in a naming-independent order (sorted by shape, stable)."""
    params = list(module.parameters())
    order = sorted(range(len(params)), key=lambda i: list(params[i].shape))
    return [params[i].grad for i in order]
