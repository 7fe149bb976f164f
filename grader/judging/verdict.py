"""Decide each check: compare the learner's outcomes with the reference's, case by case,
and explain the first difference with the best hint there is.

Hints, most specific first: a known mistake whose outcomes equal the learner's (the one
that matches the learner's whole submission best), the check's hint for that result key
and kind of difference, the generic hint for the kind of difference with the check's own
hint after it, and "fix X first" when a function this one uses fails its own check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.judging.compare import Mismatch, compare
from grader.judging.hints import NOT_IMPLEMENTED, generic_hint
from grader.judging.matching import best_mistakes
from grader.results import CheckResult
from grader.text import clean_line


@dataclass
class Failure:
    """Where a check first failed: which case, and both outcomes there."""

    check: Any
    index: int
    expected: dict
    got: dict | None


def judge_all(checks: list, expected: dict, learner: dict, book=None) -> list[CheckResult]:
    """One CheckResult per check, in order. `book` (a MistakeBook) names known mistakes."""
    results, failures = [], {}
    for check in checks:
        result, failure = judge(check, expected[check.name], list(learner.get(check.name, [])))
        results.append(result)
        if failure is not None:
            failures[check.name] = failure
    if book is not None and failures:
        for name, mistake in best_mistakes(checks, failures, learner, book).items():
            result = next(r for r in results if r.name == name)
            result.hint, result.mistake = mistake.hint, mistake.name
    _point_at_dependencies(checks, results, failures)
    return results


def judge(check: Any, expected: list[dict], learner: list[dict]) -> tuple[CheckResult, Failure | None]:
    made: list = []  # the cases, made (deep copies) only to describe the one that fails

    def call_of(i: int) -> str:
        if not made:
            made.append(check.cases())
        return check.call_text(made[0][i]) if i < len(made[0]) else check.target

    for i, exp in enumerate(expected):
        got = learner[i] if i < len(learner) else None
        if "error" in exp or got is None or not _agrees(check, exp, got):
            return _failed(check, i, exp, got, call_of(i))
    return CheckResult(check.name, True, check.points, call=check.target, target=check.target), None


def _agrees(check: Any, exp: dict, got: dict) -> bool:
    """Whether the learner's outcome of a case is the reference's (_judge_case finds nothing wrong)."""
    return not got.get("forbidden") and "error" not in got and compare(exp["value"], got["value"], tol=check.tolerance) is None


def _failed(check: Any, i: int, exp: dict, got: dict | None, call: str) -> tuple[CheckResult, Failure | None]:
    """The result of the first case that does not agree with the reference."""
    if "error" in exp:
        err = exp["error"]
        message = f"the reference itself raised {err['type']}: {err['message']}"
        return CheckResult(check.name, False, check.points, call, message, target=check.target), None
    if got is None:
        return CheckResult(check.name, False, check.points, call, "no result came back for this case", target=check.target), None
    result = _judge_case(check, call, exp, got)
    unwritten = "error" in got and (got["error"].get("not_implemented") or got["error"]["type"] == "missing")
    return result, None if unwritten else Failure(check, i, exp, got)


def _judge_case(check: Any, call: str, exp: dict, got: dict) -> CheckResult | None:
    if got.get("forbidden"):
        return _forbidden_result(check, call, got["forbidden"])
    if "error" in got:
        return _error_result(check, call, got["error"])
    mismatch: Mismatch | None = compare(exp["value"], got["value"], tol=check.tolerance)
    if mismatch is None:
        return None
    hint = _specific(check, mismatch.key, mismatch.kind)
    if hint is None:
        generic = generic_hint(mismatch.kind, mismatch.expected, mismatch.got, mismatch.expected_kind, mismatch.got_kind)
        hint = f"{generic} {check.hint}".strip() or fallback_hint(check.target)
    return CheckResult(check.name, False, check.points, call, mismatch.text(), mismatch.expected, mismatch.got,
                       hint=hint, target=check.target)


def fallback_hint(target: str) -> str:
    """For a wrong value when the check has no hint of its own (validate warns about that)."""
    return (f"Run the call above yourself and print what `{target}` returns, then compare each step with what its "
            "docstring asks; the hints for it go from a nudge to nearly the answer.")


def _specific(check: Any, key: str, kind: str) -> str | None:
    """The check's own hint for this result key and kind of difference, most specific first."""
    hints = getattr(check, "hints", {}) or {}
    for name in (f"{key}.{kind}" if key else "", key, kind):
        if name and name in hints:
            return hints[name]
    return None


def _forbidden_result(check: Any, call: str, names: list[str]) -> CheckResult:
    listed = ", ".join(f"`{clean_line(n)}`" for n in names)
    message = f"your code called {listed}, which this exercise asks you to write yourself"
    hint = _specific(check, "", "forbidden") or (
        f"Write it from basic tensor operations instead of calling {listed}; "
        "the point of the exercise is to see how it works inside.")
    return CheckResult(check.name, False, check.points, call, message, hint=hint, target=check.target)


def _error_result(check: Any, call: str, err: dict) -> CheckResult:
    if err.get("not_implemented"):
        return CheckResult(check.name, False, check.points, call, f"not implemented yet: {err['not_implemented']}",
                           hint=NOT_IMPLEMENTED, target=check.target)
    if err["type"] == "missing":
        return CheckResult(check.name, False, check.points, call, err["message"], target=check.target,
                           hint=f"Define `{check.target}` in your file, with the name spelled exactly so.")
    message = f"your code raised {err['type']}: {err['message']}" if err["message"] else f"your code raised {err['type']}"
    if err.get("backward"):
        message += f" ({err['backward']})"
    hint = _specific(check, "", "raised") or _backward_hint(err) or check.hint
    return CheckResult(check.name, False, check.points, call, message, traceback=err.get("frames", []), hint=hint,
                       target=check.target)


def _backward_hint(err: dict) -> str:
    if "inplace operation" in err.get("message", ""):
        return ("Autograd saves some tensors for the backward pass; changing one in place (`x /= ...`, `x += ...`, "
                "`x.add_(...)`) breaks it. Write `x = x / ...` to make a new tensor instead.")
    return ""


def _point_at_dependencies(checks: list, results: list[CheckResult], failures: dict) -> None:
    """A failing check whose target uses a function that fails its own check: say to fix that first.
    Only a function that is written and wrong counts: one not written yet (NotImplementedError, missing)
    cannot be what a failing check ran, else that check would say "not implemented yet" itself."""
    failing = set(failures) | {c.target for c in checks if c.name in failures}
    for check, result in zip(checks, results):
        if result.passed or result.mistake:
            continue
        broken = [d for d in getattr(check, "depends_on", ()) if d in failing and d not in (check.name, check.target)]
        if broken:
            result.hint = _fix_first(broken[0], {c.name for c in checks} - {c.target for c in checks})


def _fix_first(name: str, check_names: set) -> str:
    if name in check_names:  # a check's name, not a function's
        return f"The check \"{name}\" fails too, and this one builds on it: make that one pass first."
    return f"This uses `{name}`, which does not pass its own check yet: fix `{name}` first."
