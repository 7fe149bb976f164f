"""The class-grading cache, `OUT/.cache.json`: a submission is graded again only when
something that decides its grade has changed.

A submission's key is a hash of its file's content and name, the course version, the
exercise's reference and checks files, the time limit and the grader's version. The
cache also remembers each exercise's checks (names and points), so a class whose
files are all unchanged is regraded without importing torch.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from grader.classroom.gradebook import write_text

CACHE_FILE = ".cache.json"
CACHE_FORMAT = 1


class GradeCache:
    def __init__(self, out: Path, course, timeout: float | None):
        self.path, self.course, self.timeout = out / CACHE_FILE, course, timeout
        self.warnings: list[str] = []
        self.data = self._load()  # {"checks": {id: {digest, checks}}, "entries": {"student/id": {key, entry}}}
        self.digests: dict[str, str] = {}

    def _load(self) -> dict[str, dict]:
        empty = {"checks": {}, "entries": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == CACHE_FORMAT and all(isinstance(data.get(k), dict) for k in empty):
                return {k: data[k] for k in empty}
        except FileNotFoundError:
            return empty
        except (OSError, ValueError, AttributeError):
            pass
        self.warnings.append(f"the cache {self.path} could not be read, so every submission was graded again")
        return empty

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text(self.path, json.dumps({"format": CACHE_FORMAT, **self.data}) + "\n")

    def digest(self, exercise) -> str:
        if exercise.id not in self.digests:
            sha = hashlib.sha256()
            for path in (exercise.solution, exercise.checks):
                sha.update(path.read_bytes())
            self.digests[exercise.id] = sha.hexdigest()
        return self.digests[exercise.id]

    def checks(self, exercise) -> list[tuple[str, float]]:
        """Each of the exercise's checks as (name, points)."""
        known = self.data["checks"]
        if known.get(exercise.id, {}).get("digest") != self.digest(exercise):
            from grader.engine import load_reference

            checks, _ = load_reference(exercise)
            known[exercise.id] = {"digest": self.digest(exercise), "checks": [[c.name, c.points] for c in checks.CHECKS]}
        return [(name, points) for name, points in known[exercise.id]["checks"]]

    def key(self, sub) -> str | None:
        try:
            content = hashlib.sha256(sub.path.read_bytes()).hexdigest()
        except OSError:
            return None  # never cached: graded every time, and the result says why it could not be read
        limit = self.timeout or sub.exercise.timeout
        parts = [CACHE_FORMAT, _tool_version(), self.course.version, self.digest(sub.exercise), content, sub.label, limit]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def get(self, sub, key: str | None) -> dict | None:
        hit = self.data["entries"].get(_slot(sub))
        return hit["entry"] if key is not None and hit and hit.get("key") == key else None

    def put(self, sub, key: str | None, entry: dict) -> None:
        if key is not None:
            self.data["entries"][_slot(sub)] = {"key": key, "entry": entry}


def _slot(sub) -> str:
    return f"{sub.student}/{sub.exercise.id}"


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytorch-tutor")
    except PackageNotFoundError:
        return "unknown"
