"""`check("03")` inside a Jupyter notebook: grade the definitions the learner ran.

The kernel neither is graded nor grades. From its input history (`In`), the latest
executed definition of every name the exercise needs, and of the names those
definitions use (imports, helpers, constants), is kept; cells that ran out of
order or left unrelated state behind do not matter. They are written to a small
notebook whose cells are labelled `In [n]`, and `pytorch-tutor check NN --file
... --json` grades that in separate processes, as on the command line; the result is
recorded as the learner's progress here (the command line records only the exercise's own
files). Nothing here imports torch.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import symtable
import tempfile
from pathlib import Path

from grader.course import Exercise, find_course
from grader.errors import TutorError
from grader.progress import Progress
from grader.submission.cells import DEFS, clean_magics, first_line, split_cell, split_lines
from grader.results import ExerciseResult

COMMAND = "pytorch-tutor"


class NotebookResult(ExerciseResult):
    """An ExerciseResult whose repr is one line, for the cell's Out[n] after the rich display."""

    def __repr__(self) -> str:
        return f"<{self.exercise}: {self.status}, {sum(c.passed for c in self.checks)} of {len(self.checks)} checks passed>"


def check(exercise: str | int, course: str | os.PathLike | None = None) -> ExerciseResult | None:
    """Grade exercise `exercise` on what this notebook defined; show the result and return it."""
    from grader.frontends.render import make_console, show_error, show_result

    console = make_console()
    try:
        found = find_course(course)
        ex = found.resolve(str(exercise))
        cells = history_cells(_history(), _targets(ex))
        if not cells:
            raise TutorError(f"This notebook has not run any code of {ex.id} yet.", hint="Run the cells with your code (Shift+Enter), then check again.")
        result = _grade(found.root, ex, cells)
        Progress(found.state_dir).record_check(ex.id, result.passed)  # what this notebook defined is the learner's work
    except TutorError as exc:
        show_error(console, exc.message, exc.hint)
        return None
    with console:  # one display in the notebook, not one per line
        show_result(console, result, COMMAND, again=f'check("{ex.number:02d}")')
    return result


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


def _grade(root: Path, ex: Exercise, cells: list[tuple[str, str]]) -> ExerciseResult:
    """`pytorch-tutor check NN --file cells.ipynb --json`, in a fresh process, as on the command line."""
    code = Path(__file__).resolve().parents[2]  # where grader/ and cli.py live
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")])))
    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-kernel-") as tmp:
        path = Path(tmp) / "notebook.ipynb"
        path.write_text(json.dumps(_notebook(cells)), encoding="utf-8")
        command = [sys.executable, "-m", "cli", "--course", str(root), "check", ex.id, "--file", str(path), "--json"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=code, env=env, stdin=subprocess.DEVNULL)
    if done.returncode not in (0, 1) or not done.stdout.lstrip().startswith("{"):
        raise TutorError((done.stderr.strip() or f"the grader stopped with exit status {done.returncode}").removeprefix("error: "))
    return _for_notebook(NotebookResult.from_dict(json.loads(done.stdout)))


def _notebook(cells: list[tuple[str, str]]) -> dict:
    """A version 4 notebook of the cells; each keeps its `In [n]` label for error locations."""
    def cell(label: str, source: str) -> dict:
        return {"cell_type": "code", "metadata": {"pytorch_tutor": {"label": label}}, "source": source, "outputs": [], "execution_count": None}

    return {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [cell(label, source) for label, source in cells]}


def _for_notebook(result: NotebookResult) -> NotebookResult:
    """Frames named by their `In [n]` cell, and "your notebook" where the command line says "your file"."""
    for frames in [result.traceback] + [c.traceback for c in result.checks]:
        for frame in frames:
            cell = split_cell(frame[0])[1]
            frame[0] = f"notebook [{cell}]" if cell else frame[0]
    result.file = _notebook_name()
    result.message = result.message.replace("your file", "your notebook")
    for c in result.checks:
        c.message, c.hint = c.message.replace("your file", "your notebook"), c.hint.replace("your file", "your notebook")
    return result


def _notebook_name() -> str:
    """The notebook's file name when the front end tells the kernel (JupyterLab, VS Code), else "this notebook"."""
    name = os.environ.get("JPY_SESSION_NAME") or ""
    return Path(name).name if name.endswith(".ipynb") else "this notebook"
