"""`pytorch-tutor hint NN [FUNCTION]`: the next hint of an exercise's ladder, one step further each time.

Shown by the command line, and by the course's warm server (which renders it for the client to
print as it is), so both print the same text and move the same progress record.
"""

from __future__ import annotations

from grader.course import Course
from grader.progress import Progress


def show_hint(console, course: Course, exercise: str, function: str | None, command: str) -> None:
    """Print the next hint of `exercise` (for `function`, default: the one the last check failed on)."""
    from grader.frontends.render import safe
    from grader.judging.hints import choose_ladder

    ex = course.resolve(exercise)
    progress = Progress(course.state_dir)
    target, hints = choose_ladder(ex.checks, function, str(progress.entry(ex.id).get("focus") or ""))
    index = progress.next_hint(ex.id, len(hints), target)
    about = f" for `{target}`" if target else ""
    console.print(safe(f"Hint {index + 1} of {len(hints)}{about} ({ex.id}):", style="bold"))
    console.print(safe(hints[index]))
    if index + 1 < len(hints):
        again = f"{command} hint {ex.number:02d}" + (f" {target}" if target else "")
        console.print(safe(f"Run `{again}` again for a stronger hint.", style="dim"))
    else:
        console.print(safe(f"That was the last hint{about}: the reference solution (`{command} solution "
                            f"{ex.number:02d}`) opens once you pass.", style="dim"))
