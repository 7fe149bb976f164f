"""What the probe returned, as places in a trace (`grader.judging.tracer`): for each tensor or Python number
in the result, in order, the op that made it, or -1.

A tensor the traced code made is its op; one made elsewhere (a gradient autograd accumulated) is the latest
op of equal value, when one was recorded (the backward's last op). A Python number is traced where the code
under test returned it (`sys.settrace`, in the files under test only): the line that last assigned the
local returned (`total += p.numel()` for `return total`), or the return line itself; it is the latest op
that returned that very object (a number the probe computed from it is not the code's). Python arithmetic
is not traced: a number's inputs are taken to be every value its function's call turned into a number
(`loss.item()`) and every number the functions it called returned, so a number is blamed only when all of
those match (`grader.judging.pointer`).
"""

from __future__ import annotations

import contextlib
import linecache
import re
import sys
from typing import Any

NUMBER = 3  # an op's "state": a Python number the code returned
MAX_PER_FUNCTION = 64  # returned numbers recorded per function of the code under test
MAX_RETURNED = 64  # recorded tensors whose return is kept (`Returns.returned`)


def places(recorder: Any, result: Any) -> list[int]:
    return [_origin(recorder, v) for v in _values(result, 3)[:64]]


def _values(node: Any, depth: int) -> list:
    import torch

    if isinstance(node, torch.Tensor) or (type(node) in (int, float)):
        return [node]
    if depth <= 0:
        return []
    if isinstance(node, (list, tuple)):
        return [v for item in list(node)[:64] for v in _values(item, depth - 1)]
    if type(node) is dict:
        return [v for item in list(node.values())[:64] for v in _values(item, depth - 1)]
    return []


def _origin(recorder: Any, value: Any) -> int:
    if type(value) in (int, float):
        return next((i for i in reversed(recorder.numbers) if recorder.ops[i]["data"] is value), -1)
    if recorder._seen(value):
        return recorder.known[id(value)][0]
    with contextlib.suppress(Exception):
        mine = value.detach().cpu()
        for i in range(len(recorder.ops) - 1, -1, -1):
            data = recorder.ops[i]["data"]
            if data is not None and data.shape == mine.shape and data.dtype == mine.dtype and \
                    not recorder.ops[i]["state"] and _same(data, mine):
                return i
    return -1


def _same(a: Any, b: Any) -> bool:
    """Equal, element for element, nan where nan (a gradient of nan autograd accumulated is the op's that
    made it)."""
    import torch

    if a.dtype.is_floating_point:
        return bool(torch.isclose(a, b, rtol=0.0, atol=0.0, equal_nan=True).all())
    return torch.equal(a, b)


class Returns:
    """While active: the numbers the functions of the files under test return, recorded on `recorder`."""

    def __init__(self, recorder: Any):
        self.recorder = recorder
        self._assigned: dict[int, dict[str, tuple[Any, int]]] = {}  # id(frame) -> {local: (value, line)}
        self._line: dict[int, int] = {}
        self._start: dict[int, int] = {}  # id(frame) -> the first op recorded during its call
        self._counts: dict[Any, int] = {}
        self._old = None
        self._given_back: dict[int, list] = {}  # op index -> the frames of the latest return of its tensor

    def returned(self) -> list[list]:
        """[[op index, frames], ...]: where a function under test last returned each recorded tensor (the line
        that put it in its place, `return square, x`, where it was made on another line)."""
        return [[i, frames] for i, frames in sorted(self._given_back.items())]

    def __enter__(self) -> "Returns":
        import torch

        self._tensor, self._module = torch.Tensor, torch.nn.Module
        self._old = sys.gettrace()
        sys.settrace(self._call)
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.settrace(self._old)

    def _call(self, frame: Any, event: str, arg: Any):
        if event != "call" or not self.recorder.mine(frame.f_code.co_filename):
            return None
        self._assigned[id(frame)], self._line[id(frame)] = {}, frame.f_lineno
        self._start[id(frame)] = len(self.recorder.ops)
        return self._local

    def _local(self, frame: Any, event: str, arg: Any):
        with contextlib.suppress(Exception):  # tracing never changes what the code computes
            key = id(frame)
            assigned, ran = self._assigned.setdefault(key, {}), self._line.get(key, frame.f_lineno)
            for name, value in frame.f_locals.items():
                if (type(value) in (int, float) or isinstance(value, self._tensor)) and \
                        assigned.get(name, (None,))[0] is not value:
                    assigned[name] = (value, ran)
            self._line[key] = frame.f_lineno
            if event == "return":
                self._returned(frame, arg, assigned, self._start.pop(key, len(self.recorder.ops)))
                del self._assigned[key], self._line[key]
        return self._local

    def _returned(self, frame: Any, value: Any, assigned: dict, start: int) -> None:
        values = list(value if type(value) in (tuple, list) else [value])[:8]
        self._untraced(frame, values, assigned)
        self._given(frame, values)
        self._modules(frame, values)
        numbers = [v for v in values if type(v) in (int, float)]
        count = self._counts.get(frame.f_code, 0)
        if not numbers or count >= MAX_PER_FUNCTION:
            return
        self._counts[frame.f_code] = count + 1
        names = _returned_names(frame)
        for k, number in enumerate(numbers):
            name = names[k] if len(names) == len(numbers) else ""
            line = assigned[name][1] if name in assigned and assigned[name][0] is number else frame.f_lineno
            self.recorder.add_number(number, line, frame, start)

    def _given(self, frame: Any, values: list) -> None:
        """Where each recorded tensor returned was returned, when the return is a `return` line (leaving a `with`
        or `try` block, the line reported is the block's)."""
        recorder = self.recorder
        recorded = [recorder.known[id(v)][0] for v in values if isinstance(v, self._tensor) and recorder._seen(v)]
        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno) if recorded else ""
        if not re.match(r"return\b", line.lstrip()):
            return
        frames = recorder.frames_at(frame.f_lineno, frame)
        for i in recorded:
            if i in self._given_back or len(self._given_back) < MAX_RETURNED:
                self._given_back[i] = frames

    def _modules(self, frame: Any, values: list) -> None:
        """Modules and torch's other objects returned (a device, an optimizer, an exported program): settings made
        at the return line (`grader.judging.trace_settings`: their types, the modes a module goes out in)."""
        objects = [v for v in values if isinstance(v, self._module) or (type(v).__module__ or "").startswith("torch")
                   and not isinstance(v, self._tensor)]
        frames = self.recorder.frames_at(frame.f_lineno, frame) if objects else []
        for v in objects:
            self.recorder._settings.returned(v, frames)

    def _untraced(self, frame: Any, values: list, assigned: dict) -> None:
        """Tensors returned by name that no traced op made (`torch.Tensor([...])`: the legacy constructor is
        no torch function) and that the function was not given: made at the line that assigned them."""
        names = _returned_names(frame)
        code = frame.f_code
        given = [frame.f_locals.get(n) for n in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]]
        for name, v in zip(names, values) if len(names) == len(values) else ():
            if isinstance(v, self._tensor) and name in assigned and assigned[name][0] is v and \
                    not self.recorder._seen(v) and not any(v is g for g in given):
                self.recorder.add_made(v, assigned[name][1], frame)


def _returned_names(frame: Any) -> list[str]:
    """["total"] for `return total`, ["a", "b"] for `return a, b`; [] for any other expression."""
    text = linecache.getline(frame.f_code.co_filename, frame.f_lineno).split("#")[0].strip()
    found = re.fullmatch(r"return\s+\(?([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*,?\s*\)?", text)
    return [n.strip() for n in found[1].split(",")] if found else []
