"""Messages between the trusted process and a keeper, over a private socketpair.

The socketpair is made before the keeper is forked (or passed to a fresh one), so no
other process can connect to it: there is no named socket. A message is frames of an
8-byte length and bytes. Every read on the trusted side has a deadline and size caps,
so a keeper that hangs or floods cannot hold the grader.
"""

from __future__ import annotations

import json
import select
import socket
import struct
import time

from grader import boundedjson

_LENGTH = struct.Struct(">Q")
MAX_FRAME = 40 * 2**20  # a job's results (the keeper caps them at keeper.RESULTS_CAP)
MAX_HEAD = 16 * 2**20  # a job's report: its stdout and stderr (1 MB each) escaped as JSON
_HEAD = boundedjson.Limits(size=MAX_HEAD, nodes=200_000, depth=32, string=MAX_HEAD)


class Lost(Exception):
    """The other end closed, sent garbage, or did not answer before the deadline."""


def send(sock: socket.socket, *parts: bytes | bytearray) -> None:
    for part in parts:
        sock.sendall(_LENGTH.pack(len(part)))
        sock.sendall(part)  # not joined to its length: a large part is never copied


def send_json(sock: socket.socket, data: dict, *extra: bytes) -> None:
    send(sock, json.dumps(data).encode("utf-8"), *extra)


def receive(sock: socket.socket, count: int, deadline: float | None = None, cap: int = MAX_FRAME,
            reserve=None) -> list[bytearray]:
    """`count` frames, each at most `cap` bytes; Lost on EOF, oversize or a passed deadline. `reserve(size)`,
    if given, is called before each frame is allocated and returns the seconds it waited (added to the deadline)."""
    return _frames(sock, [cap] * count, deadline, reserve)


def receive_json(sock: socket.socket, extra: int = 0, deadline: float | None = None,
                 cap: int = MAX_HEAD, reserve=None) -> tuple[dict, list[bytearray]]:
    """A JSON object (at most `cap` bytes, and never more than MAX_HEAD: a job's report, with its captured
    output) and `extra` frames (`reserve` as in `receive`, for those: one reservation per reply, so a thread
    waiting for room never holds any of its own)."""
    head, *rest = _frames(sock, [min(cap, MAX_HEAD)] + [MAX_FRAME] * extra, deadline, reserve, first=1)
    return parse_json(head), rest


def parse_json(head: bytes | bytearray) -> dict:
    """A received JSON object, counted before it is built (a notebook kernel, learner code, sends these
    too); Lost if it is not one or too large."""
    try:
        data = boundedjson.loads(head, _HEAD)
    except ValueError:
        raise Lost("a message that is not JSON, or too large") from None
    if type(data) is not dict:
        raise Lost("a message that is not a JSON object")
    return data


def _frames(sock: socket.socket, caps: list[int], deadline: float | None, reserve, first: int = 0) -> list[bytearray]:
    """Frames of at most `caps` bytes; those from index `first` on are passed to `reserve` before they are allocated."""
    frames = []
    for n, cap in enumerate(caps):
        size = _size(sock, deadline, cap)
        waited = reserve(size) if reserve is not None and n >= first else 0.0
        deadline = deadline + waited if deadline is not None else None
        frames.append(_read(sock, size, deadline))
    return frames


def _size(sock: socket.socket, deadline: float | None, cap: int) -> int:
    (size,) = _LENGTH.unpack(_read(sock, _LENGTH.size, deadline))
    if size > cap:
        raise Lost("a message larger than allowed")
    return size


def _read(sock: socket.socket, size: int, deadline: float | None) -> bytearray:
    """`size` bytes, received into one buffer (never joined from pieces, which would hold them twice)."""
    buffer = bytearray(size)
    view, have = memoryview(buffer), 0
    while have < size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                raise Lost("no answer before the deadline")
        try:
            got = sock.recv_into(view[have:], min(size - have, 1 << 20))
        except OSError as exc:
            raise Lost(f"the connection failed ({exc.strerror})") from None
        if not got:
            raise Lost("the other end closed the connection")
        have += got
    view.release()
    return buffer
