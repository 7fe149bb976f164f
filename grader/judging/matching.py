"""Which known mistake did the learner make? Match outcomes, not source code.

For each failing check, the candidates are the mistakes whose outcome on the learner's
first failing case equals the learner's (and differs from the reference's). When several
fit, the one that agrees with the learner on the most cases of the whole submission wins
(ties go to the first by name), so a learner is told about the mistake their code as a
whole behaves like, not the first declared one that happens to fit one case.
"""

from __future__ import annotations

from typing import Any

from grader.judging.compare import compare
from grader.judging.schema import MAX_TEXT
from grader.text import clean_line


def same_outcome(a: dict, b: dict) -> bool:
    if bool(a.get("forbidden")) != bool(b.get("forbidden")):
        return False
    if "error" in a or "error" in b:
        ea, eb = a.get("error", {}), b.get("error", {})
        return bool(ea and eb) and _error_text(ea) == _error_text(eb)
    return compare(a["value"], b["value"]) is None


_USER_CODE = clean_line("\n\nfrom user code:", MAX_TEXT)  # torch's compiler (2.6) appends the file and line there


def _error_text(error: dict) -> tuple:
    """An error's type and message as the schema leaves a learner's: control characters escaped (a message of
    several lines arrives as one). The trusted side's outcomes never crossed the schema; compare both alike.
    Where the compiler named the user code it was tracing, only what comes before counts: the learner's file
    and a mistake file are different files."""
    kind, message = (clean_line(error.get(key, ""), MAX_TEXT) for key in ("type", "message"))
    return kind, message.split(_USER_CODE, 1)[0]


def best_mistakes(checks: list, failures: dict, learner: dict, book) -> dict[str, Any]:
    """{check name: the MistakeFile recognised there} for the failing checks where one fits."""
    candidates = {name: _fitting(f, book) for name, f in failures.items()}
    scores: dict[str, int] = {}
    for mistake in {m for found in candidates.values() for m in found}:
        scores[mistake.name] = _agreement(mistake, checks, learner, book)
    chosen = {}
    for name, found in candidates.items():
        if found:
            chosen[name] = min(found, key=lambda m: (-scores[m.name], m.name))
    return chosen


def _fitting(failure, book) -> list:
    fits = []
    for mistake in book.mistakes:
        outs = book.outcomes(mistake, failure.check)
        if failure.index < len(outs):
            theirs = outs[failure.index]
            if not same_outcome(theirs, failure.expected) and same_outcome(theirs, failure.got):
                fits.append(mistake)
    return fits


def _agreement(mistake, checks: list, learner: dict, book) -> int:
    """On how many cases of the whole submission the mistake's outcome equals the learner's."""
    total = 0
    for check in checks:
        mine = learner.get(check.name, [])
        theirs = book.outcomes(mistake, check)
        total += sum(same_outcome(a, b) for a, b in zip(mine, theirs))
    return total
