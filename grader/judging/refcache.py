"""The reference's outcomes of an exercise, kept on disk between cold checks.

A cold `check` is a new process: without this file it would load the reference solution and run
every check on it again, beside the learner's process, on every check. The trusted side writes what
it computed to `.pytorch-tutor/reference-cache/ID.bin` (the course's state folder, which learner
code cannot read or write behind the Linux boundary) and the next cold check reads it instead.

Safe by construction:
  keyed     by a SHA-256 of everything the outcomes depend on: every file of the exercise's reference
            folder but its mistakes and styles (the checks, the solution, an author's data or helpers)
            and course.toml (their bytes), the grader's own source, and the versions of
            Python, torch and numpy, the machine and the stand-in switch; any change is a miss;
  atomic    written to a temporary file in the same folder, then renamed over the old one;
  checked   the body's SHA-256 is in the header; the file is read with a size cap, its frames and
            JSON with the channel's bounds (`grader.judging.channel`), and its shape checked against
            the checks; anything wrong is a miss (recomputed and rewritten), never an error.
The values come back exactly as computed: the same JSON plus safetensors the learner's results
travel in, restored without the learner-side schema's text cleaning.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from grader import boundedjson
from grader.course import Exercise
from grader.judging import channel

FORMAT = 1
MAX_FILE = channel.MAX_MESSAGE + 4096
_HEADER = boundedjson.Limits(size=1024, nodes=8, depth=2, string=128)


def key(exercise: Exercise) -> str:
    """The hex SHA-256 that names this exercise's reference outcomes as they would be computed now."""
    import numpy
    import torch

    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{platform.machine()}\0{torch.__version__}\0"
                            f"{numpy.__version__}\0{os.environ.get('PYTORCH_TUTOR_STANDINS', '')}\0".encode())
    digest.update(_grader_source().encode())
    for path in (*_reference_files(exercise.folder), exercise.folder.parent / "course.toml"):
        name = path.relative_to(exercise.folder.parent).as_posix()
        digest.update(b"\0" + name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


def _reference_files(folder: Path) -> list[Path]:
    """Every file of the exercise's reference folder the outcomes may depend on: the checks, the solution,
    and whatever an author put beside them (data, helpers); not its mistakes, styles or byte code."""
    skip = {"mistakes", "styles", "__pycache__"}
    return sorted(p for p in folder.rglob("*") if p.is_file() and not skip & set(p.relative_to(folder).parts[:-1]))


@functools.lru_cache(maxsize=1)
def _grader_source() -> str:
    """A SHA-256 of the grader package's source (the probes, the encoding, the kit, the stand-ins)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load(folder: Path, exercise: Exercise, wanted: str) -> dict | None:
    """The outcomes stored for `exercise` under key `wanted`, or None (absent, stale, corrupt, too large);
    `fits` then says whether they have the shape of the checks."""
    try:
        with open(folder / f"{exercise.id}.bin", "rb") as f:
            data = f.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            return None
        head, body = channel.frames(data, 2)
        header = boundedjson.loads(head, _HEADER)
        if type(header) is not dict or header.get("key") != wanted:
            return None
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        json_frame, tensor_frame = channel.frames(body, 2)
        document, tensors = channel.unpack(json_frame, tensor_frame)
        found = _restore(document, tensors)
        return found if type(found) is dict else None
    except (OSError, ValueError, KeyError, TypeError, RecursionError, channel.Unreadable):
        return None


def store(folder: Path, exercise: Exercise, wanted: str, outcomes: dict) -> None:
    """Write `outcomes` for `exercise` under key `wanted`, atomically; a folder that cannot be written is no error."""
    try:
        body = channel.pack(outcomes)
        header = json.dumps({"key": wanted, "sha256": hashlib.sha256(body).hexdigest()}).encode()
        folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{exercise.id}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(channel.frame(header) + channel.frame(body))
            os.replace(temporary, folder / f"{exercise.id}.bin")
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        pass


def _restore(node: Any, tensors: dict) -> Any:
    """The document with each {"$tensor": name} replaced by its tensor (an unknown name: KeyError)."""
    if type(node) is dict:
        if set(node) == {"$tensor"}:
            return tensors[node["$tensor"]]
        return {k: _restore(v, tensors) for k, v in node.items()}
    if type(node) is list:
        return [_restore(v, tensors) for v in node]
    return node


def fits(outcomes: dict, cases: dict[str, int]) -> bool:
    """Whether `outcomes` has the shape of the outcomes of checks with these names and case counts:
    for each check, a list of at most its number of cases, each an outcome (a dict)."""
    if set(outcomes) != set(cases):
        return False
    return all(type(v) is list and len(v) <= cases[k] and all(type(e) is dict for e in v) for k, v in outcomes.items())
