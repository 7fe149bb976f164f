"""A step left out (`grader.judging.pointer`): the first value no correct computation produces is often
computed from a correct value that a correct computation never used that way, because a step was left out
where that value was made (`scores = q @ k.T`, never divided by sqrt(d), then the softmax of it; the
unbiased variance, which batch norm computes only for its running statistics, then the normalising with it).
The line that made the value is then where the code went astray, not the line that used it.

Only values of the same call of the same function are moved to (a correct helper's value used without a
step is the caller's doing), and only when the correct computations computed that value and never applied
the first wrong value's op to it, while applying that op elsewhere (a softmax along the wrong dim is the
softmax's line: a correct computation took the softmax of those logits too; the log of a sigmoid is the
log's line: no correct computation takes a log there). A selection (`output[:, -1]`) that picks the wrong
part of a correct value is its own line.
"""

from __future__ import annotations

from typing import Any, Callable

from grader.judging.correct import Correct, Op, _key, close

SELECTIONS = {"getitem", "gather", "index_select", "select", "narrow", "take", "take_along_dim", "masked_select"}


def left_out_step(ops: list[Op], first: int, matched: list[bool], correct: Correct,
                  tolerances: Callable[[str], tuple[float, float]]) -> int:
    """The op that made the correct value a step was left out after, where `first` used it; else `first`."""
    op = ops[first]
    if op.get("state") != 0 or op.get("name") in SELECTIONS or op.get("name") not in correct.made_by.get(
            _key(op["shape"]), ()):
        return first  # a selection, or an op no correct computation applies to values of its shape: the step wrong
    for i in sorted(op["inputs"], reverse=True):
        if _ours(ops, i, op, matched):
            uses = correct.uses(ops[i], *tolerances(ops[i]["dtype"]))
            if uses is not None and op["name"] not in uses and (uses or _handed_over(ops[i], op)) \
                    and not _step_beside_use(correct, ops[i], op["name"], tolerances):
                return _made_at(ops, i, op, matched, tolerances)
    return first


def _step_beside_use(correct: Correct, value: Op, name: str, tolerances: Any) -> bool:
    """Whether a correct computation applied op `name` to what it computed from `value`'s value only by steps
    on that op's own line (`scores.masked_fill(blocked, 0.0).softmax(-1)`): the step left out belongs where
    the value is used, not where it was made (where the correct steps follow on the line that made the value,
    or on a line of their own, `scores / math.sqrt(d)`, the making line is where the step was left out)."""
    for theirs, at in correct.made_equal(value, *tolerances(value["dtype"])):
        for use in (o for o in theirs[at + 1:] if o.get("name") == name and o.get("state") == 0):
            todo, seen = list(use["inputs"]), set()
            while todo:
                j = todo.pop()
                if j == at:
                    return True
                if j not in seen and j > at and theirs[j]["frames"][0] == use["frames"][0]:
                    seen.add(j)
                    todo.extend(theirs[j]["inputs"])
    return False


def _ours(ops: list[Op], i: int, user: Op, matched: list[bool]) -> bool:
    """Whether op `i` is a correct value the code computed in the same call of the same function as `user`."""
    op = ops[i]
    if not matched[i] or op.get("state") != 0 or op["fresh"]:
        return False
    same = op["frames"][0][1] == user["frames"][0][1] and op["frames"][1:] == user["frames"][1:]
    return same or _handed_over(op, user)


def _handed_over(op: Op, user: Op) -> bool:
    """Whether `op` was made by another method of the class whose method `user` ran in, in a call that no
    function `user` was called from made (no function in common): its value came to `user` through the
    object's state (`ctx.save_for_backward(x)` in forward, read in backward; an attribute), not as an argument
    or a helper's result."""
    made, using = op["frames"][0][1], user["frames"][0][1]
    return "." in made and made.rsplit(".", 1)[0] == using.rsplit(".", 1)[0] and made != using \
        and not {f for _, f in op["frames"]} & {f for _, f in user["frames"]}


def _made_at(ops: list[Op], i: int, user: Op, matched: list[bool], tolerances: Any) -> int:
    """Back from op `i`, while it is on the line that used it, through the ops it was computed from that hold
    the same value (`scores.masked_fill(blocked, 0.0).softmax(-1)` where nothing is blocked): the line that
    made it (where a step of its own, one that changed nothing, is the step that went wrong)."""
    while ops[i]["line"] == user["line"]:
        same = [j for j in ops[i]["inputs"] if _ours(ops, j, user, matched) and ops[j]["shape"] == ops[i]["shape"]
                and close(ops[i], ops[j], *tolerances(ops[i]["dtype"]))]
        if not same:
            return i
        i = max(same)
    return i
