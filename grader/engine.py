"""Grade one exercise: start the learner's process, compute the reference in this (trusted)
process meanwhile, then decide from validated data alone.

The learner's process is forked by a keeper: a warm zygote of a pool, or for a single
cold check a one-job keeper forked from this process right after it imports torch
(`grader.isolation.forked`). It gets a private copy of the submission's source and the
exercise's checks module, nothing else of the course. What comes back is read as data
(`grader.judging.channel`), validated field by field (`grader.judging.schema`), and
compared here; a check's transform of learner data runs in a second bounded job.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from grader import boundedjson, interrupts
from grader.course import Course, Exercise
from grader.isolation import backend, inflight
from grader.isolation.sandbox import Finished, Limits
from grader.judging import channel, schema
from grader.judging.channel import Unreadable
from grader.judging.reference import TRUSTED, LazyBook, cached_outcomes, reference_outcomes
from grader.judging.stopped import limit_hit, stopped_hint, stopped_reason
from grader.judging.verdict import judge_all
from grader.results import ERROR, FAILED, PASSED, CheckResult, ExerciseResult
from grader.submission.cells import frame_location
from grader.submission.notebook import Script, read_script
from grader.text import clean_block

_PARSING = threading.Lock()
_LAYERS = boundedjson.Limits(size=65536, nodes=256, depth=4, string=8192)  # the layers report (learner-side bytes)


def check_exercise(course: Course, exercise: Exercise, file: Path | None = None, limits: Limits | None = None,
                   pool=None, private: tuple = (), point: bool = True, cache: Path | None = None,
                   meanwhile: Callable[[], None] | None = None) -> ExerciseResult:
    """Grade `file` (default: the learner's stub) for `exercise`. Failing code is a result, not an error.

    With a `grader.isolation.pool.Pool`, its warm zygotes run the jobs; without one, a keeper of our
    own is forked now, before any course code is loaded, and serves this check's jobs. `private`:
    more folders the learner's process must not read (class grading's submissions and gradebook).
    `point=False`: no "where your values first differ" (validate, which judges only the verdicts). `cache`: a
    folder of reference outcomes on disk (`grader.judging.refcache`), for a process that grades once.
    `meanwhile`: what the caller will need next (its output's imports), run while the learner's code runs."""
    learner = Path(file) if file else exercise.stub
    limits = limits or Limits(timeout=exercise.timeout)
    script = read_script(learner)  # a private copy, read once: later changes to the file do not count
    harden()
    with inflight.turn():  # the results this check holds count toward a cap shared by every thread (`grade`'s workers)
        if pool is not None:
            return _check(course, exercise, script, limits, pool, private, point, cache, meanwhile)
        with backend.cold_pool(exercise.preload) as own:  # Linux: forked here, after torch's import and before any course code
            return _check(course, exercise, script, limits, own, private, point, cache, meanwhile)


def _check(course: Course, exercise: Exercise, script: Script, limits: Limits, pool, private: tuple,
           point: bool = True, cache: Path | None = None, meanwhile=None) -> ExerciseResult:
    job = pool.start(learn_request(course, exercise, script, limits, private), b"", limits)
    try:
        checks, expected = cached_outcomes(exercise, cache) if cache else reference_outcomes(exercise)[0::2]
        if meanwhile is not None:
            meanwhile()
        interrupts.raise_if_noted()  # a Ctrl-C dropped while the reference ran (grader.interrupts)
        finished = job.wait()
    except BaseException:  # a broken course file, or Ctrl-C: end the learner's side too
        job.kill()
        raise
    layers, payload, problem = receive(finished, checks)
    if payload is not None and "outcomes" in payload:
        payload, problem = _inspected(pool, exercise, checks, payload, limits)
    if payload is not None:
        script.map_back(payload, finished, str(Path(layers.get("writable", "")) / script.job_name))
    with TRUSTED:  # seeds process-wide RNGs: one thread at a time (check --all, grade)
        result = decide(exercise, checks, expected, payload, problem, finished, limits)
    if point and payload is not None and "outcomes" in payload and result.status == FAILED:
        _point(pool, learn_request(course, exercise, script, limits, private), exercise, checks, expected, payload,
               result, script, limits)
    result.file, result.elapsed, result.isolation = str(script.path), round(finished.elapsed, 3), layers.get("in_force", [])
    script.annotate(result)
    return result


def _point(pool, request: dict, exercise: Exercise, checks, expected: dict, payload: dict, result: ExerciseResult,
           script: Script, limits: Limits) -> None:
    """Where the learner's values first differ, on each check that failed on values (grader.judging.where)."""
    from grader.judging.where import point
    from grader.submission.cells import split_lines

    source = split_lines(script.source), (script.locate if script.segments else lambda n: ("", n))
    point(pool, request, exercise, checks.CHECKS, expected, payload["outcomes"], result.checks, source, limits)


_hardened = False


def harden() -> None:
    """Once per trusted process: not dumpable (a learner process of the same uid cannot read its memory
    or ptrace it), and a subreaper (orphans of its keepers are its to kill)."""
    global _hardened
    if not _hardened:
        backend.harden_trusted()
        _hardened = True


def learn_request(course: Course, exercise: Exercise, script: Script, limits: Limits, more: tuple = ()) -> dict:
    private = [str(exercise.folder.parent), str(course.state_dir), str(script.path.resolve().parent), *map(str, more)]
    return {"kind": "learn", "exercise": exercise.id, "checks": str(exercise.checks), "source": script.source,
            "filename": script.job_name, "limits": vars(limits), "forbidden": private}


def receive(finished: Finished, checks) -> tuple[dict, dict | None, str]:
    """(the layers report, the validated payload or None, why it is None)."""
    message, finished.results = finished.results, b""  # read once, here: not kept beside what is read from it
    try:
        parts = channel.frames(message, 3)
        layers = _layers(parts[0]) if parts else {}
    except Unreadable:
        parts, layers = [], {}
    if finished.results_dropped:  # the last frame was cut off where the keeper stopped keeping
        return layers, None, "your code's results were larger than the grader accepts"
    if not layers:
        return {}, None, ""
    if len(parts) < 3:
        return layers, None, ""  # it stopped before reporting: the Finished says why
    try:
        with _PARSING:  # `grade`'s workers parse one job's results at a time: their objects are bounded once, not per worker
            document, tensors = channel.unpack(parts[1], parts[2])
            del parts, message
            return layers, schema.payload(document, tensors, {c.name: c.case_count() for c in checks.CHECKS}), ""
    except Unreadable as exc:
        return layers, None, f"your code's results could not be read: {exc}"


def _layers(data: memoryview) -> dict:
    try:
        found = boundedjson.loads(data, _LAYERS)
    except ValueError:
        raise Unreadable("the layers report is not JSON or too large") from None
    names = found.get("in_force") if type(found) is dict else None
    if type(names) is not list or not all(type(n) is str and len(n) < 40 for n in names) or len(names) > 20:
        raise Unreadable("the layers report is malformed")
    writable = found.get("writable")
    return {"in_force": names, "writable": writable if type(writable) is str else ""}


def _inspected(pool, exercise: Exercise, checks, payload: dict, limits: Limits) -> tuple[dict | None, str]:
    """The payload with each transformed check's outcomes replaced by its transform's, computed in a
    bounded job under the same boundary (a transform may read what the learner made)."""
    wanted = [c for c in checks.CHECKS if c.transform is not None]
    if not wanted:
        return payload, ""
    subset = {"complete": True, "outcomes": {c.name: payload["outcomes"].get(c.name, []) for c in wanted}}
    request = {"kind": "inspect", "exercise": exercise.id, "checks": str(exercise.checks), "filename": "input.bin",
               "limits": vars(limits), "forbidden": [str(exercise.folder.parent)]}
    finished = pool.start(request, channel.pack(subset), limits).wait()
    _, inspected, problem = receive(finished, checks)
    if inspected is None:
        return None, problem or f"your code's results could not be inspected ({stopped_reason(finished, limits)})"
    return {**payload, "outcomes": {**payload["outcomes"], **inspected["outcomes"]}}, ""


def decide(exercise: Exercise, checks, expected: dict, payload: dict | None, problem: str, finished: Finished,
           limits: Limits) -> ExerciseResult:
    result = ExerciseResult(exercise.id, exercise.title, FAILED, output=_output(finished))
    if payload is None:
        reason = problem or stopped_reason(finished, limits)
        result.limit = "" if problem else limit_hit(finished)
        return _not_graded(result, checks, reason, stopped_hint(finished) if not problem else "")
    if "import_error" in payload:
        err = payload["import_error"]
        where = f", {frame_location(err['frames'][-1])}" if err["frames"] else ""
        result.traceback = err["frames"]
        message = f"your file cannot be graded yet: {err['type']}{where}: {err['message']}"
        if err["type"] == "BlockingIOError" and err["message"].startswith("[Errno 11]"):  # fork() past RLIMIT_NPROC
            message = f"process limit: your code started more than {limits.max_processes} processes ({message[30:]})"
        return _not_graded(result, checks, message, _fix_first(err["frames"]))
    result.checks = judge_all(checks.CHECKS, expected, payload["outcomes"], LazyBook(exercise))
    result.status = PASSED if all(c.passed for c in result.checks) else FAILED
    return result


def _fix_first(frames: list) -> str:
    if not frames:
        return "Fix this error first, then check again."
    file, line = frames[-1][0], frames[-1][1]
    return f"Fix this error first: it is on line {line} of {Path(str(file)).name}."


def _not_graded(result: ExerciseResult, checks, message: str, hint: str) -> ExerciseResult:
    result.status, result.message, result.hint = ERROR, message, hint
    result.checks = [CheckResult(c.name, False, c.points, c.target, message, target=c.target) for c in checks.CHECKS]
    return result


def _output(f: Finished) -> str:
    text = f.stdout + (("\n" if f.stdout and f.stderr else "") + f.stderr)
    if f.dropped_bytes:
        text += f"\n[... {f.dropped_bytes:,} more bytes of output were not kept]"
    return clean_block(text)
