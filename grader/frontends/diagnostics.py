"""`check --format diagnostics`: one `FILE:LINE:COL: error: CHECK — PROBLEM (hint: …)` line per
failing check, the format VS Code problem matchers, Vim's quickfix and Emacs's compile mode read.

The line is the learner's own line where their code raised, else the `def` (or `class`) line of
the check's target function in the graded file, else line 1. Every learner-derived string is one
line, control characters escaped. Nothing here imports torch or rich: the warm server's client
prints these lines too.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from grader.results import ERROR, ExerciseResult
from grader.text import clean_line

# The problem matcher of .vscode/tasks.json and the errorformat of the README read this shape.
PATTERN = r"^(.+?):(\d+):(\d+): (error|warning): (.*)$"


def diagnostic_lines(result: ExerciseResult) -> list[str]:
    """The result's failures as compiler-style lines (none when it passed)."""
    return [f"{path}:{line}:{column}: error: {message}" for path, line, column, message in entries(result)]


def entries(result: ExerciseResult) -> list[tuple[str, int, int, str]]:
    """(absolute file, line, column, "CHECK — PROBLEM (hint: …)") of each failure, 1-based."""
    path = _absolute(result.file)
    source = _read(path)
    if result.status == ERROR:
        line = _frame_line(result.traceback, path) or 1
        return [(path, line, _column(source, line), _message(result.exercise, result.message, result.hint))]
    defs = _definitions(source)
    out = []
    for check in (c for c in result.checks if not c.passed):
        target = check.target or ""
        line = _frame_line(check.traceback, path) or defs.get(target) or defs.get(target.split(".")[0], 1)
        out.append((path, line, _column(source, line), _message(check.name, check.message, check.hint)))
    return out


def _message(name: str, problem: str, hint: str) -> str:
    text = f"{clean_line(name, 200)} — {clean_line(problem, 1000)}"
    return text + (f" (hint: {clean_line(hint, 1000)})" if hint else "")


def _absolute(file: str) -> str:
    """The graded file as an absolute path (a notebook frame's cell label dropped)."""
    from grader.submission.cells import split_cell

    name = split_cell(file)[0] if file else ""
    return os.path.abspath(name) if name else "<unknown>"


def _frame_line(frames: list, path: str) -> int | None:
    """The line of the innermost frame in the graded file itself (not a library's), if any."""
    from grader.submission.cells import split_cell

    for frame in reversed(frames or []):
        if len(frame) >= 2 and isinstance(frame[1], int) and frame[1] > 0:
            if os.path.abspath(split_cell(str(frame[0]))[0]) == path:
                return frame[1]
    return None


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError):
        return []


def _definitions(lines: list[str]) -> dict[str, int]:
    """Top-level functions and classes of the file, and classes' methods as `Class.method`, with their
    `def` line (decorators skipped)."""
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return {}
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    found = {}
    for node in (n for n in tree.body if isinstance(n, kinds)):
        found[node.name] = node.lineno
        if isinstance(node, ast.ClassDef):
            found.update((f"{node.name}.{m.name}", m.lineno) for m in node.body if isinstance(m, kinds))
    return found


def _column(lines: list[str], line: int) -> int:
    """1 + the indentation of `line`: where its code starts."""
    if 0 < line <= len(lines):
        text = lines[line - 1]
        return len(text) - len(text.lstrip()) + 1
    return 1
