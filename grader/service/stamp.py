"""What a server was started with: this Python, this grader's code and this torch, as one hash.

A server whose stamp differs from its client's (the package was upgraded or edited, torch was
replaced) is stale: it says so and ends, and is replaced, never used. Computed from file names,
sizes and modification times, without importing torch (the client's path stays fast).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import os
import sys
from pathlib import Path

GRADER = Path(__file__).resolve().parents[1]


def code_stamp() -> str:
    """A hash of the interpreter, every source file of the grader (and cli.py), and torch's install."""
    digest = hashlib.sha256(f"{sys.executable}\0{sys.version}\0".encode())
    for path in _grader_files() + _torch_files():
        try:
            info = os.stat(path)
        except OSError:
            continue
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


def _grader_files() -> list[str]:
    found = [str(GRADER.parent / "cli.py")]
    for folder, dirs, files in os.walk(GRADER):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".py")]
    return found


def _torch_files() -> list[str]:
    """torch's package files that change with its version, found without importing it."""
    spec = importlib.machinery.PathFinder.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = list(spec.submodule_search_locations)[0]
    return [os.path.join(folder, "__init__.py"), os.path.join(folder, "version.py")]
