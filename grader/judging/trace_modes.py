"""The torch modes a `grader.judging.tracer.Recorder` records through (made on first use: the tracer is
imported without torch).

A `TorchFunctionMode` sees each call as the code wrote it (`x.amax(...)`, `torch.exp`, `F.linear` inside a
layer). It is not active while a call it intercepted runs, so it never sees what a `backward()` runs: for
that call only, a `TorchDispatchMode` (which autograd's engine carries into the backward pass) records the
ops that code of the files under test runs there (a custom Function's `backward`, a hook), not the
engine's own (those are attributed to the line that called `backward()`, already recorded as a whole).
After the call, the gradients it left in `.grad` are recorded at that line (`Recorder.record_grads`).
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

_MODES: dict[str, type] = {}


def function_mode(recorder: Any) -> Any:
    if "function" not in _MODES:
        from torch.overrides import TorchFunctionMode

        class _Function(TorchFunctionMode):
            def __init__(self, recorder: Any):
                super().__init__()
                self.recorder = recorder

            def __torch_function__(self, func, types, args=(), kwargs=None):
                if func in _backwards():
                    with contextlib.suppress(Exception):
                        self.recorder.record_grads(args, before=True)
                    with _backward_mode(self.recorder):
                        out = func(*args, **(kwargs or {}))
                    with contextlib.suppress(Exception):
                        self.recorder.record_grads(args)
                    return out
                out = func(*args, **(kwargs or {}))
                with contextlib.suppress(Exception):  # recording never changes what the code computes
                    self.recorder.record(func, args, kwargs or {}, out)
                return out

        _MODES["function"] = _Function
    return _MODES["function"](recorder)


@contextlib.contextmanager
def _backward_mode(recorder: Any):
    """The dispatch mode for one backward call; ops whose innermost frame under test is one of the
    frames that called it (the engine's own work) are left out."""
    outer, frame = set(), sys._getframe(2)
    while frame is not None:
        outer.add(id(frame))
        frame = frame.f_back
    recorder.outer = outer
    try:
        with _dispatch_mode(recorder):
            yield
    finally:
        recorder.outer = None


def _dispatch_mode(recorder: Any) -> Any:
    if "dispatch" not in _MODES:
        from torch.utils._python_dispatch import TorchDispatchMode

        class _Dispatch(TorchDispatchMode):
            def __init__(self, recorder: Any):
                super().__init__()
                self.recorder = recorder

            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                with contextlib.suppress(Exception):
                    self.recorder.record(func, args, kwargs or {}, out)
                return out

        _MODES["dispatch"] = _Dispatch
    return _MODES["dispatch"](recorder)


def _backwards() -> tuple:
    import torch

    return (torch.Tensor.backward, torch.autograd.backward, torch.autograd.grad)
