"""Grade a whole class: find every submission, grade them in parallel, reuse unchanged results.

Submissions are one folder per student (`alice/01_tensors.py`) or flat files
(`alice__01_tensors.py`). Each is graded by `engine.check_exercise` in a learner
process forked from a warm zygote; a broken, hanging or crashing file is a result
(status "error", score 0), never the end of the run. Unchanged submissions are taken
from the cache (`grader.classroom.cache`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from grader.classroom import gradebook
from grader.course import Course, Exercise
from grader.errors import TutorError
from grader.classroom.cache import GradeCache

LAYOUTS = (
    "Put one folder per student holding exercise files (alice/01_tensors.py or .ipynb), "
    "or files named like alice__01_tensors.py."
)


@dataclass(frozen=True)
class Submission:
    student: str
    exercise: Exercise
    path: Path
    label: str  # the path relative to the submissions folder: the gradebook never holds absolute paths


@dataclass
class Plan:
    root: Path
    out: Path
    exercises: list[Exercise]
    students: list[str] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ClassRun:
    book: dict[str, dict[str, dict]]  # student -> exercise id -> gradebook entry
    graded: int = 0
    cached: int = 0
    warnings: list[str] = field(default_factory=list)
    on_result: Callable[[Submission, dict, bool], None] | None = None

    def record(self, sub: Submission, entry: dict, cached: bool) -> None:
        self.book[sub.student][sub.exercise.id] = entry
        self.cached, self.graded = self.cached + cached, self.graded + (not cached)
        if self.on_result:
            self.on_result(sub, entry, cached)


def default_out(root: Path) -> Path:
    """`hw1/` is graded into `hw1-gradebook/` beside it: outside the submissions, one per assignment."""
    return root.parent / f"{root.name}-gradebook"


def plan(course: Course, submissions: Path, out: Path | None = None, only: str | None = None) -> Plan:
    """Every student and submission under `submissions`; usage errors as TutorError."""
    root = Path(submissions).expanduser()
    if not root.is_dir():
        raise TutorError(f"{root} is not a folder." if root.exists() else f"{root} does not exist.", hint=LAYOUTS)
    root = root.resolve()
    target = Path(out).expanduser().resolve() if out else default_out(root)
    if target == root:
        raise TutorError("The gradebook folder (--out) must not be the submissions folder itself.")
    found = discover(root, course, select(course, only), skip=target)
    found.out = target
    if not found.submissions:
        raise TutorError(f"No submissions found in {root}.", hint=LAYOUTS)
    return found


def select(course: Course, only: str | None) -> list[Exercise]:
    """The exercises to grade: those named in `only` ("01,02,nn_module"), else every one, in course order."""
    if only is None:
        return list(course.exercises)
    chosen = {course.resolve(q).id for q in only.split(",") if q.strip()}
    if not chosen:
        raise TutorError("--exercises names no exercise.", hint="For example: --exercises 01,02,03")
    return [ex for ex in course.exercises if ex.id in chosen]


def discover(root: Path, course: Course, exercises: list[Exercise], skip: Path | None = None) -> Plan:
    found = Plan(root, skip or default_out(root), exercises)
    students: set[str] = set()
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "__")) or entry.resolve() == skip:
            continue  # hidden files, __pycache__, __MACOSX, the gradebook itself
        if entry.is_dir():
            students.add(entry.name)
            for file in sorted(entry.iterdir()):
                if not file.name.startswith((".", "__")):
                    _add(found, course, entry.name, file.name, file)
            continue
        student, sep, name = entry.name.rpartition("__")
        if not (sep and student):
            found.ignored.append(entry.name)
        elif _add(found, course, student, name, entry):
            students.add(student)
    found.students = sorted(students, key=lambda s: (s.casefold(), s))
    if found.ignored:
        shown = ", ".join(found.ignored[:10]) + (f" and {len(found.ignored) - 10} more" if len(found.ignored) > 10 else "")
        found.warnings.insert(0, f"ignored {len(found.ignored)} file(s) that match no exercise: {shown}")
    return found


def _add(found: Plan, course: Course, student: str, name: str, path: Path) -> bool:
    """Record `path` as `student`'s file for the exercise it is named after; False if it names none."""
    label = path.relative_to(found.root).as_posix()
    ex = next((e for e in course.exercises if name in (f"{e.id}.py", f"{e.id}.ipynb") and path.is_file()), None)
    if ex is None:
        found.ignored.append(label + ("/" if path.is_dir() else ""))
        return False
    if ex not in found.exercises:
        return True  # an exercise left out with --exercises: skipped quietly
    twin = next((s for s in found.submissions if (s.student, s.exercise) == (student, ex)), None)
    if twin is not None:
        found.warnings.append(f"{student} has two files for {ex.id}: grading {twin.label}, not {label}")
        return True
    found.submissions.append(Submission(student, ex, path, label))
    return True


def grade_class(
    course: Course, plan: Plan, timeout: float | None = None, force: bool = False, jobs: int | None = None,
    on_result: Callable[[Submission, dict, bool], None] | None = None,
) -> ClassRun:
    """Grade every submission in `plan` (unchanged ones from the cache unless `force`); a full gradebook.

    `on_result(submission, entry, cached)` is called in this thread as each submission is done.
    """
    cache = GradeCache(plan.out, course, timeout)
    run = ClassRun({s: {} for s in plan.students}, warnings=cache.warnings, on_result=on_result)
    checks = {ex.id: cache.checks(ex) for ex in plan.exercises}
    keys = {sub: cache.key(sub) for sub in plan.submissions}
    todo = []
    for sub in plan.submissions:
        entry = None if force else cache.get(sub, keys[sub])
        if entry is None:
            todo.append(sub)
        else:
            run.record(sub, entry, cached=True)

    def done(sub: Submission, entry: dict, cacheable: bool) -> None:
        if cacheable:
            cache.put(sub, keys[sub], entry)
        run.record(sub, entry, cached=False)

    try:
        _grade_all(course, plan.root, todo, timeout, jobs, checks, done)
    finally:
        cache.save()  # an interrupted run keeps what it finished
    run.book = _complete(plan, run.book, checks)
    return run


def _grade_all(course, root: Path, todo: list[Submission], timeout, jobs, checks, done) -> None:
    """Grade `todo` on a pool of warm zygotes, one thread per zygote; `done` is called here, in order of finishing."""
    if not todo:
        return
    from grader.engine import load_reference
    from grader.isolation.pool import Pool

    for exercise in {sub.exercise for sub in todo}:
        load_reference(exercise)  # here, once, before any thread: the engine's module cache is not thread-safe

    size = max(1, min(jobs or len(os.sched_getaffinity(0)), len(todo)))
    with Pool(size) as pool, ThreadPoolExecutor(size) as threads:
        futures = {threads.submit(_grade_one, course, root, sub, timeout, pool, checks): sub for sub in todo}
        try:
            for future in as_completed(futures):
                done(futures[future], *future.result())
        except BaseException:
            threads.shutdown(wait=False, cancel_futures=True)
            raise


def _grade_one(course, root: Path, sub: Submission, timeout, pool, checks) -> tuple[dict, bool]:
    from grader.engine import check_exercise
    from grader.isolation.sandbox import Limits

    try:
        result = check_exercise(course, sub.exercise, sub.path, Limits(timeout=timeout or sub.exercise.timeout), pool=pool)
    except TutorError:
        raise  # the course itself is broken: no submission can be graded
    except Exception as exc:  # a grader failure on one file costs that file, not the run
        reason = f"{type(exc).__name__}: {exc}"
        return gradebook.failed_entry(sub.exercise.id, checks[sub.exercise.id], sub.label, reason), False
    return gradebook.entry_from_result(result, sub.label, root), True


def _complete(plan: Plan, book: dict, checks: dict) -> dict[str, dict[str, dict]]:
    """Every student and every exercise, in order; what was not handed in scores 0."""
    return {
        s: {ex.id: book[s].get(ex.id) or gradebook.missing_entry(ex.id, checks[ex.id]) for ex in plan.exercises}
        for s in plan.students
    }
