"""Where the gradients first differ (`grader.judging.pointer`), when every value the code returned is one a
correct computation returns but a gradient is not: the backward pass runs the code's ops in reverse, so the
value computed last whose gradient (`grader.judging.trace_grads`) no correct computation's gradients equal,
while the gradient of every value computed from it matches, is where it first goes wrong: at the op that
used it (`torch.sqrt(var) + eps` where the reference has `torch.sqrt(var + eps)`: the same values, to the
check's tolerances, but not the same gradient at 0).

Held back when that op cannot be told: a value computed from it whose gradient never arrived (cut off by
`.detach()`, or computed under `no_grad`), or uses on more than one line; and where no correct computation got a gradient for the value at all.
"""

from __future__ import annotations

from typing import Callable

from grader.judging.correct import Correct, Op
from grader.judging.trace_grads import GRAD


def gradient_difference(ops: list[Op], matched: list[bool], correct: Correct, tolerances: Callable) -> int | None:
    """The op whose backward first went wrong (one that used the value whose gradient differs), or None. Only
    values a correct computation also got a gradient for count (a layer left trainable that should be frozen
    gets one where none is due: no line computed it wrong)."""
    grads = {op["inputs"][0]: g for g, op in enumerate(ops) if op.get("state") == GRAD and op["inputs"]}
    wrong = [k for k, g in grads.items() if not matched[g] and correct.graded(ops[k], *tolerances(ops[k]["dtype"]))]
    if not wrong:
        return None
    k = max(wrong)
    users = [c for c, op in enumerate(ops) if k in op["inputs"] and op.get("state") != GRAD
             and _floating(op["dtype"]) and not op["fresh"]]
    if not users or any(c not in grads or not matched[grads[c]] for c in users):
        return None
    if len({ops[c]["line"] for c in users}) != 1 or ops[users[0]].get("state") != 0:
        return None
    return min(users)


def _floating(dtype: str) -> bool:
    return dtype in ("torch.float16", "torch.bfloat16", "torch.float32", "torch.float64")
