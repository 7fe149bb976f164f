"""The learner's attempt history: `.pytorch-tutor/history.jsonl` in the course folder.

Every check (command line, watch, notebook) appends one line: when, which exercise, the
verdict, the failing checks, the known mistake matched and how many hints the result showed;
every `hint` appends one too. It never holds code, messages or values: only names the course
itself defines. The file keeps its last MAX_LINES lines, and each change is a locked rewrite
to a temporary file and an atomic replace. A learner may hand it in beside the exercise files:
`grade` reads it back with `parse` as hostile input (bounded, every field validated), and it
never changes a score. Nothing here imports torch.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from grader.isolation.filelock import exclusive

NAME = "history.jsonl"
MAX_LINES = 2000  # lines kept; the oldest go first
MAX_BYTES = 1 << 20  # a handed-in history larger than this is not read
MAX_LINE = 2000  # characters of one line read back
VERDICTS = ("passed", "failed", "error")
_WORD = re.compile(r"[^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff<>&]{1,120}")  # a name


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check_line(result) -> dict:
    """The history line of an ExerciseResult: names and counts only."""
    failing = [c for c in result.checks if not c.passed]
    mistake = next((c.mistake for c in failing if c.mistake), "")
    shown = sum(bool(c.hint) for c in failing) + bool(result.hint and result.status == "error")
    return {"t": now_iso(), "kind": "check", "exercise": result.exercise, "verdict": result.status,
            "failing": [c.name for c in failing][:50], "mistake": mistake, "hints": shown}


def hint_line(exercise_id: str, target: str, level: int) -> dict:
    return {"t": now_iso(), "kind": "hint", "exercise": exercise_id, "function": target, "level": level}


def append(state_dir: Path, line: dict) -> None:
    """Add `line` to the history in `state_dir`, keeping the last MAX_LINES; never raises for a file problem."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        with exclusive(state_dir / "history.lock"):
            kept = _tail(state_dir / NAME)[-(MAX_LINES - 1):]
            _replace(state_dir / NAME, "".join(kept) + json.dumps(line, ensure_ascii=False) + "\n")
    except OSError:
        pass  # a history that cannot be written costs the history, never the check


def _tail(path: Path) -> list[str]:
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - MAX_BYTES))
            data = fh.read(MAX_BYTES)
    except FileNotFoundError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    return [line if line.endswith("\n") else line + "\n" for line in lines if line.strip()]


def _replace(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".history-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def parse(data: bytes, exercises: set[str]) -> tuple[list[dict], int]:
    """The valid lines of a handed-in history (about `exercises` only), and how many were refused."""
    if len(data) > MAX_BYTES:
        return [], 1
    lines, refused = [], 0
    for raw in data.decode("utf-8", errors="replace").splitlines()[-MAX_LINES:]:
        if not raw.strip():
            continue
        line = _valid(raw, exercises)
        refused += line is None
        if line is not None:
            lines.append(line)
    return lines, refused


def _valid(raw: str, exercises: set[str]) -> dict | None:
    if len(raw) > MAX_LINE:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("exercise") not in exercises or time_of(data.get("t")) is None:
        return None
    if data.get("kind") == "hint":
        ok = _word(data.get("function"), empty=True) and type(data.get("level")) is int and 0 < data["level"] < 1000
        return {k: data[k] for k in ("t", "kind", "exercise", "function", "level")} if ok else None
    failing = data.get("failing")
    ok = (data.get("kind") == "check" and data.get("verdict") in VERDICTS and isinstance(failing, list)
          and len(failing) <= 50 and all(_word(f) for f in failing) and _word(data.get("mistake"), empty=True)
          and type(data.get("hints")) is int and 0 <= data["hints"] < 1000)
    return {k: data[k] for k in ("t", "kind", "exercise", "verdict", "failing", "mistake", "hints")} if ok else None


def _word(value: object, empty: bool = False) -> bool:
    return isinstance(value, str) and (bool(_WORD.fullmatch(value)) or (empty and value == ""))


def time_of(value: object) -> datetime | None:
    """A line's time, timezone-aware; None for anything else."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else None
