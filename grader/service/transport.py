"""The server's address, and the one small interface behind which its transport lives.

    address(root)   where the server of a course folder listens
    files(root)     the base path of its lock and log, in the user's private folder
    listen(address) a Listener: accept(seconds) -> a Channel of a peer of this user, or None
    connect(address, seconds) -> a Channel to a server of this user; Refused otherwise
    lock(path)      the open lock file once held without waiting, else None
    Channel         send(dict), receive(deadline, cap) -> dict (protocol.Lost), close()

One implementation per OS, chosen once, here: a Unix socket on Linux and macOS
(`grader.service.unixsocket`: SO_PEERCRED / LOCAL_PEERCRED), a named pipe on Windows
(`grader.service.namedpipe`: the client's and server's user SIDs compared). No TCP. The private
folder is `$PYTORCH_TUTOR_SERVER_DIR`, else `$XDG_RUNTIME_DIR/pytorch-tutor`, else
`pytorch-tutor-UID` in the temporary folder: 0700, owned by the user, not a symbolic link. One
server per course folder, named by a hash of its path.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

DIR_ENV = "PYTORCH_TUTOR_SERVER_DIR"


class Refused(Exception):
    """No server to talk to here, or one that is not ours."""


def implementation(platform: str = sys.platform):
    """The transport module of this OS (`platform`: for tests)."""
    if platform == "win32":
        from grader.service import namedpipe

        return namedpipe
    from grader.service import unixsocket

    return unixsocket


_OS = implementation()
listen, connect, lock = _OS.listen, _OS.connect, _OS.lock
peer_uid = getattr(_OS, "peer_uid", None)


def server_dir() -> Path:
    """The user's private folder of servers, made 0700 if missing; Refused if it is not private."""
    given = os.environ.get(DIR_ENV)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(given) if given else Path(runtime) / "pytorch-tutor" if runtime else _temporary()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as exc:
        raise Refused(f"cannot make {folder}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode) or not _OS.private(info):
        raise Refused(f"{folder} is not a private folder of this user")
    return folder


def _temporary() -> Path:
    import tempfile  # here: its imports cost a warm check time where the folder is given

    return Path(tempfile.gettempdir()) / f"pytorch-tutor-{_OS.user()}"


def course_key(course_root: Path) -> str:
    return hashlib.sha256(str(Path(course_root).resolve()).encode()).hexdigest()[:16]


def files(course_root: Path) -> Path:
    """The base path of the server's lock (.lock) and log (.log)."""
    return server_dir() / course_key(course_root)


def address(course_root: Path):
    """Where the server of `course_root` listens (a socket's path; a pipe's name on Windows)."""
    return _OS.address(files(course_root))
