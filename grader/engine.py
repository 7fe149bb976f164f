"""Grade one exercise: start the learner's process, compute the reference in
this (trusted) process meanwhile, then decide.

The learner's process is forked from a warm zygote (`pool`), or, for a single
cold check, from this process right after it imports torch (`grader.isolation.forked`),
so a check costs one torch import plus its own compute.
"""

from __future__ import annotations

import signal
import tempfile
import threading
from pathlib import Path
from types import ModuleType

from grader.isolation import torchsetup
from grader.course import Course, Exercise
from grader.errors import TutorError
from grader.judging.loader import checks_module_name, load_module, reference_module_name
from grader.submission.cells import frame_location
from grader.submission.notebook import as_python
from grader.results import ERROR, FAILED, PASSED, CheckResult, ExerciseResult
from grader.isolation.sandbox import Finished, Limits, Worker

MAX_PAYLOAD = 256 * 2**20
_modules: dict[tuple[str, float], ModuleType] = {}
_expected: dict[tuple[int, int], dict] = {}
_TRUSTED = threading.RLock()  # the trusted side seeds process-wide RNGs before each case


def check_exercise(
    course: Course,
    exercise: Exercise,
    file: Path | None = None,
    limits: Limits | None = None,
    mistake: str = "",
    pool=None,
) -> ExerciseResult:
    """Grade `file` (default: the learner's stub) for `exercise`. Failing code is a result, not an error.

    With a `grader.isolation.pool.Pool`, the learner's process is forked from a warm zygote instead of started cold.
    """
    learner = Path(file) if file else exercise.stub
    limits = limits or Limits(timeout=exercise.timeout)
    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-") as tmp, as_python(learner) as script:  # .ipynb: its code as .py
        out = Path(tmp) / "outcomes.pt"
        private = [str(exercise.solution.parent), tmp, str(course.state_dir)]  # learner code may not open these
        job = {"learner": str(script.path.resolve()), "checks": str(exercise.checks), "out": str(out), "mistake": mistake}
        job["private"] = private
        worker = pool.start(job, Path(tmp), limits) if pool else _cold_worker(job, Path(tmp), limits)
        try:
            checks, reference, expected = reference_outcomes(exercise)
            finished = worker.wait()
        except BaseException:  # a broken course file, or Ctrl-C: end the learner's side too
            worker.kill()
            raise
        payload = script.map_back(read_payload(out), finished)  # notebook frames point at cells
    with _TRUSTED:  # seeds process-wide RNGs: one thread at a time (check --all, grade)
        result = decide(exercise, checks, reference, expected, payload, finished, limits)
    result.file, result.elapsed = str(learner), round(finished.elapsed, 3)
    script.annotate(result)
    return result


def _cold_worker(job: dict, job_dir: Path, limits: Limits):
    """Fork the learner's side from here once torch is imported (one import, not two in parallel) when
    that is safe; otherwise start a fresh worker process."""
    from grader.isolation.forked import ForkedWorker, may_fork

    if may_fork():
        return ForkedWorker(job, job_dir, limits)
    return Worker(job, job_dir, limits)


def reference_outcomes(exercise: Exercise) -> tuple[ModuleType, ModuleType, dict]:
    """The checks, the reference, and the reference's outcomes (computed once per loaded version)."""
    from grader.judging.probe import run_checks

    with _TRUSTED:
        checks, reference = load_reference(exercise)
        key = (id(checks), id(reference))
        if key not in _expected:
            _expected[key] = run_checks(checks.CHECKS, reference)
        return checks, reference, _expected[key]


def load_reference(exercise: Exercise) -> tuple[ModuleType, ModuleType]:
    """The checks module and the reference solution, loaded here (never in the learner's process)."""
    torchsetup.prepare()
    checks = _load(exercise.checks, checks_module_name(exercise.checks))
    for name in ("CHECKS", "MISTAKES"):
        if not isinstance(getattr(checks, name, None), list):
            raise TutorError(f"{exercise.checks} must define {name} as a list.")
    return checks, _load(exercise.solution, reference_module_name(exercise.name))


def _load(path: Path, name: str) -> ModuleType:
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        raise TutorError(f"The course file {path} is missing.") from None
    if key not in _modules:
        try:
            _modules[key] = load_module(path, name)
        except Exception as exc:
            raise TutorError(f"The course file {path} is broken: {type(exc).__name__}: {exc}") from None
    return _modules[key]


def read_payload(out: Path) -> dict | None:
    """The learner process's outcomes, decoded without running any code (weights_only)."""
    import torch

    try:
        if out.stat().st_size > MAX_PAYLOAD:
            return None
        payload = torch.load(out, weights_only=True)
    except Exception:
        return None
    return payload if type(payload) is dict else None


def decide(exercise, checks, reference, expected, payload, finished: Finished, limits: Limits) -> ExerciseResult:
    from grader.judging.verdict import MistakeBook, judge

    result = ExerciseResult(exercise.id, exercise.title, FAILED, output=_output(finished))
    if payload is None or not (payload.get("complete") or "import_error" in payload):
        return _not_graded(result, checks, _stopped_reason(finished, limits), _stopped_hint(finished))
    if "import_error" in payload:
        err = payload["import_error"]
        where = f", {frame_location(err['frames'][-1])}" if err.get("frames") else ""
        result.traceback = err.get("frames", [])
        message = f"your file cannot be graded yet: {err['type']}{where}: {err['message']}"
        return _not_graded(result, checks, message, "Fix this error first; the traceback shows where it is.")
    book = MistakeBook(reference, checks.MISTAKES)
    outcomes = payload.get("outcomes", {})
    result.checks = [judge(c, expected[c.name], list(outcomes.get(c.name, [])), book) for c in checks.CHECKS]
    result.status = PASSED if all(c.passed for c in result.checks) else FAILED
    return result


def _not_graded(result: ExerciseResult, checks, message: str, hint: str) -> ExerciseResult:
    result.status, result.message, result.hint = ERROR, message, hint
    result.checks = [CheckResult(c.name, False, c.points, c.target, message) for c in checks.CHECKS]
    return result


def _stopped_reason(f: Finished, limits: Limits) -> str:
    where = f" (it was at {f.last_frame})" if f.last_frame else ""
    if f.timed_out:
        return f"time limit: your code was still running after {limits.timeout:g} s{where}"
    if f.out_of_memory:
        return f"memory limit: your code used more than {limits.memory_bytes / 2**30:g} GiB of memory{where}"
    if f.too_many_processes:
        return f"process limit: your code started more than {limits.max_processes} processes"
    if f.returncode is not None and f.returncode < 0:
        try:
            name = signal.Signals(-f.returncode).name
        except ValueError:
            name = f"signal {-f.returncode}"
        return f"your code crashed ({name}) before the checks finished{where}"
    return f"your code exited (exit status {f.returncode}) before the checks finished"


def _stopped_hint(f: Finished) -> str:
    if f.timed_out:
        return "Look for a loop that never ends, a very large computation, or input() waiting for typing."
    if f.out_of_memory:
        return "Look for tensors or lists that keep growing; keep only what you need."
    return "Don't call sys.exit(), os._exit() or kill the process in your exercise code."


def _output(f: Finished) -> str:
    text = f.stdout + (("\n" if f.stdout and f.stderr else "") + f.stderr)
    if f.dropped_bytes:
        text += f"\n[... {f.dropped_bytes:,} more bytes of output were not kept]"
    return text
