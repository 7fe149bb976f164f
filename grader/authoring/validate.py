"""Prove exercises sound, like `rustlings dev check` or `nbgrader validate`.

An exercise is sound when its declarations load and name things that exist; every
function has a hint ladder; the stub has a TODO; cases do not depend on the global
random state at import; the reference passes every check, twice alike, and along every
grading path (warm pool, cold check, grade, notebook) with the same verdicts; the
untouched stub fails every check; every correct-style file passes; and every known
mistake fails at least one check with its own hint, both when the trusted side runs it
and when its file is graded as a learner's; and the exercise clears the course's bar
(`grader.authoring.bar`: enough mistakes and styles, a stub that states what it forbids, an
up-to-date README row). Each problem names the file and declaration; warnings (a check with
no hint=) are shown without making the exercise unsound.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.authoring import bar, paths, soundness
from grader.course import Course, Exercise
from grader.errors import TutorError


@dataclass(frozen=True)
class Problem:
    exercise: str
    file: str
    declaration: str
    message: str
    warning: bool = False  # pointed out, but the exercise is still sound

    def text(self) -> str:
        where = f"{self.file}" + (f" ({self.declaration})" if self.declaration else "")
        return f"{where}: {self.message}"


def unsound(problems: list[Problem]) -> list[Problem]:
    """The problems that make an exercise unsound (not the warnings)."""
    return [p for p in problems if not p.warning]


def validate_exercises(course: Course, exercises: list[Exercise], pool,
                       every_path: bool = True) -> dict[str, list[Problem]]:
    """Problems per exercise id (an empty list: sound). `every_path`: also grade along the cold,
    grade and notebook paths (the slow part)."""
    warm: dict[str, list] = {ex.id: [] for ex in exercises}  # the reference's first result on the pool: the warm path's
    found = {ex.id: _one(course, ex, pool, warm[ex.id]) for ex in exercises}
    sound = [ex for ex in exercises if not unsound(found[ex.id])]
    if every_path and sound:
        for ex_id, problems in _path_problems(course, sound, pool, warm).items():
            found[ex_id] += problems
    return found


def validate_exercise(course: Course, exercise: Exercise, pool=None, every_path: bool = True) -> list[Problem]:
    return validate_exercises(course, [exercise], pool, every_path)[exercise.id]


def _one(course: Course, exercise: Exercise, pool, warm: list) -> list[Problem]:
    from grader.judging.reference import load_reference

    problem = lambda file, decl, msg: Problem(exercise.id, str(file), decl, msg)  # noqa: E731
    warn = lambda file, decl, msg: Problem(exercise.id, str(file), decl, msg, warning=True)  # noqa: E731
    try:
        checks, reference = load_reference(exercise)
        static = soundness.static_problems(exercise, checks, reference, problem)
    except TutorError as exc:
        return [problem(exercise.checks, "", exc.message)]
    barred = bar.bar_problems(course, exercise, checks, problem) + bar.warnings(exercise, checks, warn)
    if static:
        return static + barred  # grading declarations that name missing things would only repeat the problem
    found = barred + soundness.case_problems(exercise, problem)
    found += soundness.reference_problems(course, exercise, checks, pool, problem, warm)
    found += soundness.stub_problems(course, exercise, pool, problem)
    found += soundness.style_problems(course, exercise, pool, problem)
    found += soundness.mistake_problems(course, exercise, checks, pool, problem)
    return found


def _path_problems(course: Course, exercises: list[Exercise], pool, warm: dict[str, list]) -> dict[str, list[Problem]]:
    """The reference graded along every path (the warm pool's: its first grading, in `warm`); a problem wherever
    two paths disagree on a check."""
    pairs = [(ex, ex.solution) for ex in exercises]
    by_path = {"cold check": paths.cold(course, pairs), "grade": paths.grade(course, pairs)}
    found: dict[str, list[Problem]] = {ex.id: [] for ex in exercises}
    for ex in exercises:
        views = {"warm pool": paths.verdicts(warm[ex.id][0].checks), "notebook": paths.notebook(course, ex, ex.solution, pool)}
        views.update({name: results[ex.id] for name, results in by_path.items()})
        found[ex.id] = _disagreements(ex, views)
    return found


def _disagreements(exercise: Exercise, views: dict[str, paths.Verdicts]) -> list[Problem]:
    problems = []
    base_name, base = "warm pool", dict((n, (p, m)) for n, p, m in views["warm pool"])
    for name, verdicts in views.items():
        for check, passed, message in verdicts:
            if not passed:
                seen = f"; on the {base_name} path it {'passed' if base.get(check, (False,))[0] else 'failed too'}"
                problems.append(Problem(exercise.id, str(exercise.solution), f"CHECKS {check!r}",
                                        f"the reference fails along the {name} path: {message}{seen}"))
    return problems
