"""A cap on the bytes of job results the trusted process holds at once, across its threads.

`grade`, `check --all` and the autograder grade on several warm workers at once, one thread each.
A job's results (up to `keeper.RESULTS_CAP`, 37 MiB, and its report) arrive in buffers, are parsed
into values and kept until its check is decided; without a cap every worker's could be held at
once (8 workers: over 700 MiB). So a thread reserves what it is about to read (`reserve`, called by
`forked.Job.wait` before each frame is allocated) and keeps it until its check ends (`turn`, around
one check in the engine). Other threads' large results wait for room, left meanwhile in their
keepers' sockets; results that fit (every honest submission's) never wait, and one larger than the
whole budget goes ahead alone. A thread that already holds room takes more without waiting (its
check's further jobs), so a thread that waits holds none and no two wait on each other; no wait
lasts beyond WAIT (a caller with more threads than workers overshoots the cap instead of deadlocking).
A job's report (its stdout and stderr, at most `protocol.MAX_HEAD`) is not counted.

Room given back is memory given back: glibc keeps what a thread freed in that thread's own arena
(chunks of a few MiB, once its mmap threshold has risen), where no other thread reuses it, so after
a check that held large results the arenas are trimmed (`malloc_trim`, where there is one).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
import time
from contextlib import contextmanager

BUDGET = 64 * 2**20  # bytes of results held at once by the threads of one trusted process
WAIT = 120.0  # seconds a thread waits for room at most
TRIM_AFTER = 4 * 2**20  # a check that held this much gives its freed memory back to the system

_room = threading.Condition()
_held = 0  # bytes reserved, all threads together
_mine = threading.local()  # .reserved: this thread's bytes, or None outside a turn()


@contextmanager
def turn():
    """Around one check: what its jobs reserve is given back when it ends (an inner turn() is part of the outer)."""
    outer = getattr(_mine, "reserved", None) is None
    if outer:
        _mine.reserved = 0
    try:
        yield
    finally:
        if outer:
            _give_back(_mine.reserved)
            _mine.reserved = None


def reserve(nbytes: int) -> float:
    """Before reading `nbytes` of a job's results: wait until they fit. Returns the seconds waited (a read's
    deadline moves by as much). Outside a turn() nothing is counted."""
    global _held
    if getattr(_mine, "reserved", None) is None or nbytes <= 0:
        return 0.0
    start = time.monotonic()
    with _room:
        while _mine.reserved == 0 and 0 < _held and _held + nbytes > BUDGET and time.monotonic() - start < WAIT:
            _room.wait(timeout=WAIT - (time.monotonic() - start))
        _held += nbytes
        _mine.reserved += nbytes
    return time.monotonic() - start


def held() -> int:
    """Bytes reserved now, all threads together."""
    return _held


def _give_back(nbytes: int) -> None:
    global _held
    if nbytes:
        with _room:
            _held -= nbytes
            _room.notify_all()
    if nbytes >= TRIM_AFTER:
        _trim()


def _trim() -> None:
    """Free pages of every malloc arena back to the system (glibc); nothing elsewhere."""
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c") if sys.platform == "linux" else None
        try:
            _libc = ctypes.CDLL(name) if name else False
        except OSError:
            _libc = False
    if _libc and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)


_libc = None
