"""The learner's progress: `.pytorch-tutor/progress.json` in the course folder.

Only the grader writes it. Every change is a locked read-modify-write followed
by an atomic replace, so two checks at once, or a check killed mid-write, never
lose or corrupt it. A corrupt file is moved aside (never deleted) and rebuilt.
Nothing here imports torch.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

VERSION = 1
NOT_STARTED, FAILING, PASSED = "not started", "failing", "passed"


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

    def record_check(self, exercise_id: str, passed: bool, focus: str = "") -> dict:
        """Record a check; `focus` is the function of the first failing check (where `hint` starts)."""
        def change(entry: dict) -> None:
            stamp = now_iso()
            entry["attempts"] = entry.get("attempts", 0) + 1
            entry.setdefault("first_checked", stamp)
            entry["last_checked"] = stamp
            if passed:
                entry["status"] = PASSED
                entry.setdefault("passed_at", stamp)
            elif entry.get("status") != PASSED:
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

        return self.update(exercise_id, change)["hints"][target] - 1

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
        with open(self.dir / "progress.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _load(self) -> dict:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": VERSION, "exercises": {}}
        except OSError as exc:
            self.warnings.append(f"Could not read {self.path}: {exc}; showing no progress.")
            return {"version": VERSION, "exercises": {}}
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
                raise ValueError("not a pytorch-tutor progress file")
            if not all(isinstance(v, dict) for v in data["exercises"].values()):
                raise ValueError("an exercise entry is not a table")
            return data
        except ValueError as exc:
            return self._set_aside(exc)

    def _set_aside(self, exc: Exception) -> dict:
        backup = self.path.with_name(f"progress.corrupt-{time.strftime('%Y%m%d-%H%M%S')}.json")
        try:
            os.replace(self.path, backup)
            where = f"it was moved to {backup.name}"
        except OSError:
            where = "it was left in place"
        self.warnings.append(f"Your progress file was damaged ({exc}); {where} and progress starts afresh.")
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
