"""Where the learner's values first differ: the first line of their code that computed a value no
correct computation produces, on the case where a check failed (issue 27).

The learner's op trace (`grader.judging.tracer`, validated by `grader.judging.trace_schema`) is set
against the values the reference and every correct style compute on the same case. A learner value
matches when some correct value has its shape (up to size-1 dims, or transposed) and equals it up to
the check's tolerances, in whatever dtype. Among the values the learner's wrong outputs were computed from, the
first one that matches nothing is the answer, unless it is a returned value itself, or no correct
computation could be traced (then there is nothing to say beyond the check's own message). Only a line of the
learner's own file is ever named, with its code read from the trusted copy of their source.
"""

from __future__ import annotations

from typing import Any

from grader.judging.compare import _atol, _rtol
from grader.judging.tracer import CHANGED

Op = dict  # {"line", "inputs", "fresh", "shape", "dtype", "data", "stats"}


class Correct:
    """The values every correct computation produced on one case, by shape (size-1 dims left out: a value
    kept as (N, 1) or as (N,) is the same value; so are the same numbers in another dtype). Whole values of
    one shape are stacked once, so a learner value is compared with all of them in one operation."""

    def __init__(self, traces: list[dict]):
        self.by_key: dict[tuple, list[Op]] = {}
        for trace in traces:
            for op in trace["ops"]:
                self.by_key.setdefault(_key(op["shape"]), []).append(op)
        self._stacks: dict[tuple, Any] = {}

    def matches(self, op: Op, rtol: float, atol: float) -> bool:
        shape = _key(op["shape"])
        if self._any_close(op, shape, False, rtol, atol):
            return True
        return len(shape) == 2 and shape[0] != shape[1] and self._any_close(op, shape[::-1], True, rtol, atol)

    def _any_close(self, op: Op, key: tuple, flip: bool, rtol: float, atol: float) -> bool:
        import torch

        others = self.by_key.get(key, [])
        stack = self._stack(key)
        if op["data"] is not None and stack is not None:
            mine = op["data"].reshape(key[::-1] if flip else key).double()
            mine = mine.t() if flip else mine
            close = torch.isclose(stack, mine.unsqueeze(0).expand_as(stack), rtol=rtol, atol=atol, equal_nan=True)
            if bool(close.reshape(len(stack), -1).all(dim=1).any()):
                return True
        summaries = [o for o in others if o["data"] is None or op["data"] is None]
        return not flip and any(_close(op, other, rtol, atol) for other in summaries)

    def _stack(self, key: tuple):
        import torch

        if key not in self._stacks:
            whole = [o["data"].reshape(key).double() for o in self.by_key.get(key, []) if o["data"] is not None]
            self._stacks[key] = torch.stack(whole) if whole else None
        return self._stacks[key]


def _key(shape: list[int]) -> tuple:
    return tuple(n for n in shape if n != 1)


def first_difference(trace: dict, correct: Correct, tol: tuple, why: dict | None = None) -> tuple[int, list[int]] | None:
    """(the op the learner's values first went wrong at, the matched ops it was computed from), or None
    (and, given `why`, why["reason"] says why none: for the accuracy script)."""
    why = {} if why is None else why
    ops = trace["ops"]
    if not ops or not correct.by_key:  # nothing traced: no tensor op of the learner's, or no correct one
        why["reason"] = "no values traced" if correct.by_key else "no correct values"
        return None
    if trace["truncated"] and not trace["outputs"]:
        why["reason"] = "too many operations to follow to the returned value"
        return None
    matched = [correct.matches(op, *_tolerances(op["dtype"], tol)) for op in ops]
    outputs = set(trace["outputs"]) or {len(ops) - 1}
    wrong_outputs = [i for i in outputs if not matched[i]]
    if not wrong_outputs:  # every returned value is one a correct computation makes: the difference is elsewhere
        why["reason"] = "returned values all made by a correct computation"
        return None
    # a constant made from no tensor (torch.arange(n), torch.tensor(2.0)) is never blamed itself: its use is;
    # nor is a value read from outside (state: an argument, a layer's weights): no traced line computed it
    blamable = [i for i in _ancestors(ops, wrong_outputs) if not matched[i] and not ops[i].get("state")
                and (not ops[i]["fresh"] or i in outputs)]
    if not blamable:
        why["reason"] = "only values read from outside differ"
        return None
    first = min(blamable)
    if first in outputs:  # the first wrong value is the returned one: the check's message says as much
        why["reason"] = "first wrong value is the returned one"
        return None
    if any(ops[i].get("state") == CHANGED and not matched[i] for i in _ancestors(ops, [first])):
        why["reason"] = "weights or buffers it read differ, changed during the run (by an optimizer, a layer)"
        return None
    before = sorted(i for i in _ancestors(ops, [first])
                    if matched[i] and not ops[i]["fresh"] and not ops[i].get("state") and i != first)
    return first, before


def describe(first: int, before: list[int], trace: dict, lines: list[str], locate, passing: set = frozenset()) -> str:
    """`line 14: probs = ... — the first value your code computed that no correct computation produces
    (lines 11–13 match)`; `locate(line)` gives (cell label or "", line inside it). A value computed inside
    one of the learner's functions that passes its own checks is the call's doing: the calling line is named."""
    from grader.text import clean_line

    ops = trace["ops"]
    line = _blamed(ops[first], passing)
    label, at = locate(line)
    code = clean_line(lines[line - 1].strip(), 200) if line <= len(lines) else ""
    head = f"{label}, line {at}" if label else f"line {at}"
    text = f"{head}: {code} — the first value your code computed that no correct computation produces"
    earlier = sorted({_blamed(ops[i], passing) for i in before} - {line})
    same_place = [locate(n) for n in earlier]
    if same_place and all(lab == label for lab, _ in same_place):
        numbers = sorted({n for _, n in same_place if n != at})
        if numbers:
            text += f" ({_ranges(numbers)})"
    return text


def _blamed(op: Op, passing: set) -> int:
    """The op's line, or, while it lies in a function that passes its own checks, the line that called it."""
    frames = op.get("frames") or [[op["line"], ""]]
    for line, function in frames[:-1]:
        if function not in passing:
            return line
    return frames[-1][0]


def _ranges(numbers: list[int]) -> str:
    """[11, 12, 13] -> "lines 11–13 match"; [4] -> "line 4 matches"; [3, 5, 6] -> "lines 3, 5–6 match"."""
    if len(numbers) == 1:
        return f"line {numbers[0]} matches"
    runs = [[numbers[0], numbers[0]]]
    for n in numbers[1:]:
        if n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return "lines " + ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs) + " match"


def _ancestors(ops: list[Op], roots: list[int]) -> set[int]:
    seen, todo = set(), list(roots)
    while todo:
        i = todo.pop()
        if i not in seen:
            seen.add(i)
            todo.extend(ops[i]["inputs"])
    return seen


def _tolerances(dtype: str, tol: tuple) -> tuple[float, float]:
    import torch

    kind = getattr(torch, dtype.removeprefix("torch."), torch.float32)
    rtol, atol = tol
    return max(_rtol(kind), rtol or 0.0), max(_atol(kind), atol or 0.0)


def _close(mine: Op, theirs: Op, rtol: float, atol: float) -> bool:
    import torch

    a, b = mine["data"], theirs["data"]
    if a is not None and b is not None:
        a, b = a.reshape(_key(mine["shape"])), b.reshape(_key(mine["shape"]))
        if a.dtype.is_floating_point or b.dtype.is_floating_point:
            return bool(torch.isclose(a.double(), b.double(), rtol=rtol, atol=atol, equal_nan=True).all())
        return bool(torch.equal(a.long(), b.long()))
    return _stats_close(_stats_of(mine), _stats_of(theirs), mine["shape"], rtol, atol)


def _stats_of(op: Op) -> list[float]:
    from grader.judging.tracer import stats

    return op["stats"] if op["stats"] is not None else stats(op["data"])


def _stats_close(a: list[float], b: list[float], shape: list[int], rtol: float, atol: float) -> bool:
    import math

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


def correct_trace(check: Any, module: Any, index: int, files: list[str]) -> dict:
    """A correct computation's trace of case `index` (trusted side: larger caps, every op of `files`)."""
    from grader.judging.tracer import Recorder, trace_case

    return trace_case(check, module, index, Recorder(files, max_ops=4096, max_bytes=64 * 2**20))
