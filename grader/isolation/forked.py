"""Keepers as the trusted side sees them: start one, hand it a job, wait with a deadline.

A single `pytorch-tutor check 03` forks a one-job keeper from the trusted process right
after it imports torch (one import, not two in parallel) when that is safe (`may_fork`:
one thread, no course code loaded yet, CUDA not initialised); otherwise it starts a fresh
`python -m grader.isolation.zygote --once FD`. Either way the keeper forks the learner's
process exactly as a warm zygote does. The trusted side never waits without a deadline:
when a keeper does not answer within the job's limit plus a grace period, its whole tree
(found by parent links and by the job's token) is killed and the job is not graded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from grader.isolation import inflight, proctree, protocol
from grader.isolation.sandbox import Finished, Limits, wall_limit

GRACE = 10.0  # seconds the keeper may take beyond the learner's limit to kill, collect and reply


def may_fork() -> bool:
    """True when forking this process is safe: Linux fork, one thread, no course code loaded yet,
    and CUDA not initialised here (a forked child could not use it)."""
    from grader.judging.loader import course_code_loaded

    torch = sys.modules.get("torch")
    cuda_started = torch is not None and torch.cuda.is_initialized()
    return hasattr(os, "fork") and threading.active_count() == 1 and not course_code_loaded() and not cuda_started


def start_keeper(run, fresh: bool = False) -> tuple[int, socket.socket, subprocess.Popen | None]:
    """A keeper running `zygote.<run>` on a private socketpair: forked when safe (unless `fresh`: a new
    Python, which holds nothing of this process's memory), else fresh."""
    from grader.isolation import zygote

    if not fresh and may_fork():
        pid, sock = zygote.fork_off(getattr(zygote, run))
        return pid, sock, None
    ours, theirs = socket.socketpair()
    argv = [sys.executable, "-m", "grader.isolation.zygote", *(["--once"] if run == "serve_once" else []), str(theirs.fileno())]
    proc = subprocess.Popen(argv, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=child_env())
    theirs.close()
    return proc.pid, ours, proc


def child_env() -> dict:
    """The environment of a fresh keeper: the grader importable, installed or not."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTORCH_TUTOR_COURSE", None)
    return env


class Job:
    """A job handed to a keeper: `wait()` for its Finished, `kill()` to end it now."""

    def __init__(self, pid: int, sock: socket.socket, request: dict, extra: bytes, limits: Limits):
        self.pid, self.sock, self.limits = pid, sock, limits
        self.token = request.setdefault("env", {}).setdefault(proctree.TOKEN_VAR, uuid.uuid4().hex)
        try:
            protocol.send_json(sock, request, extra)
        except OSError:
            pass  # noticed in wait(): no answer

    def wait(self) -> Finished:
        deadline = time.monotonic() + wall_limit(self.limits.timeout) + GRACE
        try:
            data, (results,) = protocol.receive_json(self.sock, extra=1, deadline=deadline, reserve=inflight.reserve)
            return Finished.from_wire(data, results)
        except (protocol.Lost, TypeError, ValueError):
            self.kill_tree()
            return Finished(returncode=None, elapsed=self.limits.timeout, stdout="", stderr="", keeper_lost=True)

    def kill_tree(self) -> None:
        """The keeper, its job, and anything carrying the job's token; orphans of theirs that this
        (subreaper) process adopted are reaped, not left as zombies."""
        seen: set[int] = set()

        def tree() -> set[int]:
            found = proctree.descendants(self.pid, self.token) - {os.getpid()}
            seen.update(found - {self.pid})
            return found

        proctree.kill_tree(tree)
        for pid in seen:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass  # not ours to reap


class OneJob(Job):
    """A one-job keeper for a single cold check."""

    def __init__(self, request: dict, extra: bytes, limits: Limits):
        pid, sock, self.proc = start_keeper("serve_once")
        super().__init__(pid, sock, request, extra, limits)

    def wait(self) -> Finished:
        try:
            return super().wait()
        finally:
            self._close()

    def kill(self) -> None:
        self.kill_tree()
        self._close()

    def _close(self) -> None:
        self.sock.close()
        if self.pid:  # once only: afterwards the pid may belong to someone else
            pid, self.pid = self.pid, 0
            self.proc.wait() if self.proc is not None else os.waitpid(pid, 0)
