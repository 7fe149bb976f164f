"""`check("03")` inside a Jupyter notebook: grade the definitions the learner ran.

The kernel neither is graded nor grades. From its input history (`In`), the latest
executed definition of every name the exercise needs, and of the names those
definitions use (imports, helpers, constants), is kept; cells that ran out of
order or left unrelated state behind do not matter. Those cells, each named `In [n]`
as Jupyter numbers it (as `check --file work.ipynb` names a saved notebook's cells),
go to the kernel's grading server (`grader.notebooks.client`, `grader.notebooks.server`):
a separate, warm, trusted process that grades them as `pytorch-tutor check NN --file`
does, in a fresh learner process behind the same boundary, and records the result as
the learner's progress. The result comes back as JSON and is shown as HTML (plain text
where the front end has no HTML). Nothing here imports torch.
"""

from __future__ import annotations

import ast
import os
import symtable
from pathlib import Path

from grader.course import COURSE_ENV, Exercise, find_course
from grader.errors import TutorError
from grader.submission.cells import DEFS, clean_magics, first_line, split_lines
from grader.results import ExerciseResult

COMMAND = "pytorch-tutor"


class NotebookResult(ExerciseResult):
    """An ExerciseResult whose repr is one line, for the cell's Out[n] after the rich display."""

    def __repr__(self) -> str:
        return f"<{self.exercise}: {self.status}, {sum(c.passed for c in self.checks)} of {len(self.checks)} checks passed>"

    def _ipython_display_(self) -> None:
        """Already shown by `check`: the cell's Out[n] adds nothing after the table."""


def check(exercise: str | int, course: str | os.PathLike | None = None, grade=None) -> ExerciseResult | None:
    """Grade exercise `exercise` on what this notebook defined; show the result and return it. `grade(request,
    timeout)`: who grades the cells (default: this kernel's own grading server)."""
    from grader.notebooks import client
    from grader.notebooks.display import show_error

    try:
        found = course_for(course)
        ex = found.resolve(str(exercise))
        cells = history_cells(_history(), _targets(ex))
        if not cells:
            raise TutorError(f"This notebook has not run any code of {ex.id} yet.", hint="Run the cells with your code (Shift+Enter), then check again.")
        request = {"course": str(found.root), "exercise": ex.id, "cells": cells, "notebook": _notebook_name()}
        reply = (grade or client.grade)(request, ex.timeout)
        if "result" not in reply:
            error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            raise TutorError(str(error.get("message", "the grading server sent no result")), hint=str(error.get("hint", "")))
        result = NotebookResult.from_dict(reply["result"])
    except TutorError as exc:
        show_error(exc.message, exc.hint)
        return None
    show_result(result)
    _torch_note()
    return result


def _torch_note() -> None:
    """One plain line under the result for a torch outside the tested versions (as `check` prints)."""
    from grader.torchversions import installed_torch_note

    note = installed_torch_note()
    if note:
        print(note)


def course_for(course: str | os.PathLike | None):
    """The course, as the command line finds it; the hint for none found is a cell's, not a terminal's."""
    try:
        return find_course(course)
    except TutorError as exc:
        if course is not None or os.environ.get(COURSE_ENV):
            raise
        raise TutorError(exc.message, hint="In a cell, `from grader import init; init()` creates one here and makes it this "
                         'kernel\'s course; or name yours: `check("01", course="path/to/course")`.') from None


def show_result(result: ExerciseResult) -> None:
    """The result as HTML and as plain text, in one display."""
    from grader.frontends.render import calls, show_result as draw
    from grader.frontends.render_html import result_html
    from grader.notebooks.display import plain_text, show

    how = calls(COMMAND, result.exercise.split("_", 1)[0], notebook=True)
    show(result_html(result, how), plain_text(lambda console: draw(console, result, COMMAND, notebook=True)))


def history_cells(history: list[tuple[str, str]], wanted: set[str]) -> list[tuple[str, str]]:
    """(label, source) of the cells holding the latest definition of each needed name; other lines blanked."""
    parsed, latest = [], {}
    for label, source in history:
        lines = clean_magics(split_lines(source), label, [])
        try:
            parsed.append((label, lines, ast.parse("\n".join(lines)).body))  # a cell with a SyntaxError never ran
        except (SyntaxError, ValueError):
            continue
        for stmt in parsed[-1][2]:
            latest.update((name, stmt) for name in _binds(stmt))
    chosen, todo = {}, list(wanted)
    while todo:
        stmt = latest.get(todo.pop())
        if stmt is not None and id(stmt) not in chosen:
            chosen[id(stmt)] = stmt
            todo += _uses(stmt)
    cells = []
    for label, lines, body in parsed:
        keep = {n for s in body if id(s) in chosen for n in range(first_line(s), s.end_lineno + 1)}
        if keep:
            cells.append((label, "\n".join(line if n in keep else "" for n, line in enumerate(lines, 1))))
    return cells


def _binds(stmt: ast.stmt) -> set[str]:
    """Top-level names a statement defines (imports, def, class, plain assignments)."""
    if isinstance(stmt, DEFS):
        return {stmt.name}
    if isinstance(stmt, ast.Import):
        return {a.asname or a.name.split(".")[0] for a in stmt.names}
    if isinstance(stmt, ast.ImportFrom) and stmt.module != "__future__":
        return {a.asname or a.name for a in stmt.names} - {"*"}
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) and stmt.value else []
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _uses(stmt: ast.stmt) -> set[str]:
    """Global names a statement reads, in any scope inside it (locals and parameters excluded)."""
    try:
        todo, names = [symtable.symtable(ast.unparse(stmt), "<cell>", "exec")], set()
    except SyntaxError:  # e.g. `nonlocal` at top level: it never ran, so it needs nothing
        return set()
    while todo:
        table = todo.pop()
        todo += table.get_children()
        names |= {s.get_name() for s in table.get_symbols() if s.is_referenced() and s.is_global()}
    return names


def _history() -> list[tuple[str, str]]:
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = lambda: None  # noqa: E731
    shell = get_ipython()
    if shell is None or not hasattr(shell, "history_manager"):
        raise TutorError("check() grades the code you ran in a Jupyter notebook, and this is not a notebook kernel.",
                         hint=f"From a terminal, run `{COMMAND} check NN` (with --file for a .py or .ipynb file).")
    return [(f"In [{n}]", source) for n, source in enumerate(shell.history_manager.input_hist_raw) if n and source.strip()]


def _targets(ex: Exercise) -> set[str]:
    """The names the exercise asks for: top-level functions and classes of its stub and reference."""
    names = set()
    for path in (ex.stub, ex.solution):
        try:
            names |= {n.name for n in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(n, DEFS)}
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
            pass
    return names


def _notebook_name() -> str:
    """The notebook's file name when the front end tells the kernel (JupyterLab, VS Code), else "this notebook"."""
    name = os.environ.get("JPY_SESSION_NAME") or ""
    return Path(name).name if name.endswith(".ipynb") else "this notebook"
