"""The server's transport on Windows: a named pipe, through `multiprocessing.connection` (AF_PIPE).

The stdlib's named-pipe code (overlapped I/O, message mode) is well kept; this module adds what it
lacks. The pipe is created as the first instance of its name (FILE_FLAG_FIRST_PIPE_INSTANCE: a
name someone else took makes the server fail, never share), with the default DACL: full control
for the creator owner, LocalSystem and administrators, read access for Everyone (who can then
neither send a request nor be sent anything, as nothing is sent before a request). Both ends then
compare the other process's user SID with their own (GetNamedPipeClientProcessId /
GetNamedPipeServerProcessId, the process token's TOKEN_USER), as SO_PEERCRED's uid is compared
on Linux. The name holds a hash of the user and of the course folder's path.

Never run on the machines this project is tested on: tests/test_transport.py checks the choice of
this module, the pipe's name, and the framing and peer checks against stand-ins.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import queue
import threading
import time
from pathlib import Path

from grader.isolation import protocol

PREFIX = "\\\\.\\pipe\\pytorch-tutor-"
PROCESS_QUERY_LIMITED_INFORMATION, TOKEN_QUERY, TOKEN_USER = 0x1000, 0x0008, 1


class Channel:
    """One connection (a multiprocessing Connection over the pipe): a JSON object each way, one message each."""

    def __init__(self, conn):
        self.conn = conn

    def send(self, data: dict) -> None:
        self.conn.send_bytes(json.dumps(data).encode("utf-8"))

    def receive(self, deadline: float, cap: int) -> dict:
        try:
            if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                raise protocol.Lost("no answer before the deadline")
            return protocol.parse_json(self.conn.recv_bytes(maxlength=cap))
        except (OSError, EOFError) as exc:  # larger than cap ("bad message length"), or closed
            raise protocol.Lost(f"the connection failed ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Channel":
        return self

    def __exit__(self, *_) -> None:
        self.close()


class Listener:
    """The server's pipe; a thread accepts (the stdlib's accept has no timeout) and hands connections over."""

    def __init__(self, name: str, make=None):
        from multiprocessing import connection

        self.pipe = (make or connection.Listener)(name, family="AF_PIPE")
        self.ready: queue.Queue = queue.Queue(maxsize=1)  # at most one accepted and not yet served
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn = self.pipe.accept()
            except OSError:
                return  # closed
            self.ready.put(conn)

    def accept(self, seconds: float) -> Channel | None:
        from grader.service.transport import Refused

        try:
            conn = self.ready.get(timeout=seconds)
        except queue.Empty:
            return None
        if not same_user(client_pid(conn)):
            conn.close()
            raise Refused("a peer of another user")
        return Channel(conn)

    def close(self) -> None:
        self.pipe.close()

    def __enter__(self) -> "Listener":
        return self

    def __exit__(self, *_) -> None:
        self.close()


def address(base: Path) -> str:
    """The pipe's name: the user's hash and the course's (`base` is named by the course folder's hash)."""
    return f"{PREFIX}{hashlib.sha256(user().encode()).hexdigest()[:12]}-{base.name}"


def listen(name: str) -> Listener:
    return Listener(name)


def connect(name: str, seconds: float, make=None) -> Channel:
    """A connection to the server at `name`, whose process runs as this user; Refused otherwise."""
    from multiprocessing import connection

    from grader.service.transport import Refused

    try:
        conn = (make or connection.Client)(name, family="AF_PIPE")
    except OSError as exc:  # no such pipe; every instance busy for a second
        raise Refused(f"no server at {name} ({exc})") from None
    if not same_user(server_pid(conn)):
        conn.close()
        raise Refused("the server at that address runs as another user")
    return Channel(conn)


def client_pid(conn) -> int | None:
    return _pipe_pid("GetNamedPipeClientProcessId", conn)


def server_pid(conn) -> int | None:
    return _pipe_pid("GetNamedPipeServerProcessId", conn)


def _pipe_pid(function: str, conn) -> int | None:
    import ctypes
    from ctypes import wintypes

    pid = wintypes.ULONG()
    call = getattr(ctypes.WinDLL("kernel32", use_last_error=True), function)
    call.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.ULONG)]
    return pid.value if call(conn.fileno(), ctypes.byref(pid)) else None


def same_user(pid: int | None) -> bool:
    """Whether process `pid` runs as this process's user (its token's user SID)."""
    theirs = None if pid is None else _user_sid(pid)
    return theirs is not None and theirs == _user_sid(os.getpid())


def _user_sid(pid: int) -> bytes | None:
    """The bytes of the user SID of process `pid`'s token, or None if it cannot be read."""
    import ctypes
    from ctypes import wintypes

    kernel32, advapi32 = ctypes.WinDLL("kernel32", use_last_error=True), ctypes.WinDLL("advapi32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    advapi32.GetLengthSid.argtypes = [ctypes.c_void_p]
    process = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not process:
        return None
    token = wintypes.HANDLE()
    try:
        if not advapi32.OpenProcessToken(wintypes.HANDLE(process), TOKEN_QUERY, ctypes.byref(token)):
            return None
        size = wintypes.DWORD()
        advapi32.GetTokenInformation(token, TOKEN_USER, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        if not advapi32.GetTokenInformation(token, TOKEN_USER, buffer, size, ctypes.byref(size)):
            return None
        sid = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER.User.Sid
        return ctypes.string_at(sid, advapi32.GetLengthSid(sid))
    finally:
        if token:
            kernel32.CloseHandle(token)
        kernel32.CloseHandle(wintypes.HANDLE(process))


def lock(path: Path):
    """The open lock file once we hold it (without waiting), else None."""
    import msvcrt

    handle = open(path, "a")
    try:
        handle.seek(0)  # the same first byte for every process, whatever the file's size
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return handle
    except OSError:
        handle.close()
        return None


def user() -> str:
    return getpass.getuser()


def private(info: os.stat_result) -> bool:
    """Windows keeps no owner or mode bits in a stat: the folder is under the user's own temporary folder
    (its ACL: the user, SYSTEM, administrators), and it holds only the lock and the log; the pipe's
    peers are checked by SID."""
    return True
