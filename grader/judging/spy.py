"""`Check(forbid=[...])`: notice calls the code under test makes to built-ins it must not use.

A `TorchFunctionMode` sees every torch function, Tensor method and `torch.nn.functional`
call, including ones made through `nn.Softmax()` or a method like `x.softmax(1)`. A call
counts only when the first frame outside torch is in the module under test (the learner's
file, the reference or a mistake), so a probe may use the same functions itself.

This is an observation made inside the learner's process: code that knows the probe can
switch it off. It guards the lesson (write softmax yourself), not the grade.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Iterable


def resolve(name: str) -> Any:
    """The object a dotted name such as "torch.nn.functional.softmax" or "torch.Tensor.softmax" names."""
    import importlib

    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"cannot resolve {name!r}")


@functools.cache
def _spy_class():
    from torch.overrides import TorchFunctionMode

    class ForbiddenCalls(TorchFunctionMode):
        """Records which forbidden names the module under test called."""

        def __init__(self, names: Iterable[str], module_file: str):
            super().__init__()
            self.wanted = {}
            for name in names:
                try:
                    self.wanted[id(resolve(name))] = name
                except (ImportError, AttributeError):
                    continue  # validate reports names that do not resolve
            self.file = os.path.realpath(module_file)
            self.called: list[str] = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            name = self.wanted.get(id(func))
            if name is not None and name not in self.called and _caller_file() == self.file:
                self.called.append(name)
            return func(*args, **(kwargs or {}))

    return ForbiddenCalls


_TORCH_DIR = None


def _caller_file() -> str:
    """The file of the first frame outside torch and this module."""
    global _TORCH_DIR
    if _TORCH_DIR is None:
        import torch

        _TORCH_DIR = os.path.dirname(os.path.realpath(torch.__file__)) + os.sep
    frame = sys._getframe(2)
    while frame is not None:
        name = os.path.realpath(frame.f_code.co_filename)
        if not name.startswith(_TORCH_DIR) and name != os.path.realpath(__file__):
            return name
        frame = frame.f_back
    return ""


def forbidden_calls(names: Iterable[str], module_file: str):
    """A context manager whose `.called` lists the forbidden names the module called inside it."""
    return _spy_class()(names, module_file)
