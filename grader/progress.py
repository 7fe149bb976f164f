"""The learner's progress: `.pytorch-tutor/progress.json` in the course folder.

Only the grader writes it. Every change is a locked read-modify-write followed
by an atomic replace, so two checks at once, or a check killed mid-write, never
lose or corrupt it. A file that is not JSON, or whose fields have the wrong types
(hand-edited, or written by another version), is moved aside (never deleted) and rebuilt.
Nothing here imports torch.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from grader.isolation.filelock import exclusive
from grader.text import clean_line

VERSION = 1
NOT_STARTED, FAILING, PASSED = "not started", "failing", "passed"
STATUSES = (NOT_STARTED, FAILING, PASSED)
FIELDS = {"status": str, "last_result": str, "first_checked": str, "last_checked": str, "passed_at": str,
          "attempts": int, "hints_shown": int}  # an exercise's entry: the type of each field the grader reads


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Progress:
    def __init__(self, state_dir: Path):
        self.dir = state_dir
        self.path = state_dir / "progress.json"
        self.warnings: list[str] = []

    def read(self) -> dict:
        """Progress per exercise id. Never raises for a missing or corrupt file."""
        with self._locked():
            return self._load()["exercises"]

    def entry(self, exercise_id: str) -> dict:
        return self.read().get(exercise_id, {})

    def record_result(self, exercise_id: str, result) -> dict:
        """Record an ExerciseResult: an untouched stub (every check "not implemented yet") stays "not started".
        A line is added to the attempt history too (`grader.history`)."""
        entry = self.record_check(exercise_id, result.passed, focus=result.focus, started=not result.not_started)
        from grader import history

        history.append(self.dir, history.check_line(result))
        return entry

    def record_check(self, exercise_id: str, passed: bool, focus: str = "", started: bool = True) -> dict:
        """Record a check; `focus` is the function of the first failing check (where `hint` starts);
        `started=False` (nothing written yet) leaves a status that is not "passed" as it was."""
        def change(entry: dict) -> None:
            stamp = now_iso()
            entry["attempts"] = entry.get("attempts", 0) + 1
            entry.setdefault("first_checked", stamp)
            entry["last_checked"] = stamp
            if passed:
                entry["status"] = PASSED
                entry.setdefault("passed_at", stamp)
            elif entry.get("status") != PASSED and started:
                entry["status"] = FAILING
            entry["last_result"] = "passed" if passed else "failed"
            entry["focus"] = focus

        return self.update(exercise_id, change)

    def next_hint(self, exercise_id: str, available: int, target: str = "") -> int:
        """Advance and return the index of the next hint of `target`'s ladder (stays on the last)."""
        def change(entry: dict) -> None:
            shown = entry.get("hints") if isinstance(entry.get("hints"), dict) else {}
            count = shown.get(target, 0) if isinstance(shown.get(target, 0), int) else 0
            shown[target] = min(count + 1, available)
            entry["hints"] = shown

        index = self.update(exercise_id, change)["hints"][target] - 1
        from grader import history

        history.append(self.dir, history.hint_line(exercise_id, target, index + 1))
        return index

    def update(self, exercise_id: str, change: Callable[[dict], None]) -> dict:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            data = self._load()
            entry = data["exercises"].setdefault(exercise_id, {"status": NOT_STARTED})
            change(entry)
            self._write(data)
            return dict(entry)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if not self.dir.is_dir():
            yield
            return
        with exclusive(self.dir / "progress.lock"):
            yield

    def _load(self) -> dict:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {"version": VERSION, "exercises": {}}
        except OSError as exc:
            self.warnings.append(f"Could not read {self.path}: {exc}; showing no progress.")
            return {"version": VERSION, "exercises": {}}
        try:
            data = json.loads(raw)  # not UTF-8 text is a ValueError too
        except (ValueError, RecursionError) as exc:
            return self._set_aside(str(exc))
        problem = shape_problem(data)
        return self._set_aside(problem) if problem else data

    def _set_aside(self, problem: str) -> dict:
        stamp, n = time.strftime("%Y%m%d-%H%M%S"), 1
        backup = self.path.with_name(f"progress.corrupt-{stamp}.json")
        while backup.exists():  # an earlier damaged file of the same second is kept too
            n += 1
            backup = self.path.with_name(f"progress.corrupt-{stamp}-{n}.json")
        try:
            os.replace(self.path, backup)
            where = f"it was moved to {backup.name}"
        except OSError:
            where = "it was left in place"
        self.warnings.append(f"Your progress file was damaged ({problem}); {where} and progress starts afresh.")
        return {"version": VERSION, "exercises": {}}

    def _write(self, data: dict) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".progress-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def shape_problem(data: object) -> str:
    """Why `data` is not a progress file the grader can use, or "" if it is: every field the
    grader reads must have its type (a count a non-negative int, a status one of STATUSES)."""
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        return "not a pytorch-tutor progress file"
    if type(data.get("version", VERSION)) is not int:
        return "its version is not a number"
    for exercise_id, entry in data["exercises"].items():
        name = clean_line(exercise_id, 60)
        if not isinstance(entry, dict):
            return f"the entry for {name} is not a table"
        wrong = next((key for key, value in entry.items() if not _field_ok(key, value)), None)
        if wrong is not None:
            return f"{name}: {clean_line(wrong, 60)} is {clean_line(repr(entry[wrong]), 60)}"
    return ""


def _field_ok(key: str, value: object) -> bool:
    wanted = FIELDS.get(key)
    if wanted is None:
        return True  # a field this version does not read
    if type(value) is not wanted:  # `type is`, so True is not a count
        return False
    if key == "status":
        return value in STATUSES
    return value >= 0 if wanted is int else True
