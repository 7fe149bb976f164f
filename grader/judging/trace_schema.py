"""Validate the op traces a learner's process sent (`grader.judging.tracer`), field by field, before
the trusted side reads them. Bounded like every other learner result: the frames are capped before
they are parsed, and anything out of shape is `Unreadable` (the check then simply gets no pointer).

A trace is {"case": int, "ops": [op, ...], "outputs": [op index or -1, one per tensor returned, in order],
"truncated": bool, "settings": [{"line": int, "frames": as an op's, "name": str, "value": str, "after": int (ops
before it)}, ...]
(optional; `grader.judging.trace_settings`), "returned": [[op index, frames as an op's], ...] (optional: where a
function under test last returned that op's tensor; `grader.judging.trace_returns`)}; an op is
{"line": int, "frames": [[line, qualified function name], ...], "inputs": [earlier op index, ...], "fresh": bool
(made from no tensor), "name": the op's name, one spelling for its forms ("div"; "" for none), "state": 0 computed, 1 read from outside, 2 read again after a change, 3 a Python number returned, 4 the gradient a backward() left for the value of op inputs[0], "shape": [int], "dtype": str, "data": a tensor reference or None, "stats": [float] or None}, exactly
one of data and stats set.
"""

from __future__ import annotations

from typing import Any

from grader.judging.channel import Unreadable, frames, unpack
from grader.text import clean_line
from grader.judging.trace_values import MAX_BYTES, SAMPLES, WHOLE
from grader.judging.trace_grads import MAX_GRADS
from grader.judging.trace_returns import MAX_RETURNED
from grader.judging.trace_settings import MAX_SETTINGS, MAX_TEXT
from grader.judging.tracer import MAX_CALLERS, MAX_OPS

MAX_TRACED = 4  # checks traced in one job
MAX_JSON = 2 * 2**20 * MAX_TRACED
MAX_DATA = MAX_BYTES * MAX_TRACED + 2**16  # tensor data and the safetensors header
MAX_REFS = 64
KEYS = {"case", "ops", "outputs", "truncated"}
DTYPES = {f"torch.{n}" for n in ("float16", "bfloat16", "float32", "float64", "uint8", "int8", "int16", "int32",
                                 "int64", "bool")}


def receive(results: bytes, wanted: dict[str, int], lines: int) -> dict[str, dict]:
    """{check name: validated trace} from a trace job's results pipe (frames: layers, JSON, tensors)."""
    parts = frames(results, 3)
    if len(parts) < 3 or len(parts[1]) > MAX_JSON or len(parts[2]) > MAX_DATA:
        raise Unreadable("no traces, or traces larger than the grader accepts")
    document, tensors = unpack(parts[1], parts[2])
    if type(document) is not dict or set(document) != {"traces"} or type(document["traces"]) is not dict:
        raise Unreadable("the traces are malformed")
    found = document["traces"]
    if not set(found) <= set(wanted):
        raise Unreadable("a trace names a check that was not asked for")
    return {name: trace(found[name], wanted[name], tensors, lines) for name in found}


def trace(data: Any, case: int, tensors: dict, lines: int) -> dict:
    if type(data) is not dict or not KEYS <= set(data) <= KEYS | {"settings", "returned"}:
        raise Unreadable("a trace is malformed")
    ops = data["ops"]
    if data["case"] != case or type(ops) is not list or len(ops) > MAX_OPS + MAX_GRADS or \
            type(data["truncated"]) is not bool:
        raise Unreadable("a trace is malformed")
    checked = [op(item, i, tensors, lines) for i, item in enumerate(ops)]
    return {"case": case, "ops": checked, "outputs": _outputs(data["outputs"], len(checked)),
            "truncated": data["truncated"], "settings": settings(data.get("settings", []), lines, len(checked)),
            "returned": returned(data.get("returned", []), lines, len(checked))}


def returned(value: Any, lines: int, ops: int) -> dict[int, list]:
    """{op index: the frames of the line that last returned its tensor} (`grader.judging.trace_returns`)."""
    if type(value) is not list or len(value) > MAX_RETURNED:
        raise Unreadable("a trace's returns are malformed")
    found = {}
    for item in value:
        if type(item) is not list or len(item) != 2 or type(item[0]) is not int or not 0 <= item[0] < ops \
                or type(item[1]) is not list or not item[1] or type(item[1][0]) is not list or not item[1][0]:
            raise Unreadable("a trace's returns are malformed")
        found[item[0]] = _frames(item[1], item[1][0][0], lines)
    return found


def settings(value: Any, lines: int, ops: int) -> list[dict]:
    """The settings the code chose (`grader.judging.trace_settings`): [{"line", "frames", "name", "value", "after":
    how many of the `ops` were recorded before it}, ...]."""
    if type(value) is not list or len(value) > MAX_SETTINGS:
        raise Unreadable("a trace's settings are malformed")
    found = []
    for item in value:
        if type(item) is not dict or set(item) != {"line", "frames", "name", "value", "after"}:
            raise Unreadable("a traced setting is malformed")
        line, name, text, after = item["line"], item["name"], item["value"], item["after"]
        if type(line) is not int or not 1 <= line <= lines or type(name) is not str or not 0 < len(name) <= 60 \
                or not (name.isidentifier() and name.isascii()) or type(text) is not str or len(text) > MAX_TEXT \
                or type(after) is not int or not 0 <= after <= ops:
            raise Unreadable("a traced setting is malformed")
        found.append({"line": line, "frames": _frames(item["frames"], line, lines), "name": name, "value": text,
                      "after": after})
    return found


def op(data: Any, index: int, tensors: dict, lines: int) -> dict:
    fields = {"line", "frames", "inputs", "fresh", "state", "name", "shape", "dtype", "data", "stats"}
    if type(data) is not dict or set(data) != fields:
        raise Unreadable("a traced op is malformed")
    line, shape, dtype = data["line"], data["shape"], data["dtype"]
    state = data["state"]
    if type(line) is not int or not 1 <= line <= lines or type(data["fresh"]) is not bool or state not in (0, 1, 2, 3, 4) \
            or type(state) is not int:
        raise Unreadable("a traced op is malformed")
    if type(shape) is not list or len(shape) > 16 or not all(type(n) is int and 0 <= n < 2**40 for n in shape):
        raise Unreadable("a traced op's shape is malformed")
    if dtype not in DTYPES:
        raise Unreadable("a traced op's dtype is unknown")
    if type(data["name"]) is not str or len(data["name"]) > 60 or not (data["name"] == "" or data["name"].isidentifier()
                                                                       and data["name"].isascii()):
        raise Unreadable("a traced op's name is malformed")
    value, stats = data["data"], data["stats"]
    if (value is None) == (stats is None):
        raise Unreadable("a traced op has neither or both of data and a summary")
    if state == 4 and (type(data["inputs"]) is not list or len(data["inputs"]) != 1):
        raise Unreadable("a traced gradient names no one value it was left for")
    found = {"line": line, "frames": _frames(data["frames"], line, lines), "inputs": _indices(data["inputs"], index),
             "fresh": data["fresh"], "state": data["state"], "name": data["name"], "shape": shape,
             "dtype": dtype, "data": None, "stats": None}
    if value is not None:
        found["data"] = _tensor(value, shape, dtype, tensors)
    else:
        found["stats"] = _stats(stats)
    return found


def _frames(value: Any, line: int, lines: int) -> list[list]:
    """[[line, function], ...], innermost first: the op's own line, then the lines that called it."""
    ok = type(value) is list and 1 <= len(value) <= MAX_CALLERS
    ok = ok and all(type(f) is list and len(f) == 2 and type(f[0]) is int and 1 <= f[0] <= lines
                    and type(f[1]) is str and len(f[1]) <= 100 for f in value)
    if not ok or value[0][0] != line:
        raise Unreadable("a traced op's frames are malformed")
    return [[n, clean_line(name, 100)] for n, name in value]


def _indices(value: Any, below: int) -> list[int]:
    if type(value) is not list or len(value) > MAX_REFS or not all(type(i) is int and 0 <= i < below for i in value):
        raise Unreadable("a trace's op references are malformed")
    return value


def _outputs(value: Any, below: int) -> list[int]:
    """One entry per returned tensor, in order: the op that made it, or -1 (made outside the traced code)."""
    if type(value) is not list or len(value) > MAX_REFS or not all(type(i) is int and -1 <= i < below for i in value):
        raise Unreadable("a trace's op references are malformed")
    return value


def _tensor(ref: Any, shape: list, dtype: str, tensors: dict) -> Any:
    import torch

    name = ref.get("$tensor") if type(ref) is dict and set(ref) == {"$tensor"} else None
    found = tensors.get(name) if type(name) is str else None
    if type(found) is not torch.Tensor or str(found.dtype) != dtype or list(found.shape) != shape:
        raise Unreadable("a traced op's data does not match its description")
    if found.numel() > WHOLE:
        raise Unreadable("a traced op's data is larger than the grader accepts")
    return found


def _stats(value: Any) -> list[float]:
    if type(value) is not list or len(value) not in (5, 5 + SAMPLES) or not all(type(v) is float for v in value):
        raise Unreadable("a traced op's summary is malformed")
    return value
