"""Where the settings first differ (`grader.judging.pointer`), when no value says where the code went astray
(every value it returned is one a correct computation returns, or the weights an optimizer or a layer
changed differ, or no value was traced at all): the first setting the code chose (`grader.judging.
trace_settings`: a layer made, a module's mode, its parameters frozen, an optimizer or a data loader made, a
step's learning rates) that no correct computation chose, among the kinds of setting a correct computation
chose at all (a layer of a class none made is another way to compute, not a mistake; nor is a loader where
none was made).

A setting made inside a function that passes its own checks is named at the line that called it
(`grader.judging.blame`): it was given something wrong, or called where it should not be. None is named
where a function that fails its own checks (other than those the setting was made in) ran before it, making
a value or a setting: what the setting was given (a model that function should have frozen, the learning
rates it computes) may be that function's doing, which its own check points at. Nor where the code ran on
where every correct computation had stopped (a step, or a zero_grad(), past the last any of them made): what
decided that is control flow, not a setting.
"""

from __future__ import annotations

import re

from grader.judging.blame import owned
from grader.judging.correct import Correct


# named only where no value is: a draw of another kind than a correct one's may draw the same; a helper's
# object of another type than a correct one's may serve the same
LATER = {"draw", "returned"}


def setting_difference(trace: dict, correct: Correct, failing: set = frozenset(),
                       first: int | None = None) -> int | None:
    """The index in `trace["settings"]` of the first one no correct computation chose, or None; given `first`, the
    op of the first wrong value, only one made before it."""
    settings = trace["settings"]
    for i, setting in enumerate(settings):
        if first is not None and (setting["after"] > first or setting["name"] in LATER):
            continue
        chosen = correct.settings.get(setting["name"])
        if chosen is not None and setting["value"] not in chosen:
            if _past_the_last(setting["value"], chosen):
                return None
            earlier = settings[:i] + trace["ops"][:setting["after"]]
            return None if _failed_before(earlier, setting, failing) else i
    return None


def _past_the_last(value: str, chosen: set[str]) -> bool:
    """Whether `value` is the n-th of its kind (a step, a zero_grad()) where no correct computation made n: the
    code ran on (one more epoch) where every correct one had stopped, which no setting decided."""
    n = _ordinal(value)
    return n is not None and n > max((_ordinal(v) or 0 for v in chosen), default=0)


def _ordinal(value: str) -> int | None:
    found = re.match(r"#(\d+):", value)
    return int(found[1]) if found else None


def _failed_before(earlier: list[dict], setting: dict, failing: set) -> bool:
    """Whether a function failing its own checks, other than those `setting` was made in, made one of `earlier`."""
    own = {part for _, function in setting["frames"] for part in function.split(".")}
    return any(not owned(function, own) and owned(function, failing) for s in earlier for _, function in s["frames"])
