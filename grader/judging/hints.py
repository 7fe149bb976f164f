"""Hints: progressive hints per exercise, and generic hints by kind of difference.

Progressive hints are the literal `HINTS = [...]` list in the checks module,
read with `ast` so that `pytorch-tutor hint` never imports torch.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.errors import TutorError


def progressive_hints(checks_file: Path) -> list[str]:
    try:
        tree = ast.parse(checks_file.read_text(encoding="utf-8"), filename=str(checks_file))
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise TutorError(f"Cannot read hints from {checks_file}: {exc}") from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "HINTS" for t in node.targets):
            try:
                hints = ast.literal_eval(node.value)
            except ValueError:
                break
            if isinstance(hints, list) and all(isinstance(h, str) for h in hints):
                return hints
    raise TutorError(f"{checks_file} has no HINTS = [...] list of strings.")


NOT_IMPLEMENTED = "Replace `raise NotImplementedError` with your code, then check again."

_TYPE_HINTS = {
    ("tensor", "list"): "Return a `torch.Tensor`, not a Python list: build it with `torch.tensor(...)`.",
    ("tensor", "object"): "Return a `torch.Tensor`. NumPy arrays and other objects are not tensors: "
    "convert with `torch.from_numpy(...)` or `torch.as_tensor(...)`.",
    ("tensor", "NoneType"): "You returned None. Did you forget `return`? If this is a gradient: `.grad` is only "
    "filled on leaf tensors that require grad, after `backward()`.",
    ("tensor", "tensor subclass"): "Return a plain `torch.Tensor`, not a subclass of it.",
    ("float", "tensor"): "Return a Python float: `.item()` turns a one-element tensor into a number.",
    ("tuple", "list"): "Return a tuple (`return a, b`), not a list.",
    ("int", "tensor"): "Return a Python int: `.item()` turns a one-element tensor into a number.",
    ("int", "float"): "Return a whole number as an `int`, not a float.",
}


def generic_hint(kind: str, expected: str, got: str, expected_kind: str = "", got_kind: str = "") -> str:
    """A hint that names the PyTorch idea behind a kind of difference."""
    if kind == "type":
        return _TYPE_HINTS.get((expected_kind, got_kind), "")
    if kind == "dtype":
        return _dtype_hint(expected, got)
    if kind == "requires_grad":
        if expected == "True":
            return (
                "Your result is cut off from the autograd graph. Avoid `.detach()`, `.item()`, `torch.no_grad()` "
                "and re-wrapping with `torch.tensor(...)` in the computation."
            )
        return "Return a plain tensor: compute gradients with `torch.autograd.grad` or `.detach()` the result."
    if kind == "shape":
        return "Print `.shape` at each step. `reshape` keeps the row-major order of elements; broadcasting lines shapes up from the right."
    if kind == "device":
        return "Tensors live on a device: create them with `device=...` or move them with `.to(device)`."
    return ""


def _dtype_hint(expected: str, got: str) -> str:
    if expected == "torch.float32" and got == "torch.int64":
        return "`torch.tensor([1, 2])` is int64 because Python ints are; ask for `dtype=torch.float32` or call `.float()`."
    if expected == "torch.float32" and got == "torch.float64":
        return "float64 is double precision; PyTorch's default float is float32: pass `dtype=torch.float32` or call `.float()`."
    return f"Convert with `.to({expected})`, or create the tensor with `dtype={expected}`."
