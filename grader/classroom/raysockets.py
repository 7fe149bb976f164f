"""A short folder for a new local Ray cluster's files when the usual one is too long.

Ray puts a local cluster's unix sockets about 64 bytes below its folder ($RAY_TMPDIR, else $TMPDIR,
else /tmp, then `ray/`), and a unix socket's path holds at most 107 bytes: with a long TMPDIR,
`ray.init` fails with an OSError. `grade --ray` then starts the cluster in a folder of its own
under /tmp, removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from typing import Iterator

from grader.errors import TutorError
from grader.text import clean_line

SOCKET_ROOM = 40  # bytes for the cluster's folder: 40 + about 64 below it stays under 107


@contextlib.contextmanager
def socket_folder(local: bool) -> Iterator[str | None]:
    """A short folder of this run's for a new local cluster's files when the usual one ($RAY_TMPDIR, else
    $TMPDIR, else /tmp) is too long for its unix sockets (a path of at most 107 bytes); None when it is not."""
    usual = os.path.join(os.environ.get("TMPDIR") or "/tmp", "ray")  # Ray's own choice on Linux
    if not local or os.environ.get("RAY_TMPDIR") or len(usual.encode()) <= SOCKET_ROOM:
        yield None
        return
    try:
        folder = tempfile.mkdtemp(prefix="ptt-ray-", dir="/tmp")
    except OSError as exc:
        raise TutorError(f"TMPDIR is too long for Ray's sockets ({len(usual.encode())} bytes, at most {SOCKET_ROOM}), "
                         f"and /tmp cannot hold a short folder instead ({clean_line(exc.strerror)}).",
                         hint="Set RAY_TMPDIR (or TMPDIR) to a short folder you may write to.") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
