"""An exclusive lock on a file, for the grader's own state files (progress, history).

The one OS-specific piece the base layer needs, so it lives here and depends on nothing of the
grader (tests/test_layout.py places it in the base layer). Chosen once, at import: `flock` on
Linux and macOS, `msvcrt.locking` on Windows (which retries for 10 s and then raises: we retry).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

if os.name == "nt":
    import msvcrt

    def _lock(fd: int) -> None:
        while True:
            os.lseek(fd, 0, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # byte 0, past the end of an empty file: allowed
                return
            except OSError:  # still held after its own ten tries: keep waiting, as flock does
                continue

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the `with` block; waits for it."""
    with open(path, "a+b") as handle:
        _lock(handle.fileno())
        try:
            yield
        finally:
            _unlock(handle.fileno())
