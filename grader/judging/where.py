"""The engine's part of "where your values first differ" (issue 27): which failing checks to trace,
the learner's trace job, the correct computations' traces of the same cases (cached), and the
pointer set on each failing CheckResult (`differs_at`).

Only checks that failed on values (values, shape, dtype or length; gradients included) are traced,
the first such check of each function, on its first failing case, in one job of the same kind as
the learner's own (a passing check costs nothing). What the job sends is validated by `grader.judging.trace_schema`; a trace that
cannot be read, or a job that fails, only means no pointer: the verdict is already decided.
"""

from __future__ import annotations

from typing import Any

from grader import interrupts
from grader.judging.channel import Unreadable
from grader.judging.compare import compare
from grader.judging.correct import Correct
from grader.judging.blame import SETTING, describe
from grader.judging.pointer import correct_trace, first_difference
from grader.judging.pointer_settings import setting_difference
from grader.judging.trace_schema import MAX_TRACED, receive

VALUE_KINDS = {"values", "shape", "dtype", "length"}
MAX_CACHED = 64  # cases whose correct values are kept
_correct: dict[tuple, Correct] = {}
_styles: dict[tuple, Any] = {}


def wanted(checks: list, expected: dict, outcomes: dict) -> dict[str, int]:
    """{check name: its first failing case} for the first check of each target that failed on values
    (at most MAX_TRACED: one pointer per function is enough to start from, and each costs a traced run)."""
    found: dict[str, int] = {}
    targets = set()
    for check in checks:
        if check.target in targets:
            continue
        got = outcomes.get(check.name, [])
        for i, exp in enumerate(expected.get(check.name, [])):
            mine = got[i] if i < len(got) else {}
            if "value" not in exp or "value" not in mine or mine.get("forbidden"):
                break
            mismatch = compare(exp["value"], mine["value"], tol=check.tolerance)
            if mismatch is not None:
                if mismatch.kind in VALUE_KINDS:
                    found[check.name] = i
                    targets.add(check.target)
                break
        if len(found) == MAX_TRACED:
            break
    return found


def point(pool, request: dict, exercise, checks: list, expected: dict, outcomes: dict, results: list, source,
          limits) -> None:
    """Set `differs_at` on each failing result whose values first differ at a line that can be named.
    `source` is (the lines of the learner's file as graded, locate(line) -> (cell label or "", line))."""
    from grader.judging.reference import TRUSTED

    cases = wanted(checks, expected, outcomes)
    if not cases:
        return
    by_name = {c.name: c for c in checks}
    job = pool.start({**request, "trace": cases}, b"", limits)
    try:
        with TRUSTED:  # seeds process-wide RNGs, like every trusted run
            correct = _correct_or_none(exercise, by_name, cases)
        interrupts.raise_if_noted()
        finished = job.wait()
    except BaseException:
        job.kill()
        raise
    if correct is not None:
        try:
            mark(results, by_name, correct, finished.results, cases, source)
        except Exception:  # the pointer is extra: whatever goes wrong finding it, the verdict stands without it
            pass


def _correct_or_none(exercise, by_name: dict, cases: dict) -> dict | None:
    try:
        return {name: correct_values(exercise, by_name[name], index) for name, index in cases.items()}
    except Exception:  # a course file that cannot be traced (validate reports broken ones): no pointer
        return None


def mark(results: list, by_name: dict, correct: dict, data: bytes, cases: dict, source, why: dict | None = None) -> None:
    """`differs_at` on each failing result of `cases` from the trace job's `data`; `why` (for the accuracy
    script) gets each check's reason for no pointer."""
    lines, locate = source
    why = {} if why is None else why
    try:
        traces = receive(data, cases, len(lines))
    except Unreadable as exc:
        why.update({name: f"trace unreadable: {exc}" for name in cases})
        return
    failing = {r.target for r in results if not r.passed}
    passing = {r.target for r in results if r.passed and r.target} - failing
    checked = {r.target for r in results if r.target}
    for result in results:
        trace = traces.get(result.name)
        if trace is None or result.passed:
            continue
        why[result.name] = {}
        found = first_difference(trace, correct[result.name], tolerance(by_name[result.name]), why[result.name])
        why[result.name] = why[result.name].get("reason", "")
        k = setting_difference(trace, correct[result.name], failing, None if found is None else found[0])
        if k is not None:
            why[result.name] = ""  # a setting no correct computation chose, made before any wrong value
            result.differs_at = describe(k, [], {"ops": trace["settings"]}, lines, locate, passing, checked, SETTING)
        elif found is not None:
            result.differs_at = describe(*found, trace, lines, locate, passing, checked)


def tolerance(check: Any) -> tuple[float | None, float | None]:
    """The loosest tolerances the check declares anywhere (intermediate values may round more than results)."""
    pairs = [(check.rtol, check.atol), *getattr(check, "tolerances", {}).values()]
    rtols = [r for r, _ in pairs if r is not None]
    atols = [a for _, a in pairs if a is not None]
    return (max(rtols) if rtols else None), (max(atols) if atols else None)


def correct_values(exercise, check: Any, index: int) -> Correct:
    """What the reference and every correct style compute on case `index` of `check` (cached per version)."""
    from grader.judging.reference import load_reference

    checks, reference = load_reference(exercise)
    styles = tuple((p, p.stat().st_mtime) for p in exercise.styles)
    key = (id(checks), id(reference), styles, check.name, index)
    if key not in _correct:
        solution = str(exercise.solution)
        traces = [correct_trace(check, reference, index, [solution])]
        for path, mtime in styles:
            module = _style(exercise, path, mtime)
            if module is not None:
                traces.append(correct_trace(check, module, index, [solution, str(path)]))
        if len(_correct) >= MAX_CACHED:  # a long `watch` or `grade`: keep the newest
            _correct.pop(next(iter(_correct)))
        _correct[key] = Correct(traces)
    return _correct[key]


def _style(exercise, path, mtime: float):
    """A correct style as its own namespace (the reference's, with the style's definitions on top)."""
    from grader.judging.mistakes import MistakeFile, load_mistake

    key = (str(path), mtime)
    if key not in _styles:
        try:
            _styles[key] = load_mistake(MistakeFile(path.stem, path, ""), exercise.solution, f"{exercise.id}_style")
        except Exception:  # a broken style is validate's to report
            _styles[key] = None
    return _styles[key]
