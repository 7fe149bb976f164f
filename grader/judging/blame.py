"""Which line of the learner's file a first wrong value is blamed on, and how the pointer reads
(`grader.judging.pointer` finds the value; `grader.judging.where` sets the text on the check's result).

A value is blamed on its own line, except where the function that computed it is not the learner's to
answer for there: one that passes its own checks (however deep: a layer's `forward` inside it), or a
helper no check tests (the course's `val_loss`, `pretrained_state`) called from another function of the
file. Then the line that called it is named: the values it was given, or its being called at all, are
where the computation went astray. Functions are known by qualified name (`Net.forward` is `Net`'s;
`fit.<locals>.<lambda>` is `fit`'s).
"""

from __future__ import annotations

from grader.judging.correct import Op

VALUE = "the first value your code computed that no correct computation produces"
SETTING = "the first setting your code chose that no correct computation chooses"


def describe(first: int, before: list[int], trace: dict, lines: list[str], locate, passing: set = frozenset(),
             checked: set | None = None, what: str = VALUE) -> str:
    """`line 14: probs = ... — the first value your code computed that no correct computation produces
    (lines 11–13 match)`; `locate(line)` gives (cell label or "", line inside it). A value computed inside
    one of the learner's functions that passes its own checks is the call's doing: the calling line is named.
    `what` says what differs there (a value, or a setting: `grader.judging.pointer_settings`)."""
    from grader.text import clean_line

    ops = trace["ops"]
    line = _blamed(ops[first], passing, checked)
    label, at = locate(line)
    code = clean_line(lines[line - 1].strip(), 200) if line <= len(lines) else ""
    head = f"{label}, line {at}" if label else f"line {at}"
    text = f"{head}: {code} — {what}"
    earlier = sorted({_blamed(ops[i], passing, checked) for i in before} - {line})
    same_place = [locate(n) for n in earlier]
    if same_place and all(lab == label for lab, _ in same_place):
        numbers = sorted({n for _, n in same_place if n != at})
        if numbers:
            text += f" ({_ranges(numbers)})"
    return text


def _blamed(op: Op, passing: set, checked: set | None = None) -> int:
    """The op's line, or, while it lies in a function that passes its own checks (however deep: a layer's
    `forward` inside it), the line that called that function; then, given `checked` (every function a check
    tests), past helpers none tests to the line of the nearest function that is tested (or the outermost)."""
    frames = op.get("frames") or [[op["line"], ""]]
    outermost = max((k for k, (_, function) in enumerate(frames[:-1]) if owned(function, passing)), default=-1)
    k = outermost + 1
    while checked is not None and k < len(frames) - 1 and not owned(frames[k][1], checked):
        k += 1
    return frames[k][0]


def owned(function: str, names: set) -> bool:
    """Whether `function` (a qualified name) is, or is code of, one of `names` (`Net.forward` of `Net`)."""
    return any(part in names for part in function.split("."))


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
