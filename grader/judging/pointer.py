"""Where the learner's values first differ: the first line of their code that computed a value no
correct computation produces, on the case where a check failed (issue 27).

The learner's op trace (`grader.judging.tracer`, validated by `grader.judging.trace_schema`) is set
against the values the reference and every correct style compute on the same case. A learner value
matches when some correct value equals it (`grader.judging.correct`: up to the check's tolerances, size-1
dims, a transpose and dtype; a returned value must be what a correct computation returned in its place).
Among the values the learner's wrong outputs were computed from, the first one that matches nothing is the
answer (a returned value too: its line computed it), unless no correct computation could be traced or only
values read from outside differ (then there is nothing to say beyond the check's own message). Where it used a
correct value a step was left out of, the line that made that value is named (`grader.judging.left_out`);
where every returned value is right but a gradient is not, the op whose backward first went wrong
(`grader.judging.pointer_grads`). Only a line of the learner's own file is ever named, with its code read from
the trusted copy of their source.
"""

from __future__ import annotations

from typing import Any

from grader.judging.compare import _atol, _rtol
from grader.judging.correct import Correct, Op
from grader.judging.left_out import left_out_step
from grader.judging.pointer_grads import gradient_difference
from grader.judging.trace_grads import GRAD
from grader.judging.trace_returns import NUMBER
from grader.judging.tracer import CHANGED, STATE


def first_difference(trace: dict, correct: Correct, tol: tuple, why: dict | None = None) -> tuple[int, list[int]] | None:
    """(the op the learner's values first went wrong at, the matched ops it was computed from), or None
    (and, given `why`, why["reason"] says why none: for the accuracy script)."""
    why = {} if why is None else why
    ops, why["reason"] = trace["ops"], _nothing_to_follow(trace, correct)
    if why["reason"]:
        return None
    matched = list(by_value := [correct.matches(op, *_tolerances(op["dtype"], tol)) for op in ops])
    outputs, wrong_outputs, retyped = _wrong_outputs(trace, correct, matched, tol)
    if not wrong_outputs:  # every returned value is one a correct computation makes: a gradient, or elsewhere
        return _gradient(ops, matched, correct, tol, why)
    # never blamed: a constant made from no tensor (torch.arange(n)) itself, a value read from outside (state)
    blamable = [i for i in _ancestors(ops, wrong_outputs, matched) if not matched[i]
                and (ops[i].get("state") == 0 or _own_number(ops, i, matched)) and (not ops[i]["fresh"] or i in outputs)]
    if not blamable:
        why["reason"] = "only values read from outside differ"
        return None
    first = _earlier_number(ops, min(blamable), matched)
    if first is None:
        why["reason"] = "a number made inside another function differs"
        return None
    first = _dtype_origin(ops, first) if first in retyped else first
    outside = _not_traced_here(ops, first, matched, by_value[first])
    if outside:
        why["reason"] = outside
        return None
    moved = _at_return(trace, first) if by_value[first] and first in outputs and first not in retyped else None
    if moved is not None:  # the verdict's text is read from `trace`: the line that put it there is named
        ops[first] = moved
        return first, []
    first = left_out_step(ops, first, matched, correct, lambda dtype: _tolerances(dtype, tol))
    before = sorted(i for i in _ancestors(ops, [first])
                    if matched[i] and not ops[i]["fresh"] and not ops[i].get("state") and i != first)
    return first, before


def _gradient(ops: list[Op], matched: list[bool], correct: Correct, tol: tuple, why: dict) -> tuple | None:
    first = gradient_difference(ops, matched, correct, lambda dtype: _tolerances(dtype, tol))
    why["reason"] = "" if first is not None else "returned values all made by a correct computation"
    return None if first is None else (first, [])


def _at_return(trace: dict, first: int) -> Op | None:
    """Returned value `first`, a correct value in the wrong place (`return square, x`), moved to the line of a
    function under test that returned it, where that is not the line that made it; else None."""
    frames = trace.get("returned", {}).get(first)
    if not frames or frames[0][0] == trace["ops"][first]["line"]:
        return None
    return {**trace["ops"][first], "line": frames[0][0], "frames": frames}


def _own_number(ops: list[Op], i: int, matched: list[bool]) -> bool:
    """Whether op `i` is a number the function under test returned itself (called by no function of the file)
    from values that all match: a number's arguments are not traced, so a helper's number may be wrong only
    because what it was given was."""
    op = ops[i]
    return op.get("state") == NUMBER and len(op["frames"]) == 1 and all(matched[j] for j in op["inputs"])


def _earlier_number(ops: list[Op], first: int, matched: list[bool]) -> int | None:
    """A wrong number returned before `first` (a size, a count) is the likelier start: numbers are used
    untraced (`x[:, i:i + h_out]`), so what it went into cannot be told. It is the answer when the function
    under test made it, else there is none (None)."""
    earlier = next((i for i in range(first) if ops[i].get("state") == NUMBER and not matched[i]), first)
    return earlier if earlier == first or _own_number(ops, earlier, matched) else None


def _nothing_to_follow(trace: dict, correct: Correct) -> str:
    if not trace["ops"] or not correct.by_key:  # nothing traced: no tensor op of the learner's, or no correct one
        return "no values traced" if correct.by_key else "no correct values"
    if trace["truncated"] and not any(i >= 0 for i in trace["outputs"]):
        return "too many operations to follow to the returned value"
    return ""


def _not_traced_here(ops: list[Op], first: int, matched: list[bool], a_correct_value: bool) -> str:
    """Why the first wrong value's line is not where the code went astray, or "": it was computed from weights
    or buffers that differ (changed during the run by an optimizer or a layer, or read as they were loaded or
    set elsewhere), or it is a correct value returned in the wrong place by a function passed in (a lambda:
    what returned it there is not traced), or a number turned from correct values that is itself a correct
    one (precision and recall swapped: the line that returns it only converted it; where the value was put in
    the wrong place is not traced)."""
    if a_correct_value and ops[first]["frames"][0][1].endswith("<lambda>"):
        return "a correct value, returned in the wrong place"
    if a_correct_value and ops[first].get("state") == NUMBER and ops[first]["inputs"]:
        return "a correct number made from correct values, returned in the wrong place"
    if any(ops[i].get("state") == CHANGED and not matched[i] for i in _ancestors(ops, [first])):
        return "weights or buffers it read differ, changed during the run (by an optimizer, a layer)"
    if any(ops[i].get("state") == STATE and not matched[i] for i in ops[first]["inputs"]):
        return "a value it read from outside differs (weights or buffers loaded or set elsewhere)"
    return ""


def _wrong_outputs(trace: dict, correct: Correct, matched: list[bool], tol: tuple) -> tuple[set, list, set]:
    """(the returned ops, those whose values no correct computation returned in their place, those of them
    with the right values in another dtype); `matched`
    is updated: a returned value that is only some correct intermediate is wrong. Where nothing returned
    was traced (a number, a value made elsewhere), the last op stands for what was returned."""
    ops, places = trace["ops"], trace["outputs"]
    outputs = {i for i in places if i >= 0}
    if not outputs:
        last = max((i for i, op in enumerate(ops) if op.get("state") != GRAD), default=len(ops) - 1)
        return {last}, ([] if matched[last] else [last]), set()
    retyped = set()
    for place, i in enumerate(places):
        if i >= 0:
            found = correct.returned_at(place, len(places), ops[i], *_tolerances(ops[i]["dtype"], tol))
            matched[i] = matched[i] and found in (None, "right")
            retyped |= {i} if found == "dtype" else set()
    return outputs, sorted(i for i in outputs if not matched[i]), retyped


def _dtype_origin(ops: list[Op], i: int) -> int:
    """The op that gave returned value `i` its (wrong) dtype: back through the ops of that dtype it was
    computed from, to the first (`torch.zeros(n, n)` where counts are filled in by `m[t, p] += 1`)."""
    while True:
        same = [j for j in ops[i]["inputs"] if ops[j]["dtype"] == ops[i]["dtype"] and not ops[j].get("state")]
        if not same:
            return i
        i = min(same)


def _ancestors(ops: list[Op], roots: list[int], matched: list[bool] | None = None) -> set[int]:
    """The ops `roots` were computed from; given `matched`, only through unmatched ones: a value no correct
    computation makes whose uses all are correct values again (a head's slice of k, transposed, where the
    reference transposes all heads at once) made nothing wrong."""
    seen, todo = set(), list(roots)
    while todo:
        i = todo.pop()
        if i not in seen:
            seen.add(i)
            if matched is None or not matched[i]:
                todo.extend(ops[i]["inputs"])
    return seen


def _tolerances(dtype: str, tol: tuple) -> tuple[float, float]:
    import torch

    kind = getattr(torch, dtype.removeprefix("torch."), torch.float32)
    rtol, atol = tol
    return max(_rtol(kind), rtol or 0.0), max(_atol(kind), atol or 0.0)


def correct_trace(check: Any, module: Any, index: int, files: list[str]) -> dict:
    """A correct computation's trace of case `index` (trusted side: larger caps, every op of `files`)."""
    from grader.judging.trace_run import trace_case
    from grader.judging.tracer import Recorder

    return trace_case(check, module, index, Recorder(files, max_ops=4096, max_bytes=64 * 2**20,
                                                        max_grads=1024, max_settings=1024))
