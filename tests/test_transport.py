"""The server's transport behind its one small interface: the implementation chosen per OS, the
macOS peer check's parsing, and the Windows named pipe's name, framing and peer checks.

The Windows and macOS code cannot run here (Linux): those tests are SIMULATED, with stand-ins for
getsockopt, for the stdlib's pipe Listener and Client (a `multiprocessing.Pipe`, whose Connection
has the same send_bytes/recv_bytes/poll as the pipe's), and for the SID comparison.
"""

from __future__ import annotations

import json
import struct
import time
from multiprocessing import Pipe
from pathlib import Path

import pytest

from grader.isolation import protocol
from grader.service import namedpipe, transport, unixsocket


@pytest.mark.parametrize("platform, module", [("linux", unixsocket), ("darwin", unixsocket), ("win32", namedpipe)])
def test_one_implementation_per_os_chosen_by_the_platform(platform, module):
    chosen = transport.implementation(platform)
    assert chosen is module
    for name in ("address", "listen", "connect", "lock", "user", "private"):
        assert callable(getattr(chosen, name)), name


class FakeSocket:
    """Simulated: getsockopt(SOL_LOCAL, LOCAL_PEERCRED) of macOS, filling a struct xucred."""

    def __init__(self, creds: bytes):
        self.creds, self.asked = creds, None

    def getsockopt(self, level, option, size):
        self.asked = (level, option, size)
        return self.creds[:size]


def test_the_macos_peer_check_reads_cr_uid_of_the_xucred(monkeypatch):
    creds = unixsocket.XUCRED.pack(0, 501, 3, 20, 12, 61, *[0] * 13)
    sock = FakeSocket(creds)
    assert unixsocket.peer_uid(sock, platform="darwin") == 501
    assert sock.asked == (0, 0x001, 76)  # SOL_LOCAL, LOCAL_PEERCRED, sizeof(struct xucred) on macOS
    assert unixsocket.xucred_uid(struct.pack("II", 1, 501)) is None  # an unknown struct version
    assert unixsocket.xucred_uid(b"\0\0\0") is None  # too short
    assert unixsocket.peer_uid(FakeSocket(b""), platform="sunos") is None


def test_the_windows_pipe_name_is_per_user_and_course_and_a_valid_pipe_name(monkeypatch):
    monkeypatch.setattr(namedpipe, "user", lambda: "alice")
    one = namedpipe.address(Path("/srv/0123456789abcdef"))
    assert one.startswith("\\\\.\\pipe\\pytorch-tutor-") and one.endswith("-0123456789abcdef")
    tail = one[len("\\\\.\\pipe\\"):]
    assert "\\" not in tail and "/" not in tail and len(one) <= 256
    monkeypatch.setattr(namedpipe, "user", lambda: "bob")
    assert namedpipe.address(Path("/srv/0123456789abcdef")) != one


def test_a_windows_channel_frames_one_json_object_each_way_with_a_cap_and_a_deadline():
    ours, theirs = Pipe()  # simulated: the pipe's PipeConnection has the same methods
    channel, other = namedpipe.Channel(ours), namedpipe.Channel(theirs)
    channel.send({"kind": "status"})
    assert other.receive(time.monotonic() + 5, 1000) == {"kind": "status"}
    with pytest.raises(protocol.Lost):
        other.receive(time.monotonic() + 0.1, 1000)  # nothing sent
    theirs.send_bytes(b"x" * 5000)
    with pytest.raises(protocol.Lost):
        channel.receive(time.monotonic() + 5, 1000)  # larger than the cap
    theirs.send_bytes(json.dumps([1]).encode())
    with pytest.raises(protocol.Lost):
        channel.receive(time.monotonic() + 5, 1000)  # not an object
    other.close()
    with pytest.raises(protocol.Lost):
        channel.receive(time.monotonic() + 5, 1000)  # closed


class FakePipeListener:
    """Simulated: multiprocessing.connection.Listener(name, family="AF_PIPE")."""

    def __init__(self, name, family):
        assert family == "AF_PIPE" and name.startswith("\\\\.\\pipe\\")
        self.waiting, self.closed = [], False

    def accept(self):
        while not self.waiting:
            if self.closed:
                raise OSError("closed")
            time.sleep(0.01)
        return self.waiting.pop(0)

    def close(self):
        self.closed = True


def test_the_windows_server_serves_its_users_peers_and_refuses_others(monkeypatch):
    pipes = {}
    monkeypatch.setattr(namedpipe, "client_pid", lambda conn: pipes[id(conn)])
    monkeypatch.setattr(namedpipe, "same_user", lambda pid: pid == 100)  # simulated: pid 100 runs as this user
    with namedpipe.Listener("\\\\.\\pipe\\pytorch-tutor-x-y", make=FakePipeListener) as listener:
        assert listener.accept(0.05) is None
        mine, theirs = Pipe(), Pipe()
        pipes[id(mine[0])], pipes[id(theirs[0])] = 100, 200
        listener.pipe.waiting.append(theirs[0])
        with pytest.raises(transport.Refused):
            listener.accept(5)
        with pytest.raises(EOFError):
            theirs[1].recv_bytes()  # closed without a word
        listener.pipe.waiting.append(mine[0])
        channel = listener.accept(5)
        mine[1].send_bytes(b'{"kind": "status"}')
        assert channel.receive(time.monotonic() + 5, 100) == {"kind": "status"}


def test_the_windows_client_refuses_a_server_of_another_user_and_a_missing_pipe(monkeypatch):
    ends = Pipe()
    monkeypatch.setattr(namedpipe, "server_pid", lambda conn: 200)
    monkeypatch.setattr(namedpipe, "same_user", lambda pid: pid == 100)
    with pytest.raises(transport.Refused):
        namedpipe.connect("\\\\.\\pipe\\pytorch-tutor-x-y", 1, make=lambda name, family: ends[0])
    with pytest.raises(transport.Refused):
        namedpipe.connect("\\\\.\\pipe\\pytorch-tutor-x-y", 1, make=lambda name, family: (_ for _ in ()).throw(FileNotFoundError(2, "missing")))
    monkeypatch.setattr(namedpipe, "server_pid", lambda conn: 100)
    assert isinstance(namedpipe.connect("\\\\.\\pipe\\pytorch-tutor-x-y", 1, make=lambda name, family: Pipe()[0]), namedpipe.Channel)


def test_the_lock_is_held_by_one_holder_at_a_time(tmp_path):
    first = transport.lock(tmp_path / "a.lock")
    assert first is not None and transport.lock(tmp_path / "a.lock") is None
    first.close()
    assert transport.lock(tmp_path / "a.lock") is not None
