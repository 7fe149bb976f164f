"""Hints: a ladder of progressive hints per function, and generic hints by kind of difference.

The ladders are the literal `HINTS` in the checks module, read with `ast` so that
`pytorch-tutor hint` never imports torch: either one list for the whole exercise, or a
dict with a list per target function (`{"softmax": [...], "cross_entropy": [...]}`).
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.errors import TutorError

WHOLE = ""  # the ladder key of an exercise that declares one list


def ladders(checks_file: Path) -> dict[str, list[str]]:
    """Each function's ladder (a single list is keyed WHOLE); a TutorError naming the entry at fault."""
    value = _hints_node(checks_file)
    if isinstance(value, ast.List):
        return {WHOLE: _strings(value, checks_file, "HINTS")}
    if isinstance(value, ast.Dict) and value.keys:
        found = {}
        for key, item in zip(value.keys, value.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise TutorError(f"{checks_file}: every key of HINTS must be a function name in quotes (line {item.lineno}).")
            if not isinstance(item, ast.List):
                raise TutorError(f"{checks_file}: HINTS[{key.value!r}] must be a list of strings (line {item.lineno}).")
            found[key.value] = _strings(item, checks_file, f"HINTS[{key.value!r}]")
        return found
    raise TutorError(f"{checks_file}: HINTS must be a list of strings, or a dict of such lists by function name.")


def choose_ladder(checks_file: Path, requested: str | None = None, focus: str = "") -> tuple[str, list[str]]:
    """(function, its ladder): the one asked for, else the one the last check failed on, else the first."""
    found = ladders(checks_file)
    if requested:
        if requested not in found:
            raise TutorError(f"There are no hints for {requested!r} in this exercise.",
                             hint="Hints exist for: " + ", ".join(found) if WHOLE not in found else "")
        return requested, found[requested]
    name = focus if focus in found else next(iter(found))
    return name, found[name]


def progressive_hints(checks_file: Path, target: str | None = None) -> list[str]:
    """The ladder for `target` (or the first ladder); [] when the exercise has none for it."""
    found = ladders(checks_file)
    if target is None:
        return next(iter(found.values()), [])
    return found.get(target, found.get(WHOLE, []))


def _hints_node(checks_file: Path) -> ast.expr:
    try:
        tree = ast.parse(checks_file.read_text(encoding="utf-8"), filename=str(checks_file))
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise TutorError(f"Cannot read hints from {checks_file}: {exc}") from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "HINTS" for t in node.targets):
            return node.value
    raise TutorError(f"{checks_file} has no HINTS: add a list of hints, or a dict of lists by function name.")


def _strings(node: ast.List, checks_file: Path, where: str) -> list[str]:
    out = []
    for i, item in enumerate(node.elts):
        try:
            value = ast.literal_eval(item)
        except ValueError:
            value = None
        if not isinstance(value, str):
            what = "an f-string" if isinstance(item, ast.JoinedStr) else f"not a plain string ({type(item).__name__})"
            raise TutorError(f"{checks_file}: {where}[{i}] (line {item.lineno}) is {what}; hints must be string literals.")
        out.append(value)
    return out


def literal_string(path: Path, name: str) -> str | None:
    """The string literal assigned to `name` at the top of a Python file (a mistake's HINT), read without running it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            return value if isinstance(value, str) else None
    return None


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
