"""The server's address and the one small interface behind which its transport lives.

A Unix socket (Linux, macOS) in a folder only the user can open (0700, owned by them, not a
symbolic link): `$PYTORCH_TUTOR_SERVER_DIR`, else `$XDG_RUNTIME_DIR/pytorch-tutor`, else
`pytorch-tutor-UID` in the temporary folder. One socket per course folder, named by a hash of its
path. Every connection's peer must run as this user (SO_PEERCRED on Linux, LOCAL_PEERCRED on
macOS), checked by both ends. No TCP. Windows (a named pipe) is not built yet: `listen` and
`connect` raise the project's error there, and the client grades cold.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import struct
import sys
import tempfile
from pathlib import Path

from grader.errors import TutorError

DIR_ENV = "PYTORCH_TUTOR_SERVER_DIR"
MAX_PATH = 100  # bytes of a socket's path: sun_path holds 108 on Linux, 104 on macOS


class Refused(Exception):
    """No server to talk to here, or one that is not ours."""


def server_dir() -> Path:
    """The user's private folder of servers, made 0700 if missing; Refused if it is not private."""
    given = os.environ.get(DIR_ENV)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(given) if given else Path(runtime) / "pytorch-tutor" if runtime else \
        Path(tempfile.gettempdir()) / f"pytorch-tutor-{_uid()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as exc:
        raise Refused(f"cannot make {folder}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != _uid() or info.st_mode & 0o077:
        raise Refused(f"{folder} is not a private folder of this user")
    return folder


def address(course_root: Path) -> Path:
    """The socket of the server of `course_root` (its lock file and log are beside it)."""
    name = hashlib.sha256(str(Path(course_root).resolve()).encode()).hexdigest()[:16]
    path = server_dir() / f"{name}.sock"
    if len(os.fsencode(path)) > MAX_PATH:
        raise Refused(f"{path} is too long for a Unix socket's address")
    return path


def listen(path: Path) -> socket.socket:
    """A listening socket at `path` (the caller holds the lock, so a leftover file is removed)."""
    _supported()
    path.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # the socket file itself: rw for the user only
    try:
        sock.bind(str(path))
    finally:
        os.umask(old)
    sock.listen(8)
    return sock


def connect(path: Path, seconds: float) -> socket.socket:
    """A connection to the server at `path`, whose process runs as this user; Refused otherwise."""
    if sys.platform == "win32" or not hasattr(socket, "AF_UNIX"):
        raise Refused("no server transport on this platform yet")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(seconds)
    try:
        sock.connect(str(path))
    except OSError as exc:
        sock.close()
        raise Refused(f"no server at {path} ({exc.strerror})") from None
    sock.settimeout(None)
    if peer_uid(sock) != _uid():
        sock.close()
        raise Refused("the server at that address runs as another user")
    return sock


def peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end of a connected Unix socket (None where unknown)."""
    if sys.platform.startswith("linux"):
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[1]  # struct ucred: pid, uid, gid
    if sys.platform == "darwin":
        sol_local, local_peercred = 0, 0x001  # <sys/un.h>; struct xucred: u_int version, uid_t uid, ...
        creds = sock.getsockopt(sol_local, local_peercred, struct.calcsize("2I"))
        return struct.unpack("2I", creds)[1]
    return None


def _supported() -> None:
    if sys.platform == "win32" or not hasattr(socket, "AF_UNIX"):
        raise TutorError("The grading server has no transport on Windows yet (a named pipe is planned).",
                         hint="Checks run without it: every `check` grades in its own process.")


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0
