"""When the probe's own `backward()` fails, say where in the learner's code the graph went wrong.

The traceback of such an error holds only the probe's and torch's frames. Running the
case once more under `torch.autograd.detect_anomaly` makes torch report the forward call
whose backward failed; its frame in the learner's file is the line to show. For the most
common cause, an in-place change of a tensor autograd saved (`e /= e.sum()`), the later
line that changed it is named too.
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from typing import Callable

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)(?:\n {4}(?P<code>(?!File ).*))?')
INPLACE = "modified by an inplace operation"


def locate(rerun: Callable[[], object], reseed: Callable[[], None], module_file: str, error: dict):
    """([frame], explanation) for the learner line that built the failing part of the graph, or None."""
    import torch

    reseed()
    with warnings.catch_warnings(record=True) as caught, torch.autograd.detect_anomaly(check_nan=False):
        warnings.simplefilter("always")
        try:
            rerun()
        except BaseException:  # the learner's code again: whatever it raises, only the warnings matter
            pass
    frame = _learner_frame([str(w.message) for w in caught], module_file)
    if frame is None:
        return None
    if INPLACE not in error.get("message", ""):
        return [frame], f"the backward pass failed in the gradient of line {frame[1]} of your code"
    later = _inplace_after(module_file, frame[1])
    where = f" later, on line {later[0]} (`{later[1]}`)" if later else ""
    text = (f"a tensor made on line {frame[1]} of your code was changed in place{where} after autograd saved it "
            "for the backward pass")
    return [frame] + ([[frame[0], later[0], frame[2], later[1]]] if later else []), text


def _learner_frame(messages: list[str], module_file: str) -> list | None:
    """The innermost frame in the learner's file of the forward traceback torch reported."""
    mine = os.path.realpath(module_file)
    for text in messages:
        if "Traceback of forward call" in text:
            frames = [m for m in _FRAME.finditer(text) if os.path.realpath(m["file"]) == mine]
            if frames:
                m = frames[-1]
                return [m["file"], int(m["line"]), m["func"], (m["code"] or "").strip()]
    return None


def _inplace_after(path: str, line: int) -> tuple[int, str] | None:
    """The first in-place change (`x /= ...`, `x.add_(...)`) of the name assigned on `line`, after it."""
    try:
        source = open(path, encoding="utf-8").read()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return None
    names = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.lineno == line
             for t in n.targets if isinstance(t, ast.Name)}
    lines = source.splitlines()
    hits = []
    for n in ast.walk(tree):
        target = n.target if isinstance(n, ast.AugAssign) else _inplace_call(n)
        if isinstance(target, ast.Name) and target.id in names and n.lineno > line:
            hits.append(n.lineno)
    return (min(hits), lines[min(hits) - 1].strip()) if hits else None


def _inplace_call(node: ast.AST):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.endswith("_"):
        if not node.func.attr.startswith("_"):
            return node.func.value
    return None
