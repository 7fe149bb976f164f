"""What the server does with one `check` request: exactly what `pytorch-tutor check NN` does in a
cold process (the same engine, a fresh learner process behind the same boundary, the same progress
record), with the warm pool, the cached reference outcomes, and the terminal text rendered here for
the client to print as it is.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from grader.errors import TutorError
from grader.text import clean_line

FORMATS = ("text", "json", "diagnostics")
COLOURS = (None, "standard", "256", "truecolor")
COMMAND = "pytorch-tutor"


def check_fields(request: dict) -> dict:
    """The request's fields, each of its type and within its bounds; a TutorError otherwise."""
    fields = {k: request.get(k) for k in ("course", "exercise", "file", "format", "cwd", "width", "colour")}
    every = request.get("kind") == "all"  # check --all: no exercise, no file
    ok = (isinstance(fields["course"], str) and os.path.isabs(fields["course"])
          and (every and fields["exercise"] is None and fields["file"] is None
               or isinstance(fields["exercise"], str) and 0 < len(fields["exercise"]) <= 200)
          and (fields["file"] is None or isinstance(fields["file"], str) and os.path.isabs(fields["file"]))
          and fields["format"] in FORMATS and fields["colour"] in COLOURS
          and isinstance(fields["cwd"], str) and os.path.isabs(fields["cwd"])
          and type(fields["width"]) is int and 20 <= fields["width"] <= 1000)
    if not ok:
        raise TutorError("The grading server received a malformed request.")
    return fields


def run_check(fields: dict, course, pool, cache) -> dict:
    """{"result", "text"} for one validated check request of `course` (the server's own course)."""
    from grader.engine import check_exercise
    from grader.frontends.workspace import is_own_file, learner_file
    from grader.progress import Progress

    if Path(fields["course"]).resolve() != course.root.resolve():
        raise TutorError("The grading server serves another course folder.")
    ex = course.resolve(fields["exercise"])
    learner = learner_file(course, ex, fields["file"])
    cache.refresh(course, ex)
    result = check_exercise(course, ex, learner, pool=pool)
    progress = Progress(course.state_dir)
    recorded = is_own_file(course, ex, learner)
    if recorded:
        progress.record_result(ex.id, result)
    text = render(result, fields, progress.warnings, None if recorded else f"{learner}", ex.id) if fields["format"] == "text" else ""
    return {"result": result.to_dict(), "text": text}


def run_all(fields: dict, course, pool, cache) -> dict:
    """{"results", "text"} for a validated `check --all` request: every exercise's own file, progress recorded."""
    from grader.frontends.batch import check_all
    from grader.progress import Progress

    if Path(fields["course"]).resolve() != course.root.resolve():
        raise TutorError("The grading server serves another course folder.")
    for ex in course.exercises:
        cache.refresh(course, ex)
    progress = Progress(course.state_dir)
    results = check_all(course, progress, pool=pool)
    text = ""
    if fields["format"] == "text":
        from grader.frontends.tables import show_all_results

        console = _console(fields)
        _warnings(console, progress.warnings)
        show_all_results(console, results, COMMAND)
        text = console.file.getvalue()
    return {"results": [r.to_dict() for r in results], "text": text}


def run_hint(request: dict, course) -> dict:
    """{"text"} of a validated `hint NN [FUNCTION]` request: what the command line prints (progress moved on)."""
    from grader.frontends.hints import show_hint

    fields = {k: request.get(k) for k in ("course", "exercise", "function", "width", "colour")}
    ok = (_own_course(fields["course"], course) and isinstance(fields["exercise"], str) and 0 < len(fields["exercise"]) <= 200
          and (fields["function"] is None or isinstance(fields["function"], str) and 0 < len(fields["function"]) <= 200)
          and fields["colour"] in COLOURS and type(fields["width"]) is int and 20 <= fields["width"] <= 1000)
    if not ok:
        raise TutorError("The grading server received a malformed request.")
    console = _console(fields)
    show_hint(console, course, fields["exercise"], fields["function"], COMMAND)
    return {"text": console.file.getvalue()}


def run_cells(request: dict, course, pool, cache) -> dict:
    """{"result"} of a notebook's check (its cells), graded and recorded as the kernel's own server does."""
    from grader.notebooks import server as kernel_server
    from grader.progress import Progress

    root, exercise, cells, name = kernel_server.request_fields(request)
    if not _own_course(root, course):
        raise TutorError("The grading server received a malformed request.")
    ex = course.resolve(exercise)
    cache.refresh(course, ex)
    result = kernel_server.for_notebook(kernel_server.grade_cells(course, ex, cells, pool), name)
    Progress(course.state_dir).record_result(ex.id, result)
    return {"result": result.to_dict()}


def _own_course(given, course) -> bool:
    return isinstance(given, str) and os.path.isabs(given) and Path(given).resolve() == course.root.resolve()


def _console(fields: dict):
    """A console that writes to a string as rich would to the client's terminal (its width, its colours)."""
    import io

    from rich.console import Console

    colour = fields["colour"]
    return Console(file=io.StringIO(), width=fields["width"], color_system=colour, force_terminal=colour is not None,
                   no_color=colour is None, highlight=False, emoji=False, soft_wrap=False)


def _warnings(console, warnings: list) -> None:
    """As the command line's: the progress file's warnings, and a note on an untested torch."""
    from grader.frontends.checkone import warn

    warn(console, warnings, _torch_note())


@functools.cache
def _torch_note() -> str | None:
    """Read once: torch's metadata cannot change under a running server (its stamp would, and it would end)."""
    from grader.torchversions import installed_torch_note

    return installed_torch_note()


def render(result, fields: dict, warnings: list, not_recorded: str | None, exercise_id: str) -> str:
    """What the cold `check` prints to a terminal like the client's (its width, its colours)."""
    from grader.frontends.render import safe, show_result

    console = _console(fields)
    _warnings(console, warnings)
    show_result(console, result, COMMAND)
    if not_recorded is not None:
        console.print(safe(f"(progress not recorded: {not_recorded} is not {exercise_id}'s own file)", style="dim"))
    return console.file.getvalue()


def error_reply(exc: TutorError) -> dict:
    return {"error": {"message": clean_line(exc.message, 4000), "hint": clean_line(exc.hint, 4000),
                      "exit": exc.exit_code if exc.exit_code in (1, 2) else 2}}
