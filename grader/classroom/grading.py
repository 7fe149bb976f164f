"""Grade a whole class in parallel, reusing unchanged results.

Each submission is graded by `engine.check_exercise` in a learner process forked
from a warm zygote, on its private snapshot (the bytes read at plan time, written into
this run's own 0700 folder for the length of its check); a broken, hanging or crashing
file, or one refused at plan time, is a result (status "error", score 0), never the end
of the run. Unchanged submissions are taken from the cache (`grader.classroom.cache`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

from grader.classroom import gradebook, snapshot
from grader.classroom.cache import GradeCache
from grader.classroom.plan import Plan, Submission
from grader.course import Course
from grader.errors import TutorError


@dataclass
class ClassRun:
    book: dict[str, dict[str, dict]]  # student -> exercise id -> gradebook entry
    graded: int = 0
    cached: int = 0
    warnings: list[str] = field(default_factory=list)
    on_result: Callable[[Submission, dict, bool], None] | None = None
    cache_text: str = ""  # the cache after this run, for the gradebook to carry
    unsafe: bool = False  # graded with --unsafe-no-sandbox on a machine with no file-system boundary

    def record(self, sub: Submission, entry: dict, cached: bool) -> None:
        self.book[sub.student][sub.exercise.id] = entry
        self.cached, self.graded = self.cached + cached, self.graded + (not cached)
        if self.on_result:
            self.on_result(sub, entry, cached)


def grade_class(
    course: Course, plan: Plan, timeout: float | None = None, force: bool = False, jobs: int | None = None,
    on_result: Callable[[Submission, dict, bool], None] | None = None, unsafe: bool = False, runner=None,
) -> ClassRun:
    """Grade every submission in `plan` (unchanged ones from the cache unless `force`); a full gradebook.

    `on_result(submission, entry, cached)` is called in this thread as each submission is done. Refuses
    (a TutorError) to run learner code with no file-system boundary, unless `unsafe`. `runner(course, todo,
    timeout, checks, done, hidden)` grades elsewhere (`grader.classroom.onray`), its learner processes kept
    out of `hidden` (the submissions and the gradebook); by default, here on a warm pool.
    """
    warnings: list[str] = []
    without = require_boundary(unsafe, warnings)
    cache = GradeCache(plan.out, course, timeout, boundary=boundary_key(unsafe))
    run = ClassRun({s: {} for s in plan.students}, warnings=cache.warnings + warnings, on_result=on_result)
    run.unsafe = without
    checks = {ex.id: cache.checks(ex) for ex in plan.exercises}
    keys = {sub: cache.key(sub) for sub in plan.submissions if not sub.problem}
    todo = _known(plan, run, cache, checks, keys, force)

    def done(sub: Submission, entry: dict, cacheable: bool) -> None:
        if cacheable:
            cache.put(sub, keys[sub], entry)
        run.record(sub, entry, cached=False)

    grade = runner or partial(_grade_here, jobs=jobs)
    try:
        grade(course, todo, timeout, checks, done, (plan.root, plan.out))
    finally:
        cache.save()  # into the previous gradebook: a run interrupted here or while writing keeps what it finished
    run.cache_text = cache.text()
    run.book = _complete(plan, run.book, checks)
    return run


def require_boundary(unsafe: bool, warnings: list[str]) -> bool:
    """True when grading goes ahead without a file-system boundary (allowed only when `unsafe`)."""
    from grader.isolation.backend import detect, file_system_wall

    layers = detect()
    if file_system_wall(layers):  # Landlock on Linux, Seatbelt on macOS
        return False
    why = layers.why_missing("landlock") or "not supported here"
    if not unsafe:
        raise TutorError(
            f"This machine has no file-system boundary around learner code (Landlock or Seatbelt; Landlock: {why}), so a submission "
            "could read the reference solutions, other students' files and the gradebook.",
            hint="Grade on Linux 5.13 or newer with Landlock enabled, or on macOS (Seatbelt); `pytorch-tutor doctor` shows what is missing; "
                 "or pass --unsafe-no-sandbox to grade anyway; the gradebook then says so.")
    warnings.append(f"graded with --unsafe-no-sandbox: no file-system boundary (Landlock: {why})")
    return True


def boundary_key(unsafe: bool) -> dict:
    """What the learner's code is graded behind, for the cache's keys: the layers in force here and
    whether --unsafe-no-sandbox was given."""
    from grader.isolation.boundary import detect

    return {"layers": sorted(detect().in_force), "unsafe_no_sandbox": bool(unsafe)}


def _known(plan: Plan, run: ClassRun, cache: GradeCache, checks: dict, keys: dict, force: bool) -> list[Submission]:
    """Record the submissions refused at plan time (never run, never cached) and those the cache
    knows (unless `force`); the rest, to grade."""
    todo = []
    for sub in plan.submissions:
        if sub.problem:
            run.record(sub, gradebook.rejected_entry(sub.exercise.id, checks[sub.exercise.id], sub.label, sub.problem),
                       cached=False)
            continue
        entry = None if force else cache.get(sub, keys[sub])
        if entry is None:
            todo.append(sub)
        else:
            run.record(sub, entry, cached=True)
    return todo


def _grade_here(course, todo: list[Submission], timeout, checks, done, hidden: tuple, jobs) -> None:
    """The default runner: `todo` graded on this machine, from snapshots in a private folder of this run's."""
    with snapshot.private_folder() as private:
        _grade_all(course, private, (private, *hidden), todo, timeout, jobs, checks, done)


def _grade_all(course, private: Path, hidden: tuple, todo: list[Submission], timeout, jobs, checks, done) -> None:
    """Grade `todo` on a pool of warm zygotes, one thread per zygote; `done` is called here, in order of finishing."""
    if not todo:
        return
    from grader.isolation import torchsetup
    from grader.judging.reference import load_reference
    from grader.isolation.backend import Pool, cores

    torchsetup.prepare()  # as in every grading process (one thread): the references agree with the learner's side
    for exercise in {sub.exercise for sub in todo}:
        load_reference(exercise)  # here, once, before any thread: the engine's module cache is not thread-safe

    size = max(1, min(jobs or cores(), len(todo)))
    with Pool(size) as pool, ThreadPoolExecutor(size) as threads:
        futures = {threads.submit(grade_one, course, private, hidden, n, sub, timeout, pool, checks): sub
                   for n, sub in enumerate(todo)}
        try:
            for future in as_completed(futures):
                done(futures[future], *future.result())
        except BaseException:
            threads.shutdown(wait=False, cancel_futures=True)
            raise


def grade_one(course, private: Path, hidden: tuple, index: int, sub: Submission, timeout, pool, checks) -> tuple[dict, bool]:
    """Grade the snapshot of `sub` (written to `private/index/` only while it is graded); the learner's
    process may not read `hidden` (the snapshots, the submissions, the gradebook)."""
    from grader.isolation.sandbox import Limits

    limits = Limits(timeout=timeout or sub.exercise.timeout)
    try:  # the student's jobs on processes that never ran another student's (`Pool.tenant`)
        entry, _ = grade_snapshot(course, sub.exercise, private, hidden, index, sub.rel, sub.label, sub.data, limits,
                                  pool.tenant(sub.student))
    except TutorError:
        raise  # the course itself is broken: no submission can be graded
    except Exception as exc:  # a grader failure on one file costs that file, not the run
        return failed_snapshot(private, index, sub.exercise.id, checks[sub.exercise.id], sub.label, exc), False
    return entry, True


def grade_snapshot(course, exercise, private: Path, hidden: tuple, index: int, rel: str, label: str, data: bytes,
                   limits, pool) -> tuple[dict, str]:
    """Grade the bytes `data` as `rel`, written to `private/index/` only while they are graded: the gradebook
    entry, and what the learner's code printed (raw). Raises what the engine raises."""
    from grader.engine import check_exercise

    with snapshot.materialised(private, index, rel, data) as copy:
        result = check_exercise(course, exercise, copy, limits, pool=pool, private=hidden)
    return gradebook.entry_from_result(result, label, private / str(index)), result.output


def failed_snapshot(private: Path, index: int, exercise_id: str, checks: list, label: str, exc: Exception) -> dict:
    """The entry of a file the grader itself failed on (`exc`), its snapshot's path taken out of the reason."""
    reason = gradebook.scrubber(private / str(index))(f"{type(exc).__name__}: {exc}")
    return gradebook.failed_entry(exercise_id, checks, label, reason)


def _complete(plan: Plan, book: dict, checks: dict) -> dict[str, dict[str, dict]]:
    """Every student and every exercise, in order; what was not handed in scores 0."""
    return {
        s: {ex.id: book[s].get(ex.id) or gradebook.missing_entry(ex.id, checks[ex.id]) for ex in plan.exercises}
        for s in plan.students
    }
