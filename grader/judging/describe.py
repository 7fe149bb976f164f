"""Encoded values described for a learner: "a tensor of shape (2, 3) and dtype torch.float32",
numbers at 6 significant digits, learner-derived text cleaned of control characters."""

from __future__ import annotations

import math
from typing import Any

from grader.text import clean_line


def describe(node: Any) -> str:
    """A short learner-facing description of an encoded value (learner text cleaned)."""
    if node is None:
        return "None"
    if type(node) in (bool, int, float, str):
        text = num(node) if type(node) is float else repr(node)
        return clean_line(f"{type(node).__name__} {text if len(text) < 40 else text[:37] + '...'}")
    if type(node) is not dict:
        return f"unexpected data ({type(node).__name__})"
    kind = node.get("kind")
    if kind == "tensor":
        if node.get("type") != "torch.Tensor":
            return clean_line(f"a {node.get('type')} (a Tensor subclass)")
        return f"a tensor of shape {tuple(node.get('shape', ()))} and dtype {node.get('dtype', '?')}"
    if kind in ("list", "tuple"):
        return f"a {kind} of {node.get('len')} item{'s' * (node.get('len') != 1)}"
    if kind == "dict":
        return clean_line(f"a dict with keys {node.get('keys')}", 200)
    if kind in ("dtype", "device", "Size"):
        return clean_line(f"{kind} {node.get('value')}")
    return clean_line(f"a {node.get('type', 'value')} ({node.get('repr', '')})")


def kind_of(node: Any) -> str:
    if type(node) in (bool, int, float, str) or node is None:
        return type(node).__name__
    if type(node) is dict:
        if node.get("kind") == "tensor" and node.get("type") != "torch.Tensor":
            return "tensor subclass"
        return str(node.get("kind", "object"))
    return "unknown"


def num(value: Any) -> str:
    """A number as people read it: 6 significant digits, inf and nan by name."""
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else f"{value:.6g}"
    return repr(value)
