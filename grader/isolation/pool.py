"""A pool of warm zygotes (see `grader.isolation.zygote`), each serving one job at a time.

Commands that grade many times (`check --all`, `grade`, `watch`, the tests) start a pool
once. Its zygotes are forked from this process after it imports torch, before it loads
any course code, so the whole command pays for one torch import; where that is not safe
they are started fresh, one import each. Each zygote talks to us over its own private
socketpair. A zygote that dies or stops answering is killed with its job and replaced;
the job is not graded (never run again while anything of it might be alive).
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import time

from grader.isolation import proctree, protocol
from grader.isolation.forked import Job, start_keeper
from grader.isolation.sandbox import Finished, Limits


IDLE_GRACE = 2.0  # seconds


class _Zygote:
    def __init__(self):
        self.pid, self.sock, self.proc = start_keeper("serve")
        self.ready = False
        self.stopping = threading.Lock()
        self.stopped = False

    def wait_ready(self) -> bool:
        if not self.ready:
            try:
                self.ready = protocol.receive(self.sock, 1, deadline=None, cap=16) == [b"ready"]
            except protocol.Lost:
                self.ready = False
        return self.ready and proctree.alive(self.pid)

    def stop(self, grace: float = 0.0) -> None:
        """End the zygote and any job it is running. Safe to call twice, from two threads. `grace`: seconds
        an idle zygote is given to end on its own once its socket is shut (it ends its spare, `spare`, as
        nothing outside it can: a spare forked as its keeper is killed may not be found by the kill)."""
        with self.stopping:
            if self.stopped:
                return
            self.stopped = True
            if grace and self.ready:
                self._end_on_its_own(grace)
            proctree.kill_tree(lambda: proctree.descendants(self.pid))
            self.proc.wait() if self.proc is not None else os.waitpid(self.pid, 0)
            self.sock.close()

    def ask_to_end(self) -> None:
        """Shut our socket: a zygote waiting for a job then ends its spare and itself."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _end_on_its_own(self, grace: float) -> None:
        deadline = time.monotonic() + grace
        while proctree.alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.01)


class Pool:
    """`with Pool() as pool: check_exercise(..., pool=pool)`; one zygote per core by default."""

    def __init__(self, size: int | None = None):
        self.size = size or max(1, len(os.sched_getaffinity(0)))
        self.idle: queue.Queue[_Zygote] = queue.Queue()
        self.started: list[_Zygote] = []
        self.closed = False

    def __enter__(self) -> "Pool":
        _sweep()  # what keepers killed in an earlier run left
        for _ in range(self.size):
            self.idle.put(self._new())
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _new(self) -> _Zygote:
        self.started.append(_Zygote())
        return self.started[-1]

    def take(self) -> _Zygote:
        return self._ready(self.idle.get())

    def _ready(self, zygote: _Zygote) -> _Zygote:
        """`zygote` once it has imported torch, or a fresh one in its place if it died starting."""
        if not zygote.wait_ready():
            zygote.stop()
            zygote = self._new()
            zygote.wait_ready()
        return zygote

    def give_back(self, zygote: _Zygote, healthy: bool) -> None:
        if not healthy or self.closed:
            zygote.stop()
            if self.closed:  # no replacements while closing: nothing would stop them
                return
            zygote = self._new()
        self.idle.put(zygote)

    def warm(self) -> "Pool":
        """Wait until every idle zygote has imported torch (timings then exclude start-up)."""
        zygotes = [self.idle.get() for _ in range(self.idle.qsize())]
        for zygote in zygotes:
            self.idle.put(self._ready(zygote))
        return self

    def start(self, request: dict, extra: bytes, limits: Limits) -> "PooledJob":
        return PooledJob(self, request, extra, limits)

    def close(self) -> None:
        """Stop every zygote, busy ones included (Ctrl-C during a check), with their jobs."""
        self.closed = True
        idle = []
        while not self.idle.empty():
            idle.append(self.idle.get())
        for zygote in idle:
            zygote.ask_to_end()
        for zygote in self.started:
            zygote.stop(grace=IDLE_GRACE if zygote in idle else 0.0)  # a busy one (Ctrl-C): at once
        _sweep()  # the folders of jobs killed with their zygotes, busy ones included


def _sweep() -> None:
    from grader.isolation.keeper import sweep  # here: the keeper's imports are the zygotes' business

    sweep()


class PooledJob(Job):
    """A job run by a warm zygote of the pool."""

    def __init__(self, pool: Pool, request: dict, extra: bytes, limits: Limits):
        self.pool, self.zygote = pool, pool.take()
        super().__init__(self.zygote.pid, self.zygote.sock, request, extra, limits)

    def wait(self) -> Finished:
        finished = super().wait()
        self._give_back(healthy=not finished.keeper_lost)
        return finished

    def kill(self) -> None:
        self._give_back(healthy=False)

    def _give_back(self, healthy: bool) -> None:
        if self.zygote is not None:  # once only, whichever of wait() and kill() comes first
            zygote, self.zygote = self.zygote, None
            self.pool.give_back(zygote, healthy)
