"""What `run_autograder` runs in the container: `python -m grader.classroom.autograder.runner --format F`.

It grades the uploaded files with the engine behind the same OS boundary as `pytorch-tutor grade`
(as root, each learner process drops to the unprivileged account setup.sh made, or a fresh uid
where there is none; its own namespaces and Landlock domain per exercise; Landlock keeps it out of
the zip's files, the upload and the results folder), and always leaves a valid results.json: one
saying "did not finish" is written first, then one after every exercise, then the final one; at
the zip's deadline a watchdog writes what is done, marks the rest "not graded", and ends the run.
Each write is whole (a temporary file, then a rename), in a folder only root may write.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path

from grader.classroom.autograder import report
from grader.classroom.autograder.collect import Found, collect
from grader.classroom.autograder.config import FORMATS, LAYOUTS, SOURCE_ENV, Config, read_config
from grader.classroom.autograder.jobs import grade_files
from grader.errors import TutorError
from grader.text import clean_line

UNFINISHED = "Grading did not finish: these are the results so far. Ask your instructor if this persists."


class Writer:
    """results.json, written whole each time; after the last word (`final`) nothing is written again."""

    def __init__(self, path: Path, fmt: str):
        self.path, self.fmt, self.lock, self.done = path, fmt, threading.RLock(), False
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            os.chown(path.parent, 0, 0)
            os.chmod(path.parent, 0o755)

    def write(self, config: Config, run: report.Run, final: bool = False) -> None:
        with self.lock:
            if self.done:
                return
            data = report.encode(report.results(self.fmt, config, run))
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, self.path)
            self.done = final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.classroom.autograder.runner")
    parser.add_argument("--format", choices=FORMATS, required=True)
    fmt = parser.parse_args(argv).format
    layout = LAYOUTS[fmt]
    root = Path(os.environ.get(layout.root_env) or layout.root)
    source = Path(os.environ.get(SOURCE_ENV) or layout.source or root / "source")
    started = time.monotonic()
    writer = Writer(root / "results" / "results.json", fmt)
    config = Config(fmt, [], "", "", "")
    run = report.Run(message=UNFINISHED)
    signal.signal(signal.SIGTERM, _terminated)
    writer.write(config, run)
    try:
        config = read_config(source)
        found = collect(root / layout.inbox, config.exercises)
        with _pool(config, found) as pool:  # forked before any thread or course code: one torch import
            _watchdog(writer, config, run, started)
            grade(config, found, (root / "results", source, root / layout.inbox), run, writer, started, pool)
        run.message = "" if run.gradable else run.message
    except TutorError as exc:
        _failed(run, writer, exc.message + (f" {exc.hint}" if exc.hint else ""))
    except BaseException as exc:  # noqa: BLE001 - whatever happens, the results say so
        _failed(run, writer, f"{type(exc).__name__}: {exc}")
    if _STOPPED and run.gradable:  # the handler's exception was swallowed (it fired inside an at-fork hook)
        _failed(run, writer, _STOPPED[0])
    with writer.lock:
        run.elapsed = time.monotonic() - started
        writer.write(config, run, final=True)
    _say(report.summary(run))
    return 0


_STOPPED: list[str] = []  # set by the SIGTERM handler, for when its exception cannot surface


def _terminated(signum, frame) -> None:
    why = "it was stopped from outside (SIGTERM), most likely at the service's time limit"
    _STOPPED.append(why)
    raise TutorError(why)


def _failed(run: report.Run, writer: Writer, why: str) -> None:
    if writer.done:  # the watchdog has had the last word (its SIGTERM is what ended the run)
        return
    run.message = clean_line(f"The autograder could not finish grading ({why}). These are the results so far; "
                             "tell your instructor.")
    run.gradable = False


def grade(config: Config, found: Found, hidden: tuple, run: report.Run, writer: Writer, started: float,
          pool) -> None:
    """Grade every exercise of `config` that `found` holds, updating `run` (and results.json) as each ends."""
    from grader.classroom import grading
    from grader.course import load_course
    from grader.judging.reference import check_points

    course = load_course(hidden[1] / "course")
    exercises = [next(e for e in course.exercises if e.id == i) for i in config.exercises]
    checks = {ex.id: check_points(ex) for ex in exercises}
    with writer.lock:
        run.notes += found.notes
        run.graded = [report.Graded(ex.id, ex.title, _placeholder(ex, found, checks[ex.id])) for ex in exercises]
        if not found.readable:
            run.gradable = False
            run.message = "No file of this assignment could be read: " + _expected(found, config)
    writer.write(config, run)
    todo = [ex for ex in exercises if ex.id in found.files and not found.files[ex.id][3]]
    if todo:
        grading.require_boundary(config.unsafe, run.notes)
        grade_files(course, config, [(ex, found.files[ex.id]) for ex in todo], pool, hidden, checks,
                    lambda i, graded: _record(run, writer, config, i, graded, started), run)
    if run.isolation:  # for the instructor (Gradescope keeps the log from students), not the student's feedback
        _say("isolation layers around the learner's code: " + ", ".join(run.isolation))


def _pool(config: Config, found: Found):
    """Warm workers forked from this process once it has imported torch (as every grading process sets it
    up: one thread, the compiler's import put off), or nothing when no file is to be graded."""
    if not found.readable:
        return contextlib.nullcontext()
    from grader.isolation import torchsetup
    from grader.isolation.backend import Pool

    torchsetup.prepare()
    return Pool(max(1, min(config.jobs, sum(not f[3] for f in found.files.values()))))


def _record(run: report.Run, writer: Writer, config: Config, index: int, graded: report.Graded, started: float):
    with writer.lock:
        run.graded[index] = graded
        run.elapsed = time.monotonic() - started
        writer.write(config, run)
    _say(f"{graded.exercise_id}: {graded.entry['status']} ({graded.entry['score']} of {graded.entry['max_score']})")


def _say(text: str) -> None:
    """A line of the log (Gradescope keeps it for the instructor); a closed stdout changes no grade."""
    try:
        print(text, flush=True)
    except (OSError, ValueError):
        pass


def _placeholder(ex, found: Found, checks: list) -> dict:
    from grader.classroom import gradebook

    if ex.id not in found.files:
        return gradebook.missing_entry(ex.id, checks)
    _, label, _, problem = found.files[ex.id]
    if problem:
        return gradebook.rejected_entry(ex.id, checks, label, problem)
    return gradebook.rejected_entry(ex.id, checks, label, "the autograder stopped before this exercise was graded")


def _expected(found: Found, config: Config) -> str:
    names = ", ".join(f"{i}.py" for i in config.exercises)
    problems = [f[3] for f in found.files.values() if f[3]]
    return (problems[0] if problems else f"upload files named {names} (or .ipynb notebooks)") + "."


def _watchdog(writer: Writer, config: Config, run: report.Run, started: float) -> None:
    """At the deadline: the results so far, final, then SIGTERM to this process, so that the main thread
    unwinds (ending the pool and removing its folders); if it has not ended 30 s later, exit at once."""
    def fire() -> None:
        with writer.lock:
            run.message = (f"The autograder stopped at its time limit ({config.deadline:g} s for the whole "
                           "submission): exercises not reached are marked not graded. Tell your instructor.")
            run.elapsed = time.monotonic() - started
            writer.write(config, run, final=True)
        _say(run.message)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)
        os._exit(0)  # the pool's processes die with us (PR_SET_PDEATHSIG)

    timer = threading.Timer(config.deadline, fire)
    timer.daemon = True
    timer.start()


if __name__ == "__main__":
    sys.exit(main())
