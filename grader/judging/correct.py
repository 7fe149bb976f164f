"""The values every correct computation (the reference and each correct style) produced on one case,
and whether a learner's traced value is one of them (`grader.judging.pointer`, issue 27).

An intermediate value matches when some correct value has its shape (up to size-1 dims, or transposed)
and equals it up to the check's tolerances, in whatever dtype. A returned value is held to more: it
must be what a correct computation returned in the same place (same shape, same dtype, close values),
not merely some value one computed on the way (an unscaled dropout mask is an intermediate of the scaled
one; zeros and ones returned swapped are both correct values, in the wrong places).
"""

from __future__ import annotations

import math
from typing import Any

from grader.judging.trace_grads import GRAD
from grader.judging.trace_returns import NUMBER
from grader.judging.tracer import STATE

MADE = ("made",)  # the key prefix of the values a correct computation computed (not read from outside)

Op = dict  # {"line", "inputs", "fresh", "shape", "dtype", "data", "stats"}


class Correct:
    """Correct values by shape (size-1 dims left out: a value kept as (N, 1) or as (N,) is the same value;
    so are the same numbers in another dtype). Whole values of one shape are stacked once, so a learner
    value is compared with all of them in one operation; `returned` holds each trace's returned values."""

    def __init__(self, traces: list[dict]):
        self.by_key: dict[tuple, list[Op]] = {}  # shape -> every value; ("made",) + shape -> those not read from outside
        self._uses: dict[int, set[str]] = {}  # id(op) -> the names of the ops computed from its value
        self.made_by: dict[tuple, set[str]] = {}  # shape -> the names of the ops that computed values of it
        self.grads: dict[tuple, list[Op]] = {}  # shape -> the gradients left for correct values of it
        self._graded: set[int] = set()  # id(op) of the correct values a gradient was left for
        self._at: dict[int, tuple[list[Op], int]] = {}  # id(op) -> (its trace's ops, its place there)
        for trace in traces:
            for place, op in enumerate(trace["ops"]):
                self._at[id(op)] = (trace["ops"], place)
                if op.get("state") == GRAD:
                    self.grads.setdefault(_key(op["shape"]), []).append(op)
                    self._graded.add(id(trace["ops"][op["inputs"][0]]))
                    continue
                for i in op["inputs"]:
                    self._uses.setdefault(id(trace["ops"][i]), set()).add(op.get("name", ""))
                self.by_key.setdefault(_key(op["shape"]), []).append(op)
                if op.get("state") != STATE:
                    self.by_key.setdefault(MADE + _key(op["shape"]), []).append(op)
                    self.made_by.setdefault(_key(op["shape"]), set()).add(op.get("name", ""))
        self.returned = [[trace["ops"][i] if i >= 0 else None for i in trace["outputs"]] for trace in traces]
        self.numbers = {float(op["data"]) for trace in traces for op in trace["ops"] if op.get("state") == NUMBER}
        # the settings chosen (`grader.judging.trace_settings`): name -> every value a correct computation chose
        self.settings: dict[str, set[str]] = {}
        for trace in traces:
            for setting in trace.get("settings", []):
                self.settings.setdefault(setting["name"], set()).add(setting["value"])
        self._stacks: dict[tuple, Any] = {}

    def matches(self, op: Op, rtol: float, atol: float) -> bool:
        """A number the code returned matches only a number a correct computation returned (a count of 2 is
        not the 2.0 in some tensor); a value the code computed, a correct value of its shape that a correct
        computation computed too (a padding mask left as given is not the inverted one computed from it)."""
        if op.get("state") == GRAD:
            return any(close(op, o, rtol, atol) for o in self.grads.get(_key(op["shape"]), []))
        if op.get("state") == NUMBER:
            mine = float(op["data"])
            return any(mine == n or abs(mine - n) <= atol + rtol * abs(n) for n in self.numbers)
        shape, pool = _key(op["shape"]), (() if op.get("state") == STATE else MADE)
        if self._any_close(op, shape, pool, False, rtol, atol):
            return True
        return len(shape) == 2 and shape[0] != shape[1] and self._any_close(op, shape[::-1], pool, True, rtol, atol)

    def uses(self, op: Op, rtol: float, atol: float) -> set[str] | None:
        """The names of the ops a correct computation computed from the values equal to `op`'s that it computed
        (`{"div"}` for scores it went on to scale), or None where it computed no such value."""
        found = self._made_close(op, rtol, atol)
        return {name for o in found for name in self._uses.get(id(o), set())} if found else None

    def made_equal(self, op: Op, rtol: float, atol: float) -> list[tuple[list[Op], int]]:
        """(a correct trace's ops, the place there) of each value equal to `op`'s that a correct computation
        computed."""
        return [self._at[id(o)] for o in self._made_close(op, rtol, atol)]

    def _made_close(self, op: Op, rtol: float, atol: float) -> list[Op]:
        """The values equal to `op`'s that a correct computation computed (not read from outside)."""
        return [o for o in self.by_key.get(MADE + _key(op["shape"]), []) if close(op, o, rtol, atol)]

    def graded(self, op: Op, rtol: float, atol: float) -> bool:
        """Whether a correct computation was left a gradient for a value equal to `op`'s (a frozen layer's
        weights, and what they alone computed, get none)."""
        return any(id(o) in self._graded and close(op, o, rtol, atol) for o in self.by_key.get(_key(op["shape"]), []))

    def returned_at(self, place: int, count: int, op: Op, rtol: float, atol: float) -> str | None:
        """Whether `op`, the learner's returned value `place` of `count`, is what a correct computation
        returned there: "right", "dtype" (the right values in another dtype) or "wrong"; None when no
        correct trace says (another count, or a value made outside its code)."""
        theirs = [r[place] for r in self.returned if len(r) == count and r[place] is not None]
        values = [o for o in theirs if o["shape"] == op["shape"] and close(op, o, rtol, atol)]
        if not theirs:
            return None
        if any(o["dtype"] == op["dtype"] for o in values):
            return "right"
        return "dtype" if values else "wrong"

    def _any_close(self, op: Op, key: tuple, pool: tuple, flip: bool, rtol: float, atol: float) -> bool:
        import torch

        others = self.by_key.get(pool + key, [])
        stack = self._stack(pool, key)
        if op["data"] is not None and stack is not None:
            mine = op["data"].reshape(key[::-1] if flip else key).double()
            mine = mine.t() if flip else mine
            found = torch.isclose(stack, mine.unsqueeze(0).expand_as(stack), rtol=rtol, atol=atol, equal_nan=True)
            if bool(found.reshape(len(stack), -1).all(dim=1).any()):
                return True
        summaries = [o for o in others if o["data"] is None or op["data"] is None]
        return not flip and any(close(op, other, rtol, atol) for other in summaries)

    def _stack(self, pool: tuple, key: tuple):
        import torch

        if pool + key not in self._stacks:
            ops = self.by_key.get(pool + key, [])
            whole = [o["data"].reshape(key).double() for o in ops if o["data"] is not None]
            self._stacks[pool + key] = torch.stack(whole) if whole else None
        return self._stacks[pool + key]


def _key(shape: list[int]) -> tuple:
    return tuple(n for n in shape if n != 1)


def close(mine: Op, theirs: Op, rtol: float, atol: float) -> bool:
    import torch

    a, b = mine["data"], theirs["data"]
    if a is not None and b is not None:
        if _key(mine["shape"]) != _key(theirs["shape"]):
            return False
        a, b = a.reshape(_key(mine["shape"])), b.reshape(_key(mine["shape"]))
        if a.dtype.is_floating_point or b.dtype.is_floating_point:
            return bool(torch.isclose(a.double(), b.double(), rtol=rtol, atol=atol, equal_nan=True).all())
        return bool(torch.equal(a.long(), b.long()))
    return _stats_close(_stats_of(mine), _stats_of(theirs), mine["shape"], rtol, atol)


def _stats_of(op: Op) -> list[float]:
    from grader.judging.trace_values import stats

    return op["stats"] if op["stats"] is not None else stats(op["data"])


def _stats_close(a: list[float], b: list[float], shape: list[int], rtol: float, atol: float) -> bool:
    if len(a) != len(b):
        return False
    n = math.prod(shape) or 1
    scales = [n, n, math.sqrt(n)] + [1] * (len(a) - 3)
    for x, y, scale in zip(a, b, scales):
        if math.isnan(x) or math.isnan(y):
            if math.isnan(x) != math.isnan(y):
                return False
        elif x != y and not abs(x - y) <= atol * scale + rtol * max(abs(x), abs(y)):
            return False
    return True
