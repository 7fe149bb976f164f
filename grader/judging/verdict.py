"""Decide each check: compare the learner's outcomes with the reference's,
case by case, and explain the first difference with the best hint we have.

Known mistakes are recognised by running the declared known-wrong variants on
the same inputs (in this trusted process) and matching the learner's outcome.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from grader.judging.compare import Mismatch, compare
from grader.judging.hints import NOT_IMPLEMENTED, generic_hint
from grader.judging.probe import run_check
from grader.results import CheckResult


class MistakeBook:
    """Outcomes of each known-mistake variant, computed only when needed."""

    def __init__(self, reference: Any, mistakes: list[Any]):
        self.reference = reference
        self.mistakes = mistakes
        self._raw: dict[tuple[str, str], list[dict]] = {}
        self._cache: dict[tuple[str, str], list[dict]] = {}

    def raw_outcomes(self, mistake: Any, check: Any) -> list[dict]:
        """What the probe returns on the variant, before the check's transform (as a learner's would be)."""
        key = (mistake.name, check.name)
        if key not in self._raw:
            self._raw[key] = run_check(check, SimpleNamespace(**{**vars(self.reference), **mistake.replace}))
        return self._raw[key]

    def outcomes(self, mistake: Any, check: Any) -> list[dict]:
        key = (mistake.name, check.name)
        if key not in self._cache:
            self._cache[key] = transformed(check, self.raw_outcomes(mistake, check))
        return self._cache[key]

    def match(self, check: Any, index: int, learner: dict, expected: dict) -> Any:
        """The first declared mistake whose outcome on this case equals the learner's."""
        for mistake in self.mistakes:
            outs = self.outcomes(mistake, check)
            if index < len(outs) and not same_outcome(outs[index], expected) and same_outcome(outs[index], learner):
                return mistake
        return None


def same_outcome(a: dict, b: dict) -> bool:
    if "error" in a or "error" in b:
        ea, eb = a.get("error", {}), b.get("error", {})
        return bool(ea and eb) and (ea.get("type"), ea.get("message")) == (eb.get("type"), eb.get("message"))
    return compare(a["value"], b["value"]) is None


def transformed(check: Any, outcomes: list[dict]) -> list[dict]:
    """Apply the check's trusted-side transform to every value outcome."""
    if check.transform is None:
        return outcomes
    from grader.judging.encode import decode, encode

    result = []
    for outcome in outcomes:
        if "value" in outcome:
            try:
                outcome = {"value": encode(check.transform(decode(outcome["value"])))}
            except Exception as exc:
                outcome = {"error": {"type": type(exc).__name__, "message": str(exc)[:1000], "frames": []}}
        result.append(outcome)
    return result


def judge(check: Any, expected: list[dict], learner: list[dict], book: MistakeBook) -> CheckResult:
    expected, learner = transformed(check, expected), transformed(check, learner)
    cases = check.cases()
    for i, exp in enumerate(expected):
        call = check.call_text(cases[i]) if i < len(cases) else check.target
        if "error" in exp:
            err = exp["error"]
            return CheckResult(check.name, False, check.points, call, f"the reference itself raised {err['type']}: {err['message']}")
        got = learner[i] if i < len(learner) else None
        if got is None:
            return CheckResult(check.name, False, check.points, call, "no result came back for this case")
        result = _judge_case(check, call, exp, got)
        if result is not None:
            unwritten = "error" in got and (got["error"].get("not_implemented") or got["error"]["type"] == "missing")
            return _with_hint(result, check, None if unwritten else book.match(check, i, got, exp))
    return CheckResult(check.name, True, check.points, call=check.target)


def _judge_case(check: Any, call: str, exp: dict, got: dict) -> CheckResult | None:
    if "error" in got:
        return _error_result(check, call, got["error"])
    mismatch: Mismatch | None = compare(exp["value"], got["value"])
    if mismatch is None:
        return None
    hint = generic_hint(mismatch.kind, mismatch.expected, mismatch.got, mismatch.expected_kind, mismatch.got_kind)
    return CheckResult(
        check.name, False, check.points, call, mismatch.text(), mismatch.expected, mismatch.got, hint=hint
    )


def _error_result(check: Any, call: str, err: dict) -> CheckResult:
    if err.get("not_implemented"):
        return CheckResult(check.name, False, check.points, call, f"not implemented yet: {err['not_implemented']}", hint=NOT_IMPLEMENTED)
    if err["type"] == "missing":
        return CheckResult(check.name, False, check.points, call, err["message"], hint=f"Define `{check.target}` in your file, with the name spelled exactly so.")
    message = f"your code raised {err['type']}: {err['message']}" if err["message"] else f"your code raised {err['type']}"
    return CheckResult(check.name, False, check.points, call, message, traceback=err.get("frames", []))


def _with_hint(result: CheckResult, check: Any, mistake: Any) -> CheckResult:
    if mistake is not None:
        result.hint, result.mistake = mistake.hint, mistake.name
    elif check.hint and result.hint != NOT_IMPLEMENTED:
        result.hint = (result.hint + " " + check.hint).strip() if result.hint else check.hint
    return result

