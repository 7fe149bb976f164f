"""The server's transport on Linux and macOS: a Unix socket in the user's private folder.

The socket file is made rw for the user only; every connection's peer must run as this user,
checked by both ends: SO_PEERCRED on Linux, LOCAL_PEERCRED (struct xucred) on macOS. Frames are
`grader.isolation.protocol`'s: an 8-byte length and bytes, read with a deadline and a size cap.
"""

from __future__ import annotations

import os
import socket
import struct
import sys
from pathlib import Path

from grader.isolation import protocol

MAX_PATH = 100  # bytes of a socket's path: sun_path holds 108 on Linux, 104 on macOS
SOL_LOCAL, LOCAL_PEERCRED = 0, 0x001  # macOS <sys/un.h>
XUCRED = struct.Struct("IIh16I")  # struct xucred (native alignment: 76 bytes): u_int cr_version, uid_t cr_uid,
# short cr_ngroups, gid_t cr_groups[16]
XUCRED_VERSION = 0


class Channel:
    """One connection: a JSON object each way, framed."""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def send(self, data: dict) -> None:
        protocol.send_json(self.sock, data)

    def receive(self, deadline: float, cap: int) -> dict:
        return protocol.receive_json(self.sock, deadline=deadline, cap=cap)[0]

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "Channel":
        return self

    def __exit__(self, *_) -> None:
        self.close()


class Listener:
    def __init__(self, path: Path):
        path.unlink(missing_ok=True)  # the caller holds the lock: a leftover file is ours to remove
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # the socket file itself: rw for the user only
        try:
            self.sock.bind(str(path))
        finally:
            os.umask(old)
        self.sock.listen(8)

    def accept(self, seconds: float) -> Channel | None:
        """The next connection within `seconds`, or None; `Refused` from grader.service.transport if its peer is
        not this user (the connection is closed)."""
        from grader.service.transport import Refused

        self.sock.settimeout(seconds)
        try:
            conn, _ = self.sock.accept()
        except socket.timeout:
            return None
        conn.settimeout(None)
        if peer_uid(conn) != user():
            conn.close()
            raise Refused("a peer of another user")
        return Channel(conn)

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "Listener":
        return self

    def __exit__(self, *_) -> None:
        self.close()


def address(base: Path) -> Path:
    from grader.service.transport import Refused

    path = base.with_suffix(".sock")
    if len(os.fsencode(path)) > MAX_PATH:
        raise Refused(f"{path} is too long for a Unix socket's address")
    return path


def listen(path: Path) -> Listener:
    return Listener(path)


def connect(path: Path, seconds: float) -> Channel:
    """A connection to the server at `path`, whose process runs as this user; Refused otherwise."""
    from grader.service.transport import Refused

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(seconds)
    try:
        sock.connect(str(path))
    except OSError as exc:
        sock.close()
        raise Refused(f"no server at {path} ({exc.strerror})") from None
    sock.settimeout(None)
    if peer_uid(sock) != user():
        sock.close()
        raise Refused("the server at that address runs as another user")
    return Channel(sock)


def peer_uid(sock: socket.socket, platform: str = sys.platform) -> int | None:
    """The uid of the process at the other end of a connected Unix socket (None where unknown)."""
    if platform.startswith("linux"):
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[1]  # struct ucred: pid, uid, gid
    if platform == "darwin":
        return xucred_uid(sock.getsockopt(SOL_LOCAL, LOCAL_PEERCRED, XUCRED.size))
    return None


def xucred_uid(creds: bytes) -> int | None:
    """cr_uid of a struct xucred as getsockopt(LOCAL_PEERCRED) fills it; None for a short or unknown one."""
    if len(creds) < 8:
        return None
    version, uid = struct.unpack_from("=II", creds)
    return uid if version == XUCRED_VERSION else None


def lock(path: Path):
    """The open lock file once we hold it (without waiting), else None."""
    import fcntl

    handle = open(path, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return handle
    except OSError:
        handle.close()
        return None


def user() -> int:
    return os.getuid()


def private(info: os.stat_result) -> bool:
    """A folder of this user that nobody else may open."""
    return info.st_uid == user() and not info.st_mode & 0o077
