"""Validate what the learner's process sent, field by field, before the trusted side uses it.

The document must follow the grammar `encode` writes (and nothing else): known keys only,
the right types, bounded sizes and depth, every tensor reference resolved to a tensor whose
dtype and shape match its description. Text meant for people (types, messages, reprs,
frames) is cleaned of control characters here; values are kept as sent and compared. Any
departure is `Unreadable`: the engine reports "not graded", never a crash.
"""

from __future__ import annotations

from typing import Any

from grader.judging.channel import MAX_VALUES, Unreadable
from grader.text import clean_line

MAX_DEPTH = 40
MAX_NODES = MAX_VALUES
MAX_ITEMS = 10_000
MAX_TEXT = 4_000
MAX_FRAMES = 16
_SIMPLE_KINDS = ("dtype", "device", "Size")


class _Budget:
    def __init__(self, tensors: dict):
        self.nodes, self.tensors = 0, tensors

    def spend(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Unreadable("the results hold too many values")


def payload(document: Any, tensors: dict, cases: dict[str, int]) -> dict:
    """The validated payload; `cases` maps each check name to its number of cases."""
    doc = _mapping(document, "the results")
    if set(doc) == {"import_error"}:
        return {"import_error": error(doc["import_error"])}
    if set(doc) != {"complete", "outcomes"} or doc["complete"] is not True:
        raise Unreadable("the results are incomplete")
    raw = _mapping(doc["outcomes"], "outcomes")
    budget = _Budget(tensors)
    out = {}
    for name, entries in raw.items():
        if name not in cases:
            raise Unreadable("the results name a check that does not exist")
        if type(entries) is not list or len(entries) > cases[name]:
            raise Unreadable("the results have more cases than the check")
        out[name] = [outcome(e, budget) for e in entries]
    return {"complete": True, "outcomes": out}


def outcome(entry: Any, budget: _Budget) -> dict:
    entry = _mapping(entry, "an outcome")
    keys = set(entry) - {"forbidden"}
    if keys == {"value"}:
        result = {"value": node(entry["value"], budget, 0)}
    elif keys == {"error"}:
        result = {"error": error(entry["error"])}
    else:
        raise Unreadable("an outcome is neither a value nor an error")
    if "forbidden" in entry:
        result["forbidden"] = _texts(entry["forbidden"], 64)
    return result


def error(data: Any) -> dict:
    data = _mapping(data, "an error")
    if not {"type", "message", "frames"} <= set(data) <= {"type", "message", "frames", "not_implemented", "backward"}:
        raise Unreadable("an error has unexpected fields")
    frames = data["frames"]
    if type(frames) is not list or len(frames) > MAX_FRAMES:
        raise Unreadable("an error's traceback is malformed")
    out = {"type": _text(data["type"]), "message": _text(data["message"]), "frames": [_frame(f) for f in frames]}
    for key in ("not_implemented", "backward"):
        if key in data:
            out[key] = _text(data[key])
    return out


def _frame(frame: Any) -> list:
    ok = type(frame) is list and len(frame) == 4 and type(frame[1]) is int
    if not ok or not all(type(frame[i]) is str for i in (0, 2, 3)):
        raise Unreadable("a traceback frame is malformed")
    return [_text(frame[0]), frame[1], _text(frame[2]), _text(frame[3])]


def node(value: Any, budget: _Budget, depth: int) -> Any:
    budget.spend()
    if depth > MAX_DEPTH:
        raise Unreadable("the results are nested too deeply")
    kind_of = type(value)
    if value is None or kind_of in (bool, float):
        return value
    if kind_of is int:
        if abs(value) >= 2**63:
            raise Unreadable("a number is out of range")
        return value
    if kind_of is str:
        return _text(value, clean=False)
    data = _mapping(value, "a value")
    kind = data.get("kind")
    if kind == "tensor":
        return _tensor(data, budget)
    if kind in ("list", "tuple"):
        return _sequence(data, budget, depth)
    if kind == "dict":
        return _dict(data, budget, depth)
    if kind in _SIMPLE_KINDS and set(data) == {"kind", "value"}:
        return {"kind": kind, "value": _text(data["value"])}
    if kind == "object" and set(data) == {"kind", "type", "repr"}:
        return {"kind": "object", "type": _text(data["type"]), "repr": _text(data["repr"])}
    raise Unreadable("a value has an unknown form")


def _sequence(data: dict, budget: _Budget, depth: int) -> dict:
    items, length = data.get("items"), data.get("len")
    if set(data) != {"kind", "items", "len"} or type(items) is not list or type(length) is not int:
        raise Unreadable("a list is malformed")
    if len(items) > MAX_ITEMS or not len(items) <= length < 2**40:
        raise Unreadable("a list is malformed")
    return {"kind": data["kind"], "items": [node(v, budget, depth + 1) for v in items], "len": length}


def _dict(data: dict, budget: _Budget, depth: int) -> dict:
    keys, items = data.get("keys"), data.get("items")
    if set(data) != {"kind", "keys", "items"} or type(keys) is not list or type(items) is not list:
        raise Unreadable("a dict is malformed")
    if len(keys) != len(items) or len(keys) > MAX_ITEMS:
        raise Unreadable("a dict is malformed")
    plain = [node(k, budget, depth + 1) for k in keys]
    if any(type(k) not in (type(None), bool, int, float, str) for k in plain):
        raise Unreadable("a dict key is not a plain value")
    return {"kind": "dict", "keys": plain, "items": [node(v, budget, depth + 1) for v in items]}


def _tensor(data: dict, budget: _Budget) -> dict:
    if set(data) == {"kind", "type", "unreadable"}:
        return {"kind": "tensor", "type": _text(data["type"]), "unreadable": _text(data["unreadable"])}
    fields = {"kind", "type", "dtype", "device", "shape", "requires_grad", "grad_fn", "data"}
    shape = data.get("shape")
    if set(data) != fields or type(shape) is not list or len(shape) > 16:
        raise Unreadable("a tensor is malformed")
    if not all(type(n) is int and 0 <= n < 2**40 for n in shape) or type(data["requires_grad"]) is not bool:
        raise Unreadable("a tensor is malformed")
    grad_fn = data["grad_fn"]
    out = {"kind": "tensor", "type": _text(data["type"]), "dtype": _text(data["dtype"]), "device": _text(data["device"]),
           "shape": shape, "requires_grad": data["requires_grad"], "grad_fn": None if grad_fn is None else _text(grad_fn)}
    out["data"] = None if data["data"] is None else _tensor_data(data["data"], out, budget)
    return out


def _tensor_data(ref: Any, described: dict, budget: _Budget) -> Any:
    name = ref.get("$tensor") if type(ref) is dict and set(ref) == {"$tensor"} else None
    found = budget.tensors.get(name) if type(name) is str else None
    if found is None:
        raise Unreadable("a tensor's data is missing")
    if str(found.dtype) != described["dtype"] or list(found.shape) != described["shape"]:
        raise Unreadable("a tensor's data does not match its description")
    return found


def _mapping(value: Any, what: str) -> dict:
    if type(value) is not dict:
        raise Unreadable(f"{what} is malformed")
    return value


def _texts(value: Any, limit: int) -> list[str]:
    if type(value) is not list or len(value) > limit:
        raise Unreadable("a list of names is malformed")
    return [_text(v) for v in value]


def _text(value: Any, clean: bool = True) -> str:
    if type(value) is not str or len(value) > MAX_TEXT:
        raise Unreadable("a text field is malformed or too long")
    return clean_line(value, MAX_TEXT) if clean else value
