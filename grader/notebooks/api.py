"""What a notebook cell calls: `from grader import check, hint, progress, solution, init`.

`check` grades, through the course's warm grading server (`grader.service.remote`: the first
check starts it and waits for it), or where that cannot answer (`PYTORCH_TUTOR_NO_SERVER=1`, no
transport, a failure) through the kernel's own grading server (`grader.notebooks.kernel`); both
grade the cells the same way, in a fresh learner process behind the same boundary. The others
grade nothing: they read and write only the learner's own course folder, as `pytorch-tutor
hint`, `list`, `solution` and `init` do, and show HTML in Jupyter, Colab and VS Code, plain
text elsewhere. Each shows a problem (no course here, no such exercise) as a message and
returns None. An entry point, like cli.py. Nothing here imports torch.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.errors import TutorError
from grader.notebooks.display import plain_text, show, show_error
from grader.notebooks import kernel
from grader.notebooks.kernel import course_for


class Shown(str):
    """A hint already shown: in a notebook the cell's Out[n] does not print it a second time."""

    def _ipython_display_(self) -> None:
        pass


class Rows(list):
    """`progress()`'s rows, with a one-line repr for the cell's Out[n]."""

    def __repr__(self) -> str:
        return f"<progress: {sum(r['status'] == 'passed' for r in self)} of {len(self)} exercises passed>"


def check(exercise: str | int, course: str | os.PathLike | None = None):
    """Grade `exercise` on what this notebook defined; show the result and return it (None on a problem)."""
    return kernel.check(exercise, course, grade=_grade)


def _grade(request: dict, timeout: float) -> dict:
    """The course's server's answer to the cells' check, else the kernel's own server's."""
    from grader.notebooks import client
    from grader.service import remote

    if remote.ready(Path(request["course"])):
        answer = remote.check_cells(request)
        if answer is not None:
            return answer
    return client.grade(request, timeout)


def hint(exercise: str | int, function: str | None = None, course=None) -> str | None:
    """Show the next hint for `exercise` (for `function`, default: the one the last check failed on)."""
    from grader.frontends.render_html import AMBER, message_html
    from grader.judging.hints import choose_ladder
    from grader.progress import Progress

    try:
        found = course_for(course)
        ex = found.resolve(str(exercise))
        progress_file = Progress(found.state_dir)
        target, hints = choose_ladder(ex.checks, function, str(progress_file.entry(ex.id).get("focus") or ""))
        index = progress_file.next_hint(ex.id, len(hints), target)
    except TutorError as exc:
        return show_error(exc.message, exc.hint)
    title = f"Hint {index + 1} of {len(hints)}" + (f" for `{target}`" if target else "") + f" ({ex.id}):"
    call = f'hint("{ex.number:02d}"' + (f', "{target}"' if function else "") + ")"
    last = f'That was the last hint{" for `" + target + "`" if target else ""}: `solution("{ex.number:02d}")` opens once you pass.'
    after = f"Run `{call}` again for a stronger hint." if index + 1 < len(hints) else last
    show(message_html(title, hints[index], after, colour=AMBER), "\n".join(filter(None, [title, hints[index], after])))
    return Shown(hints[index])


def progress(course=None) -> Rows | None:
    """Show every exercise of the course with its status, as `pytorch-tutor list` does."""
    from grader.frontends.render_html import rows_html
    from grader.frontends.tables import show_list
    from grader.frontends.workspace import list_rows
    from grader.progress import PASSED, Progress

    try:
        found = course_for(course)
        rows = Rows(list_rows(found, Progress(found.state_dir)))
    except TutorError as exc:
        return show_error(exc.message, exc.hint)
    passed = sum(r["status"] == PASSED for r in rows)
    show(rows_html(rows, passed, len(rows)), plain_text(lambda console: show_list(console, rows, passed, len(rows))))
    return rows


def solution(exercise: str | int, force: bool = False, course=None) -> None:
    """Show the reference solution of `exercise`, once this course has passed it (or with force=True)."""
    from grader.frontends.render_html import code_html
    from grader.frontends.workspace import solution_allowed
    from grader.progress import Progress

    try:
        found = course_for(course)
        ex = found.resolve(str(exercise))
        if not solution_allowed(Progress(found.state_dir), ex, force):
            raise TutorError(f"Pass {ex.id} first to see its reference solution.",
                             hint=f'Try `hint("{ex.number:02d}")`, or `solution("{ex.number:02d}", force=True)` if you really want to see it now.')
        source = _read(ex.solution)
    except TutorError as exc:
        return show_error(exc.message, exc.hint)
    title = f"Reference solution of {ex.id} ({ex.solution.name}):"
    show(code_html(title, source), f"{title}\n\n{source}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TutorError(f"Cannot read {path}: {exc}.") from None


def init(directory: str | os.PathLike = "pytorch-course", notebooks: bool = True) -> Path | None:
    """Create a course folder (the exercise stubs, and with `notebooks` one notebook per exercise) and
    make it this kernel's course, so `check("01")` and the others find it from any folder. A course
    already there is used as it is (a notebook run again from the top changes nothing of your work)."""
    from grader.course import COURSE_ENV, STATE_DIR, find_course
    from grader.frontends.render_html import message_html
    from grader.frontends.workspace import init_course
    from grader.notebooks.export import export_notebook

    target = Path(directory).expanduser().resolve()
    existed = (target / STATE_DIR / "course").is_file() or (target / "reference" / "course.toml").is_file()
    try:
        found = find_course(target if existed else init_course(target))
        wanted = [ex for ex in found.exercises if notebooks and not (target / "notebooks" / f"{ex.id}.ipynb").exists()]
        written = [export_notebook(ex, target / "notebooks" / f"{ex.id}.ipynb") for ex in wanted]
    except TutorError as exc:
        return show_error(exc.message, exc.hint)
    os.environ[COURSE_ENV] = str(target)
    title = f"Using {target}, as it is" if existed else f"Created {target}"
    parts = [f"{target / 'exercises'} (the stubs)" if not existed else "",
             f"{target / 'notebooks'} ({len(written)} new notebooks: open one, fill in its cells, run its last cell)" if written else ""]
    body = "; ".join(filter(None, parts))
    after = 'This kernel now uses it: write an exercise\'s functions in cells, run them, then `check("01")`.'
    show(message_html(title, body, after), f"{title}{': ' + body if body else ''}.\n{after}")
    return target
