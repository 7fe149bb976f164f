"""A pool of warm zygotes (see `grader.isolation.zygote`), each serving one job at a time.

Commands that grade many times (`check --all`, `grade`, `watch`, the tests) start a pool
once. Its zygotes are forked from this process after it imports torch, before it loads
any course code, so the whole command pays for one torch import; where that is not safe
they are started fresh, one import each. Each zygote talks to us over its own private
socketpair. A zygote that dies or stops answering is killed with its job and replaced;
the job is not graded (never run again while anything of it might be alive).

A zygote's memory holds what its jobs were sent and sent back (a learner's source, their results), and
each job's processes are forked from it. So where it grades several students (`grade`), each student's
jobs go through `Pool.tenant(student)`: a zygote then runs one student's jobs only, and is a new Python
(never forked from this process, which reads every student's files); another student's job gets a new
one in its place (one is kept started ahead, so that the switch waits for no torch import).
"""

from __future__ import annotations

import os
import socket
import threading
import time

from grader.isolation import proctree, protocol
from grader.isolation.forked import Job, start_keeper
from grader.isolation.sandbox import Finished, Limits


IDLE_GRACE = 2.0  # seconds


class _Zygote:
    def __init__(self, fresh: bool = False):
        self.pid, self.sock, self.proc = start_keeper("serve", fresh)
        self.tenant: str | None = None  # the one tenant whose jobs it has run (`Pool.tenant`), if any
        self.ready = False
        self.stopping = threading.Lock()
        self.stopped = False

    @property
    def clean(self) -> bool:
        """Whether it is a new Python (not forked from this process): nothing of this process's memory is in it."""
        return self.proc is not None

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
        self.idle: list[_Zygote] = []
        self._idle_changed = threading.Condition()
        self.started: list[_Zygote] = []
        self.closed = False

    def __enter__(self) -> "Pool":
        _sweep()  # what keepers killed in an earlier run left
        for _ in range(self.size):
            self._put(self._new())
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _new(self, fresh: bool = False) -> _Zygote:
        self.started.append(_Zygote(fresh))
        return self.started[-1]

    def _renew(self, zygote: _Zygote, fresh: bool) -> _Zygote:
        """A new zygote in place of `zygote`, which is stopped (with its job, if any)."""
        zygote.stop()
        return self._new(fresh)

    def _put(self, zygote: _Zygote) -> None:
        with self._idle_changed:
            self.idle.append(zygote)
            self._idle_changed.notify()

    def take(self, tenant: str | None = None) -> _Zygote:
        """An idle zygote, ready. One that ran another tenant's jobs is replaced by a new one, and so is one
        forked from this process where a tenant's job is asked for (see the module's docstring)."""
        with self._idle_changed:
            while not self.idle:
                self._idle_changed.wait()
            zygote = _choose(self.idle, tenant)
            self.idle.remove(zygote)
        if zygote.tenant not in (None, tenant) or (tenant is not None and not zygote.clean):
            zygote = self._renew(zygote, fresh=True)
        zygote = self._ready(zygote, fresh=tenant is not None)
        zygote.tenant = tenant
        return zygote

    def _ready(self, zygote: _Zygote, fresh: bool = False) -> _Zygote:
        """`zygote` once it has imported torch, or a fresh one in its place if it died starting."""
        if not zygote.wait_ready():
            zygote = self._renew(zygote, fresh)
            zygote.wait_ready()
        return zygote

    def give_back(self, zygote: _Zygote, healthy: bool) -> None:
        if self.closed:  # no replacements while closing: nothing would stop them
            zygote.stop()
            return
        if not healthy:
            zygote = self._renew(zygote, fresh=zygote.tenant is not None)
        self._put(zygote)
        if zygote.tenant is not None:
            self._start_ahead(zygote.tenant)

    def _start_ahead(self, tenant: str) -> None:
        """While tenants are served, one unused new zygote waits, so that the next tenant's first job waits for no
        torch import: started beside the others up to one beyond the pool's size, else in place of the idle one
        that has waited longest among those of tenants other than `tenant` (whose job just ended)."""
        with self._idle_changed:
            if self.closed or any(z.tenant is None and z.clean for z in self.idle):
                return
            stale = None
            if sum(not z.stopped for z in self.started) > self.size:
                stale = next((z for z in self.idle if z.tenant not in (None, tenant)), None)
                if stale is None:
                    return
                self.idle.remove(stale)
        if stale is not None:
            stale.stop()
        with self._idle_changed:
            if not self.closed:
                self._put(self._new(fresh=True))

    def warm(self) -> "Pool":
        """Wait until every idle zygote has imported torch (timings then exclude start-up)."""
        with self._idle_changed:
            zygotes, self.idle = self.idle, []
        for zygote in zygotes:
            self._put(self._ready(zygote))
        return self

    def start(self, request: dict, extra: bytes, limits: Limits) -> "PooledJob":
        return PooledJob(self, request, extra, limits)

    def tenant(self, name: str) -> "Tenant":
        """The pool as one tenant's jobs (a student's, in `grade`) use it: their zygotes run no one else's."""
        return Tenant(self, name)

    def close(self) -> None:
        """Stop every zygote, busy ones included (Ctrl-C during a check), with their jobs."""
        self.closed = True
        with self._idle_changed:
            idle, self.idle = self.idle, []
        for zygote in idle:
            zygote.ask_to_end()
        for zygote in self.started:
            zygote.stop(grace=IDLE_GRACE if zygote in idle else 0.0)  # a busy one (Ctrl-C): at once
        _sweep()  # the folders of jobs killed with their zygotes, busy ones included


def _choose(idle: list[_Zygote], tenant: str | None) -> _Zygote:
    """The tenant's own zygote, else an unused new one, else an unused one, else the first idle one."""
    for fits in (lambda z: z.tenant == tenant, lambda z: z.tenant is None and z.clean, lambda z: z.tenant is None):
        found = next((z for z in idle if fits(z)), None)
        if found is not None:
            return found
    return idle[0]


class Tenant:
    """`Pool.tenant(name)`: `start` as the pool's, for that tenant's jobs."""

    def __init__(self, pool: Pool, name: str):
        self.pool, self.name, self.size = pool, name, pool.size

    def start(self, request: dict, extra: bytes, limits: Limits) -> "PooledJob":
        return PooledJob(self.pool, request, extra, limits, self.name)


def _sweep() -> None:
    from grader.isolation.keeper import sweep  # here: the keeper's imports are the zygotes' business

    sweep()


class PooledJob(Job):
    """A job run by a warm zygote of the pool."""

    def __init__(self, pool: Pool, request: dict, extra: bytes, limits: Limits, tenant: str | None = None):
        self.pool, self.zygote = pool, pool.take(tenant)
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
