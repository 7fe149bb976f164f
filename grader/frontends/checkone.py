"""`pytorch-tutor check NN`: grade one exercise, record the progress, print the verdict.

cli.py's `check` runs it, and so does the command line's first step for a single cold check
(`grader.service.handover.grade_here`), without importing typer: its import and the parsing of
the command line cost about a tenth of `import torch`, on the path of every cold check.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from grader import interrupts
from grader.errors import TutorError

REFERENCE_CACHE = "reference-cache"  # in the course's state folder (`grader.judging.refcache`)


def check_one(course, exercise: str, file: Path | None, as_json: bool, diagnostics: bool, command: str,
              echo: Callable[[str], None]) -> int:
    """Grade `exercise` (or `file` for it) and print the result; its exit status."""
    from grader.engine import check_exercise
    from grader.frontends.workspace import is_own_file, learner_file
    from grader.progress import Progress
    from grader.results import exit_status

    ex = course.resolve(exercise)
    learner = learner_file(course, ex, file)
    cache = course.state_dir / REFERENCE_CACHE  # one check in this process: its reference's outcomes from disk
    result = check_exercise(course, ex, learner, cache=cache, meanwhile=_ready_to_show)
    progress = Progress(course.state_dir)
    recorded = is_own_file(course, ex, learner)  # another file's result is not the course's progress
    if recorded:
        progress.record_result(ex.id, result)
    if as_json:
        echo(result.to_json())
    elif diagnostics:
        from grader.frontends.diagnostics import diagnostic_lines

        for line in diagnostic_lines(result):
            echo(line)
    else:
        _show(result, progress, recorded, learner, ex.id, command)
    return exit_status([result])


def _ready_to_show() -> None:
    """The output's imports (rich), while the learner's code runs rather than before torch's import."""
    from grader.frontends.render import degrade_streams

    degrade_streams()


def _show(result, progress, recorded: bool, learner: Path, exercise_id: str, command: str) -> None:
    from grader.frontends.render import make_console, safe, show_result

    from grader.torchversions import installed_torch_note

    console = make_console()
    warn(console, progress.warnings, installed_torch_note())
    show_result(console, result, command)
    if not recorded:
        console.print(safe(f"(progress not recorded: {learner} is not {exercise_id}'s own file)", style="dim"))


def warn(console, warnings: list, note: str | None) -> None:
    """The progress file's `warnings`, and `note` (`torchversions.installed_torch_note`: this torch is not one
    the course was tested with). The command line and the grading server print them alike."""
    from rich.text import Text

    from grader.frontends.render import safe

    for warning in warnings:
        console.print(Text.assemble(("warning: ", "yellow"), safe(warning)))
    if note:
        console.print(note, markup=False, highlight=False)


def check_alone(course: str | None, exercise: str, file: str | None, fmt: str, command: str) -> int:
    """`check` as the full command line runs it (its errors shown as it shows them), without typer; the
    exit status. `course`: --course or $PYTORCH_TUTOR_COURSE (None: found from the current folder)."""
    from grader.course import find_course

    try:
        found = find_course(Path(course) if course else None)
        code = check_one(found, exercise, Path(file) if file else None, fmt == "json", fmt == "diagnostics", command,
                         _echo)
        interrupts.raise_if_noted()  # a Ctrl-C that code not ours dropped still ends the check as one
        return code
    except TutorError as exc:
        from grader.frontends.render import degrade_streams, make_console, show_error

        degrade_streams()
        show_error(make_console(stderr=True), exc.message, exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:  # the engine has already ended the learner's processes
        return 130


def _echo(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
