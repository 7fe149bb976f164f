"""Jupyter notebooks: turn a notebook into a Python file to grade, with a line map
so errors point at "cell 3, line 2" (writing one: `grader.notebooks.export`).

A frame of learner code in a notebook is `["work.ipynb [cell 3]", 2, func, code]`:
the file with the cell (counted from the top, markdown cells included) and the
line inside that cell. Nothing here imports torch or nbformat.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from grader.errors import TutorError

KEEP_BODY = {"%%time", "%%timeit", "%%capture"}  # cell magics whose body is Python: only their first line goes
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_CELL = re.compile(r"^(?P<file>.*) \[(?P<cell>cell \d+|In \[\d+\])\]$")
_MAGIC = re.compile(r"^\s*([%!]|\w+\s*=\s*[%!])|^\s*\??[\w.]+\?{1,2}\s*$")
_CHECK_LINE = re.compile(r"^(from\s+grader[\w.]*\s+import|import\s+grader\b|(\w+\s*=\s*)?(grader\.)?check\s*\()")
_RESAVE = "Open it in Jupyter and save it again, or grade a .py file instead."


def first_line(node: ast.stmt) -> int:
    """The line a statement starts on, its decorators included."""
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


@dataclass
class Script:
    """The Python file that is graded for a submission, and how its lines map back."""

    path: Path
    origin: str = ""  # the notebook as the user named it; "" for a .py file
    source: str = ""
    segments: list[tuple[int, int, str]] = field(default_factory=list)  # (first .py line, lines, cell label)
    skipped: list[str] = field(default_factory=list)

    def locate(self, line: int) -> tuple[str, int]:
        """The cell label and the line inside that cell for line `line` of the .py file."""
        for start, count, label in reversed(self.segments):
            if line >= start:
                return label, min(line - start + 1, count)
        return self.segments[0][2], 1

    def map_back(self, payload: dict | None, finished) -> dict | None:
        """Point the learner frames (and a timeout's last frame) at notebook cells, in place."""
        if not self.segments:
            return payload
        generated = re.compile(rf" ?\({re.escape(self.path.name)}, line \d+\)")  # a SyntaxError's "(x.py, line 11)"
        for error in _errors(payload):
            error["frames"] = [self._frame(f) for f in error["frames"]]
            if isinstance(error.get("message"), str):
                error["message"] = generated.sub("", error["message"])
        found = re.fullmatch(r"line (\d+), in (.+)", finished.last_frame or "")
        if found:
            label, line = self.locate(int(found[1]))
            finished.last_frame = f"{label}, line {line}, in {found[2]}"
        return payload

    def _frame(self, frame):
        ok = isinstance(frame, list) and len(frame) == 4 and isinstance(frame[1], int)
        if not ok or os.path.realpath(str(frame[0])) != os.path.realpath(self.path):
            return frame
        label, line = self.locate(frame[1])
        return [f"{self.origin} [{label}]", line, frame[2], frame[3]]

    def annotate(self, result) -> None:
        """Say which magic lines were skipped, in the result's message."""
        n = len(self.skipped)
        if not n:
            return
        listed = ", ".join(self.skipped[:5]) + (f" and {n - 5} more" if n > 5 else "")
        note = f"skipped {n} IPython magic/shell line{'s' * (n != 1)} (they run only in Jupyter): {listed}"
        if result.message:  # could not be graded: the message is the error, so the note goes with the hint
            result.hint = f"{result.hint} Note: {note}.".strip()
        else:
            result.message = note


def split_cell(file: str) -> tuple[str, str]:
    """("work.ipynb", "cell 3") for a notebook frame's file, (file, "") for any other."""
    found = _CELL.match(str(file))
    return (found["file"], found["cell"]) if found else (str(file), "")


def frame_location(frame: list) -> str:
    """"cell 3, line 2" for a notebook frame, "line 2" for a .py one."""
    cell = split_cell(frame[0])[1]
    return f"{cell}, line {frame[1]}" if cell else f"line {frame[1]}"


@contextlib.contextmanager
def as_python(learner: Path) -> Iterator[Script]:
    """The file to grade: `learner` itself, or for a notebook its code written to a temporary .py file."""
    if learner.suffix.lower() != ".ipynb":
        yield Script(learner)
        return
    script = extract(learner)
    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-nb-") as tmp:
        script.path = Path(tmp) / "pytorch_tutor_notebook.py"  # a name no learner import can shadow
        script.path.write_text(script.source, encoding="utf-8")
        yield script


def extract(path: Path) -> Script:
    """The code cells in notebook order, magics and `check(...)` calls commented out, line numbers kept."""
    script = Script(path, origin=str(path))
    lines: list[str] = []
    for label, source in read_cells(path):
        cell = drop_checks(clean_magics(split_lines(source), label, script.skipped))
        if cell:
            script.segments.append((len(lines) + 1, len(cell), label))
            lines += cell
    script.source = "\n".join(lines) + "\n"
    return script


def read_cells(path: Path) -> list[tuple[str, str]]:
    """(label, source) of every code cell; a TutorError for anything but a version 4 notebook with code."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TutorError(f"Cannot read {path}: {exc}.") from None
    except json.JSONDecodeError as exc:
        raise TutorError(f"{path} is not a valid notebook: it is not JSON ({exc.msg}, line {exc.lineno}).", hint=_RESAVE) from None
    version = data.get("nbformat") if isinstance(data, dict) else None
    if version != 4:
        what = f"a version {version} notebook" if isinstance(version, int) else "not a Jupyter notebook (no nbformat version)"
        raise TutorError(f"{path} is {what}; pytorch-tutor reads version 4 notebooks.", hint=_RESAVE)
    if not isinstance(data.get("cells"), list):
        raise TutorError(f"{path} is not a valid notebook: it has no list of cells.", hint=_RESAVE)
    cells = [_code(path, i, c) for i, c in enumerate(data["cells"], 1) if isinstance(c, dict) and c.get("cell_type") == "code"]
    if not any(source.strip() for _, source in cells):
        raise TutorError(f"{path} has no code cells to grade.", hint="Write your code in code cells; `pytorch-tutor notebook NN` makes a notebook to start from.")
    return cells


def _code(path: Path, number: int, cell: dict) -> tuple[str, str]:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) and all(isinstance(s, str) for s in source) else source
    if not isinstance(source, str):
        raise TutorError(f"{path} is not a valid notebook: cell {number} has no readable source.", hint=_RESAVE)
    meta = cell.get("metadata")
    label = meta.get("pytorch_tutor", {}).get("label") if isinstance(meta, dict) and isinstance(meta.get("pytorch_tutor"), dict) else None
    return (label if isinstance(label, str) and _CELL.match(f"x [{label}]") else f"cell {number}"), source


def split_lines(source: str) -> list[str]:
    """Lines as Python's tokenizer counts them (not str.splitlines, which also splits at form feeds)."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    return text.removesuffix("\n").split("\n") if text else []


def clean_magics(lines: list[str], label: str, skipped: list[str]) -> list[str]:
    """Comment out IPython magics, shell escapes and `?` help, noting each in `skipped`. Plain Python is left alone."""
    with contextlib.suppress(SyntaxError, ValueError):
        ast.parse("\n".join(lines))
        return lines
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        whole = first.split()[0] not in KEEP_BODY
        skipped.append(f"{label} line 1 `{first}`" + (" (the whole cell)" if whole else ""))
        if whole:
            return ["# " + line for line in lines]
        lines = ["# " + lines[0]] + lines[1:]
    out = []
    for number, line in enumerate(lines, 1):
        if _MAGIC.match(line) and not (number == 1 and first.startswith("%%")):
            skipped.append(f"{label} line {number} `{line.strip()}`")
            line = f"{line[: len(line) - len(line.lstrip())]}pass  # {line.strip()}"
        out.append(line)
    return out


def drop_checks(lines: list[str]) -> list[str]:
    """Comment out top-level `check(...)` calls and grader imports, so grading a notebook does not recurse."""
    try:
        body = ast.parse("\n".join(lines)).body
    except (SyntaxError, ValueError):
        return ["# " + line if _CHECK_LINE.match(line) else line for line in lines]
    out = list(lines)
    for node in body:
        if _is_check(node):
            out[node.lineno - 1 : node.end_lineno] = ["# " + line for line in out[node.lineno - 1 : node.end_lineno]]
    return out


def _is_check(node: ast.stmt) -> bool:
    """A grader import, or a top-level statement that calls `check(...)` or `grader.check(...)`."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
        return any(name.split(".")[0] == "grader" for name in names)
    calls = [] if isinstance(node, DEFS) else [n.func for n in ast.walk(node) if isinstance(n, ast.Call)]
    return any(ast.unparse(func) in ("check", "grader.check") for func in calls)


def _errors(payload) -> Iterator[dict]:
    """Every error the learner's process reported (defensively: the payload is learner-process data)."""
    payload = payload if isinstance(payload, dict) else {}
    outcomes = payload.get("outcomes") if isinstance(payload.get("outcomes"), dict) else {}
    cases = [o for case in outcomes.values() if isinstance(case, list) for o in case if isinstance(o, dict)]
    errors = [payload.get("import_error")] + [o.get("error") for o in cases]
    yield from (e for e in errors if isinstance(e, dict) and isinstance(e.get("frames"), list))
