"""The class-grading cache, `OUT/.cache.json`: a submission is graded again only when
something that decides its grade has changed.

A submission's key is a hash of its file's content and name, the course version, the
exercise's reference and checks files, the time limit, the grader's version and the boundary
it is graded behind (the isolation layers in force and --unsafe-no-sandbox): a result graded
without the boundary is never reused under it. The
cache also remembers each exercise's checks (names and points), so a class whose
files are all unchanged is regraded without importing torch.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from grader.classroom.bookfiles import CACHE_FILE, write_text
from grader.classroom.gradebook import is_entry

CACHE_FORMAT = 2  # 2: entries carry `where` and `isolation` (keys made before the boundary was in them simply miss)


class GradeCache:
    def __init__(self, out: Path, course, timeout: float | None, boundary: object = None):
        """`boundary`: what the learner's code is graded behind (JSON), part of every key."""
        self.path, self.course, self.timeout, self.boundary = out / CACHE_FILE, course, timeout, boundary
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

    def text(self) -> str:
        """The cache as the gradebook carries it."""
        ordered = {name: dict(sorted(part.items())) for name, part in self.data.items()}  # whatever order they finished in
        return json.dumps({"format": CACHE_FORMAT, **ordered}) + "\n"

    def save(self) -> None:
        """Into the existing gradebook folder (an interrupted run keeps what it finished there)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text(self.path, self.text())

    def digest(self, exercise) -> str:
        if exercise.id not in self.digests:
            sha = hashlib.sha256()
            for path in (exercise.solution, exercise.checks, *exercise.mistakes):  # mistakes decide hints
                sha.update(path.name.encode() + b"\0" + path.read_bytes())
            self.digests[exercise.id] = sha.hexdigest()
        return self.digests[exercise.id]

    def checks(self, exercise) -> list[tuple[str, float]]:
        """Each of the exercise's checks as (name, points)."""
        known = self.data["checks"]
        if not _checks_ok(known.get(exercise.id), self.digest(exercise)):
            from grader.judging.reference import check_points

            known[exercise.id] = {"digest": self.digest(exercise), "checks": [list(c) for c in check_points(exercise)]}
        return [(name, points) for name, points in known[exercise.id]["checks"]]

    def key(self, sub) -> str:
        """What decides `sub`'s grade, hashed: the bytes read at plan time (the ones graded), its name,
        the boundary, ..."""
        content = hashlib.sha256(sub.data).hexdigest()
        limit = self.timeout or sub.exercise.timeout
        parts = [CACHE_FORMAT, tool_version(), self.course.version, self.digest(sub.exercise), content, sub.label, limit,
                 self.boundary]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def get(self, sub, key: str) -> dict | None:
        hit = self.data["entries"].get(_slot(sub))
        ok = isinstance(hit, dict) and hit.get("key") == key and is_entry(hit.get("entry"))
        return hit["entry"] if ok else None

    def put(self, sub, key: str, entry: dict) -> None:
        self.data["entries"][_slot(sub)] = {"key": key, "entry": entry}


def _checks_ok(known: object, digest: str) -> bool:
    """A remembered list of an exercise's checks, for this version of its files, as [[name, points], ...]."""
    if not (isinstance(known, dict) and known.get("digest") == digest and isinstance(known.get("checks"), list)):
        return False
    return all(isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and type(c[1]) in (int, float)
               for c in known["checks"])


def _slot(sub) -> str:
    return f"{sub.student}/{sub.exercise.id}"


def tool_version() -> str:
    """The installed pytorch-tutor's version ("unknown" for a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytorch-tutor")
    except PackageNotFoundError:
        return "unknown"
