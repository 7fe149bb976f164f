"""Turn any value into plain data that can cross the process boundary.

The learner's process encodes what its probes return; the trusted process
encodes the reference's results the same way, so both sides are compared as
the same kind of data. The encoded form holds only None, bool, int, float,
str, lists, dicts and plain CPU `torch.Tensor`s; `grader.judging.channel` sends
it as JSON plus safetensors, and `grader.judging.schema` validates it on arrival.
Nothing the learner's process encodes is believed: the trusted side compares it.
"""

from __future__ import annotations

from typing import Any

MAX_ITEMS = 10_000  # a list longer than this is cut (its true length is kept)
MAX_NUMEL = 5_000_000  # tensors larger than this are described, not copied
MAX_STR = 2_000  # longer strings are described, not copied
PRIMITIVES = (type(None), bool, int, float, str)


def type_name(value: Any) -> str:
    cls = type(value)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def encode(value: Any, depth: int = 0) -> Any:
    import torch

    cls = type(value)
    if cls is str and len(value) > MAX_STR:
        return {"kind": "object", "type": "str", "repr": f"a string of {len(value):,} characters: {value[:60]!r}..."}
    if cls is int and not -(2**63) <= value < 2**63:
        return {"kind": "object", "type": "int", "repr": _big(value)}
    if cls in PRIMITIVES:
        return value
    if depth > 20:
        return {"kind": "object", "type": type_name(value), "repr": "(nested too deeply)"}
    if isinstance(value, torch.Tensor):
        return encode_tensor(value)
    if cls in (list, tuple):
        items = [encode(v, depth + 1) for v in value[:MAX_ITEMS]]
        return {"kind": cls.__name__, "items": items, "len": len(value)}
    if cls is dict:
        keys = list(value)[:MAX_ITEMS]
        return {"kind": "dict", "keys": [_key(k) for k in keys], "items": [encode(value[k], depth + 1) for k in keys]}
    if cls in (torch.dtype, torch.device, torch.Size):
        return {"kind": cls.__name__, "value": str(value)}
    if cls.__module__ == "numpy" and hasattr(value, "shape"):
        return {"kind": "object", "type": type_name(value), "repr": f"shape {tuple(value.shape)}, dtype {value.dtype}"}
    return {"kind": "object", "type": type_name(value), "repr": _safe_repr(value)}


def encode_tensor(t: Any) -> dict:
    import torch

    node = {"kind": "tensor", "type": type_name(t)}
    try:
        plain = t.as_subclass(torch.Tensor) if type(t) is not torch.Tensor else t
        node.update(
            dtype=str(plain.dtype),
            device=str(plain.device),
            shape=[int(n) for n in plain.shape],
            requires_grad=bool(plain.requires_grad),
            grad_fn=type(plain.grad_fn).__name__ if plain.grad_fn is not None else None,
            data=_plain_data(plain),
        )
    except Exception as exc:  # a hostile subclass can make anything fail
        node.update(unreadable=f"{type(exc).__name__}: {exc}"[:200])
    return node


def _plain_data(t: Any) -> Any:
    import torch

    if t.device.type == "meta" or t.numel() > MAX_NUMEL:
        return None
    data = t.detach()
    if data.layout != torch.strided:
        data = data.to_dense()
    return data.to("cpu").contiguous().clone()


def _key(key: Any) -> Any:
    if type(key) is int and not -(2**63) <= key < 2**63:
        return f"int {_big(key)}"
    return key if type(key) in PRIMITIVES else _safe_repr(key)


def _big(value: int) -> str:
    digits = len(str(abs(value))) if value.bit_length() < 10_000 else None
    return f"an int of {digits} digits" if digits and digits > 40 else (repr(value) if digits else "a huge int")


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:
        text = f"<repr failed: {type(exc).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


def decode(node: Any) -> Any:
    """Encoded data back to plain values: tensors, lists, tuples, dicts and primitives.

    Used by `Check.transform`, which runs in the trusted process. Objects that were
    not data come back as their description (a dict with "kind": "object").
    """
    import torch

    if type(node) is not dict:
        return node
    kind = node.get("kind")
    if kind == "tensor":
        if node.get("data") is not None:
            return node["data"]
        return torch.empty(node.get("shape", []), dtype=_dtype(node.get("dtype")), device="meta")
    if kind in ("list", "tuple"):
        items = [decode(v) for v in node["items"]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        return {k: decode(v) for k, v in zip(node["keys"], node["items"])}
    return node


def _dtype(name: Any) -> Any:
    import torch

    value = getattr(torch, str(name).removeprefix("torch."), None)
    return value if isinstance(value, torch.dtype) else torch.float32
