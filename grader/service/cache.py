"""The server's reference outcomes, kept only while they are provably current.

The engine caches an exercise's checks module, reference, outcomes and mistake book per file
modification time (`grader.judging.reference`). A server lives for hours, so it keys them more
strictly: by a hash of every file of the exercise's reference folder (checks, solution, mistakes,
styles, data), the course's `course.toml` (its version), torch's version and the grader's. When
the key of an exercise changes, everything cached for it is dropped before the next check, so
editing a check or a solution never serves a stale expectation.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from grader.course import Course, Exercise
from grader.judging.reference import forget_exercise


def reference_key(course: Course, exercise: Exercise, grader_stamp: str) -> str:
    """A hash of what the exercise's expected outcomes depend on."""
    import torch

    digest = hashlib.sha256(f"{torch.__version__}\0{grader_stamp}\0".encode())
    toml = course.root / "reference" / "course.toml"
    for path in ([toml] if toml.is_file() else []) + _files(exercise.folder):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"<unreadable>"
        digest.update(f"{path}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    found = []
    for where, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [Path(where) / f for f in sorted(files) if not f.endswith(".pyc")]
    return found


class ReferenceCache:
    """Remembers each exercise's key; `refresh` drops the engine's caches of an exercise whose key changed."""

    def __init__(self, grader_stamp: str):
        self.stamp = grader_stamp
        self.keys: dict[str, str] = {}
        self.dropped = 0  # how many times cached outcomes were dropped (for `server status` and tests)

    def refresh(self, course: Course, exercise: Exercise) -> None:
        key = reference_key(course, exercise, self.stamp)
        if self.keys.get(exercise.id) not in (None, key):
            forget_exercise(exercise.folder)
            self.dropped += 1
        self.keys[exercise.id] = key

