"""Jupyter notebooks: turn a notebook into a Python file to grade, with a line map
so errors point at "In [3], line 2" (writing one: `grader.notebooks.export`).

A frame of learner code in a notebook is `["work.ipynb [In [3]]", 2, func, code]`: the
file with the cell and the line inside that cell. A cell is named as Jupyter numbers it
beside the cell and IPython's own tracebacks call it, by its execution count (`In [3]`);
`check("03")` in a kernel names the cells it grades the same way. A saved cell with no
count of its own (never run, or a count another cell shares) is named by its place
from the top, markdown cells included (`cell 4`). Nothing here imports torch or nbformat.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from grader import boundedjson
from grader.errors import TutorError
from grader.submission.cells import clean_magics, drop_checks, split_lines
from grader.submission.source import MAX_CELL, MAX_NOTEBOOK, MAX_SOURCE, SMALLER, read_limited, too_large

_RESAVE = "Open it in Jupyter and save it again, or grade a .py file instead."
_NOTEBOOK = boundedjson.Limits(size=MAX_NOTEBOOK, nodes=200_000, depth=64, string=MAX_NOTEBOOK, scalar=100_000)


@dataclass
class Script:
    """The Python source that is graded for a submission, and how its lines map back.

    The source runs in the learner's process as `job_name` in its private folder; frames
    there are mapped back to the submission (a .py file, or a notebook's cells)."""

    path: Path  # the submission as the user named it
    origin: str = ""  # the notebook as the user named it; "" for a .py file
    source: str = ""
    segments: list[tuple[int, int, str]] = field(default_factory=list)  # (first .py line, lines, cell label)
    skipped: list[str] = field(default_factory=list)
    job_name: str = "submission.py"

    def locate(self, line: int) -> tuple[str, int]:
        """The cell label and the line inside that cell for line `line` of the .py file."""
        for start, count, label in reversed(self.segments):
            if line >= start:
                return label, min(line - start + 1, count)
        return self.segments[0][2], 1

    def map_back(self, payload: dict | None, finished, job_file: str) -> dict | None:
        """Point the learner frames (and a timeout's last frame) at the submission, in place."""
        generated = re.compile(rf" ?\({re.escape(self.job_name)}, line (\d+)\)")  # a SyntaxError's "(x.py, line 11)"
        own = (lambda m: "") if self.segments else (lambda m: f" ({self.path.name}, line {m[1]})")  # the learner's name
        for error in _errors(payload):
            error["frames"] = [self._frame(f, job_file) for f in error["frames"]]
            if isinstance(error.get("message"), str):
                error["message"] = generated.sub(own, error["message"])
        found = re.fullmatch(r"line (\d+), in (.+)", finished.last_frame or "")
        if found and self.segments:
            label, line = self.locate(int(found[1]))
            finished.last_frame = f"{label}, line {line}, in {found[2]}"
        return payload

    def _frame(self, frame, job_file: str):
        ok = isinstance(frame, list) and len(frame) == 4 and isinstance(frame[1], int)
        if not ok or os.path.basename(str(frame[0])) != self.job_name or os.path.dirname(str(frame[0])) != os.path.dirname(job_file):
            return frame
        if not self.segments:
            return [str(self.path), frame[1], frame[2], frame[3]]
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


_SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,80}\.py$")


def read_script(learner: Path) -> Script:
    """What to grade for `learner`: a .py file's text, or a notebook's code cells as one script.
    A TutorError when it cannot be read."""
    if learner.suffix.lower() == ".ipynb":
        script = extract(learner)
        script.job_name = "pytorch_tutor_notebook.py"  # a name no learner import can shadow
        return script
    try:
        source = read_limited(learner, MAX_SOURCE, "file").decode("utf-8")
    except OSError as exc:
        raise TutorError(f"Cannot read {learner}: {exc.strerror}.") from None
    except UnicodeDecodeError as exc:
        raise TutorError(f"{learner} is not UTF-8 text (byte {exc.start}).", hint="Save the file as UTF-8.") from None
    name = learner.name if _SAFE_NAME.match(learner.name) else "submission.py"
    return Script(learner, source=source, job_name=name)


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
        text = read_limited(Path(path), MAX_NOTEBOOK, "notebook").decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TutorError(f"Cannot read {path}: {exc}.") from None
    return parse_cells(text, str(path))


def parse_cells(text: str, name: str) -> list[tuple[str, str]]:
    """`read_cells` for a notebook's text; `name` is how messages call the notebook. Bounded: the text,
    its JSON values, each cell's code and all of its code together have limits, checked before parsing."""
    data = _json(text, name)
    version = data.get("nbformat") if isinstance(data, dict) else None
    if version != 4:
        what = f"a version {version} notebook" if isinstance(version, int) else "not a Jupyter notebook (no nbformat version)"
        raise TutorError(f"{name} is {what}; pytorch-tutor reads version 4 notebooks.", hint=_RESAVE)
    if not isinstance(data.get("cells"), list):
        raise TutorError(f"{name} is not a valid notebook: it has no list of cells.", hint=_RESAVE)
    code = [(i, c) for i, c in enumerate(data["cells"], 1) if isinstance(c, dict) and c.get("cell_type") == "code"]
    counts = Counter(_count(c) for _, c in code)
    cells = [_code(name, i, c, counts) for i, c in code]
    total = sum(len(source) for _, source in cells)
    if total > MAX_SOURCE:
        too_large(name, "notebook's code", total, MAX_SOURCE)
    if not any(source.strip() for _, source in cells):
        raise TutorError(f"{name} has no code cells to grade.", hint="Write your code in code cells; `pytorch-tutor notebook NN` makes a notebook to start from.")
    return cells


def _json(text: str, name: str):
    """The notebook's JSON; a TutorError for text that is not JSON, or too deeply nested to read safely."""
    if len(text) > MAX_NOTEBOOK:
        too_large(name, "notebook", len(text.encode("utf-8", "replace")), MAX_NOTEBOOK)
    try:
        boundedjson.scan(text, _NOTEBOOK)
        return json.loads(text)
    except boundedjson.TooLarge as exc:
        if exc.what == "depth":
            raise TutorError(f"{name} is not a valid notebook: its JSON is nested too deeply.", hint=_RESAVE) from None
        raise TutorError(f"{name}: your notebook is too large to grade ({exc}).", hint=SMALLER) from None
    except boundedjson.Malformed as exc:
        raise TutorError(f"{name} is not a valid notebook: it is not JSON ({exc}).", hint=_RESAVE) from None
    except json.JSONDecodeError as exc:
        raise TutorError(f"{name} is not a valid notebook: it is not JSON ({exc.msg}, line {exc.lineno}).", hint=_RESAVE) from None
    except (ValueError, RecursionError) as exc:  # e.g. a number with more digits than Python converts
        raise TutorError(f"{name} is not a valid notebook: {exc}.", hint=_RESAVE) from None


def _code(name: str, number: int, cell: dict, counts: Counter) -> tuple[str, str]:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) and all(isinstance(s, str) for s in source) else source
    if not isinstance(source, str):
        raise TutorError(f"{name} is not a valid notebook: cell {number} has no readable source.", hint=_RESAVE)
    if len(source) > MAX_CELL:
        too_large(name, f"notebook's cell {number}", len(source), MAX_CELL)
    count = _count(cell)
    return (f"In [{count}]" if count is not None and counts[count] == 1 else f"cell {number}"), source


def _count(cell: dict) -> int | None:
    """The cell's execution count when it has a plausible one."""
    count = cell.get("execution_count")
    return count if type(count) is int and 0 < count < 10**9 else None


def _errors(payload) -> Iterator[dict]:
    """Every error the learner's process reported (defensively: the payload is learner-process data)."""
    payload = payload if isinstance(payload, dict) else {}
    outcomes = payload.get("outcomes") if isinstance(payload.get("outcomes"), dict) else {}
    cases = [o for case in outcomes.values() if isinstance(case, list) for o in case if isinstance(o, dict)]
    errors = [payload.get("import_error")] + [o.get("error") for o in cases]
    yield from (e for e in errors if isinstance(e, dict) and isinstance(e.get("frames"), list))
