"""Prove that an exercise is sound, like `rustlings dev check` or `nbgrader validate`.

An exercise is sound when: its declarations load and name things that exist;
names are unique; there are at least three progressive hints; the stub has a
TODO; the reference passes every check, twice, with the same result; the
untouched stub fails every check; and every known-mistake variant fails at
least one check and is recognised there by its own hint. Each problem names
the file and the declaration at fault.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from grader.course import Course, Exercise
from grader.errors import TutorError

MIN_HINTS = 3


@dataclass(frozen=True)
class Problem:
    exercise: str
    file: str
    declaration: str
    message: str

    def text(self) -> str:
        where = f"{self.file}" + (f" ({self.declaration})" if self.declaration else "")
        return f"{where}: {self.message}"


def validate_exercise(course: Course, exercise: Exercise, pool=None) -> list[Problem]:
    from grader.engine import load_reference

    problem = lambda file, decl, msg: Problem(exercise.id, str(file), decl, msg)  # noqa: E731
    try:
        checks, reference = load_reference(exercise)
    except TutorError as exc:
        return [problem(exercise.checks, "", exc.message)]
    found = _static_problems(exercise, checks, reference, problem)
    if found:
        return found  # grading declarations that name missing things would only repeat the problem
    found += _reference_problems(course, exercise, checks, pool, problem)
    found += _stub_problems(course, exercise, pool, problem)
    found += _mistake_problems(checks, reference, problem, exercise)
    return found


def _static_problems(exercise: Exercise, checks: Any, reference: Any, problem) -> list[Problem]:
    from grader.judging.hints import progressive_hints

    found = []
    if len(progressive_hints(exercise.checks)) < MIN_HINTS:
        found.append(problem(exercise.checks, "HINTS", f"needs at least {MIN_HINTS} hints, from a nudge to nearly the answer"))
    for kind, items in (("CHECKS", checks.CHECKS), ("MISTAKES", checks.MISTAKES)):
        names = [item.name for item in items]
        for name in sorted({n for n in names if names.count(n) > 1}):
            found.append(problem(exercise.checks, f"{kind} {name!r}", "the name is used more than once"))
    for check in checks.CHECKS:
        if not hasattr(reference, check.target):
            found.append(problem(exercise.solution, f"CHECKS {check.name!r}", f"target `{check.target}` is not defined in the reference"))
    for mistake in checks.MISTAKES:
        for name in mistake.replace:
            if not hasattr(reference, name):
                found.append(problem(exercise.checks, f"MISTAKES {mistake.name!r}", f"replaces `{name}`, which the reference does not define"))
    if not exercise.stub.is_file():
        found.append(problem(exercise.stub, "", "the stub is missing"))
    elif "TODO" not in exercise.stub.read_text(encoding="utf-8"):
        found.append(problem(exercise.stub, "", "the stub has no `# TODO` telling the learner what to write"))
    return found


def _reference_problems(course: Course, exercise: Exercise, checks: Any, pool, problem) -> list[Problem]:
    from grader.engine import check_exercise

    first = check_exercise(course, exercise, exercise.solution, pool=pool)
    if first.status == "error":
        return [problem(exercise.solution, "", f"the reference cannot be graded: {first.message}")]
    found = [
        problem(exercise.solution, f"CHECKS {c.name!r}", f"the reference fails its own check: {c.message}")
        for c in first.checks
        if not c.passed
    ]
    second = check_exercise(course, exercise, exercise.solution, pool=pool)
    if _comparable(first) != _comparable(second):
        found.append(problem(exercise.checks, "CHECKS", "grading is not deterministic: two runs of the reference differ"))
    return found


def _stub_problems(course: Course, exercise: Exercise, pool, problem) -> list[Problem]:
    from grader.engine import check_exercise

    result = check_exercise(course, exercise, exercise.stub, pool=pool)
    if result.status == "error":
        return [problem(exercise.stub, "", f"the untouched stub cannot be graded: {result.message}")]
    return [
        problem(exercise.stub, f"CHECKS {c.name!r}", "the untouched stub passes this check; it must fail until the learner writes code")
        for c in result.checks
        if c.passed
    ]


def _mistake_problems(checks: Any, reference: Any, problem, exercise: Exercise) -> list[Problem]:
    """Every mistake must fail a check and be recognised there by its own hint (in this trusted process)."""
    from grader.engine import reference_outcomes
    from grader.judging.verdict import MistakeBook, judge

    expected = reference_outcomes(exercise)[2]
    book = MistakeBook(reference, checks.MISTAKES)
    found = []
    for mistake in checks.MISTAKES:
        verdicts = [judge(c, expected[c.name], book.raw_outcomes(mistake, c), book) for c in checks.CHECKS]
        failing = [v for v in verdicts if not v.passed]
        decl = f"MISTAKES {mistake.name!r}"
        if not failing:
            found.append(problem(exercise.checks, decl, "is not detected: the variant passes every check"))
        elif not any(v.mistake == mistake.name and v.hint == mistake.hint for v in failing):
            others = sorted({v.mistake for v in failing if v.mistake})
            why = f"it is taken for {', '.join(others)} (declared earlier)" if others else "it gets the generic hint"
            found.append(problem(exercise.checks, decl, f"fails, but never with its own hint: {why}"))
    return found


def _comparable(result: Any) -> list[dict]:
    return [asdict(c) for c in result.checks]
