"""A pool of warm zygotes (see `grader.isolation.zygote`), each serving one job at a time.

Commands that grade many times (`check --all`, `grade`, `watch`, the tests)
start a pool once. Its zygotes are forked from this process after it imports
torch, before it loads any course code, so the whole command pays for one torch
import; where that is not safe they are started fresh, one import each. A zygote
that dies is replaced, and its job is run again cold.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from grader.isolation import proctree
from grader.isolation.sandbox import Finished, Limits, Worker, _child_env
from grader.isolation.zygote import fork_off, request_for, serve


class _Zygote:
    """A warm worker: forked from this process once it has imported torch, when that is safe
    (`grader.isolation.forked.may_fork`: no course code loaded yet, one thread), else started fresh."""

    def __init__(self, sock: str):
        from grader.isolation.forked import may_fork

        self.sock, self.proc = sock, None
        if may_fork():
            self.pid, self.said = fork_off(serve, sock)
        else:
            read_fd, write_fd = os.pipe()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grader.isolation.zygote", sock, str(write_fd)], pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_child_env(""),
            )
            os.close(write_fd)
            self.pid, self.said = self.proc.pid, os.fdopen(read_fd, "rb")
        self.ready = False
        self.stopping = threading.Lock()

    def wait_ready(self) -> bool:
        if not self.ready:
            self.ready = self.said.readline().strip() == b"ready"
        return self.ready and proctree.alive(self.pid)

    def stop(self) -> None:
        """End the zygote and any job it is running (its children are in their own sessions).
        Safe to call twice, from two threads (Ctrl-C closes the pool while a check gives its zygote back)."""
        with self.stopping:
            if self.said.closed:  # stopped already
                return
            proctree.kill_tree(lambda: proctree.descendants(self.pid))
            if self.proc is not None:
                self.proc.wait()
            else:
                os.waitpid(self.pid, 0)
            self.said.close()


class Pool:
    """`with Pool() as pool: check_exercise(..., pool=pool)`; one zygote per core by default."""

    def __init__(self, size: int | None = None):
        self.size = size or max(1, len(os.sched_getaffinity(0)))
        self.folder = Path(tempfile.mkdtemp(prefix="pytorch-tutor-pool-"))
        self.idle: queue.Queue[_Zygote] = queue.Queue()
        self.count = 0
        self.started: list[_Zygote] = []
        self.closed = False

    def __enter__(self) -> "Pool":
        for _ in range(self.size):
            self.idle.put(self._new())
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _new(self) -> _Zygote:
        self.count += 1
        self.started.append(_Zygote(str(self.folder / f"z{self.count}.sock")))
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

    def start(self, job: dict, job_dir: Path, limits: Limits) -> "PooledWorker":
        return PooledWorker(self, job, job_dir, limits)

    def close(self) -> None:
        """Stop every zygote, busy ones included (Ctrl-C during a check), with their jobs."""
        self.closed = True
        while not self.idle.empty():
            self.idle.get()
        for zygote in self.started:
            zygote.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PooledWorker:
    """Same interface as `sandbox.Worker`: the job runs in a child forked by a warm zygote."""

    def __init__(self, pool: Pool, job: dict, job_dir: Path, limits: Limits):
        self.pool, self.job, self.job_dir, self.limits = pool, job, job_dir, limits
        self.zygote = pool.take()
        request = request_for(job, job_dir, limits)
        self.conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.conn.connect(self.zygote.sock)
            self.conn.sendall(json.dumps(request).encode() + b"\n")
        except OSError:
            pass  # noticed in wait(): no reply

    def wait(self) -> Finished:
        with self.conn, self.conn.makefile("rb") as stream:
            line = stream.readline()
        self._give_back(healthy=bool(line))
        if not line and self.pool.closed:  # stopped by Pool.close (Ctrl-C): no verdict
            return Finished(returncode=None, elapsed=0.0, stdout="", stderr="")
        if not line:  # the zygote died: it was replaced; run this job cold
            return Worker(self.job, self.job_dir, self.limits).wait()
        return Finished(**json.loads(line))

    def kill(self) -> None:
        self.conn.close()
        self._give_back(healthy=False)

    def _give_back(self, healthy: bool) -> None:
        if self.zygote is not None:  # once only, whichever of wait() and kill() comes first
            zygote, self.zygote = self.zygote, None
            self.pool.give_back(zygote, healthy)
