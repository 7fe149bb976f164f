"""Limits on the learner's process, and watching it until it finishes or breaks one.

Limits are enforced from outside the learner's process, by its keeper, so its code
cannot switch them off: a time limit, a memory limit polled over the whole process tree and
the files it holds in memory (its private tmpfs, where it has one), capped capture of stdout,
stderr and the results pipe, and on the way out every descendant is killed, including ones
that started their own session.

The time limit counts the job's own time, so a verdict does not depend on the machine's load:
the time since it started less what its process spent waiting for a busy CPU (as the kernel
counts it), or the CPU time of its whole process tree if that is more. A wall-clock backstop
(`wall_limit`) ends a job on a machine too busy to finish it; that job is not graded, and says why.
"""

from __future__ import annotations

import os
import re
import select
import threading
import time
from dataclasses import dataclass, field

from grader.isolation import proctree

OUTPUT_CAP = 1_000_000  # bytes of learner output kept per stream
POLL = 0.05
BUSY_FACTOR = 5  # a job may take this many times its time limit of wall-clock time (plus BUSY_SLACK) on a busy machine
BUSY_SLACK = 30.0
_FRAME = re.compile(r'File "([^"\n]{1,4096})", line (\d{1,9}) in (\S{1,512})')  # linear: a file name stops at its quote
DUMP_TAIL = 65536  # characters at the end of stderr searched for the stack dump's frames
_FAULT_DUMP = re.compile(r"((Current thread|Thread) 0x[0-9a-f]+ |Stack )\(most recent call first\):\n(  (File .*|<no Python frame>)\n)*")


@dataclass
class Limits:
    timeout: float = 30.0
    memory_bytes: int = 4 * 2**30
    file_bytes: int = 512 * 2**20
    max_processes: int = 64


@dataclass
class Finished:
    returncode: int | None
    elapsed: float
    stdout: str
    stderr: str
    dropped_bytes: int = 0
    timed_out: bool = False
    out_of_memory: bool = False
    too_many_processes: bool = False
    last_frame: str = ""
    results_dropped: int = 0  # bytes of results over the cap (the results are then not graded)
    memory_used: int = 0  # bytes seen when the memory limit was broken: the processes' and their files'
    files_used: int = 0  # of which in memory-backed files (the job's private /tmp and /dev/shm)
    results: bytes | bytearray = b""  # the results pipe: frames written by the learner's process (not in to_wire)
    keeper_lost: bool = False  # the process that watched the learner's did not answer
    overloaded: bool = False  # ended at the wall-clock backstop, before its own time ran out: not its fault
    waited: float = 0.0  # seconds its process waited for a CPU (the machine's load)

    def to_wire(self) -> dict:
        return {k: v for k, v in vars(self).items() if k not in ("results", "keeper_lost")}

    @classmethod
    def from_wire(cls, data: dict, results: bytes) -> "Finished":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k not in ("results", "keeper_lost")}
        return cls(**known, results=results)


def wall_limit(timeout: float) -> float:
    """The most wall-clock seconds a job with this time limit may take, however busy the machine."""
    return timeout * BUSY_FACTOR + BUSY_SLACK


@dataclass
class _Capture:
    stream: object
    cap: int = OUTPUT_CAP
    kept: bytearray = field(default_factory=bytearray)
    dropped: int = 0

    def pump(self) -> None:
        while chunk := self.stream.read1(65536):
            room = max(self.cap - len(self.kept), 0)
            self.kept += chunk[:room]
            self.dropped += len(chunk) - len(chunk[:room])


class Monitor:
    """Watches one job's process tree until its root exits or breaks a limit.

    `streams` are stdout, stderr and the results pipe; `results_cap` bounds the last."""

    def __init__(self, pid: int, poll, tree, limits: Limits, learner: str, streams: list, results_cap: int, stack_of=None,
                 tmpfs=None, oom=None):
        self.pid, self.poll, self.tree, self.stack_of = pid, poll, tree, stack_of or (lambda: pid)
        self.tmpfs = tmpfs or (lambda: 0)  # bytes the job holds in memory-backed files (its private tmpfs)
        self.oom = oom or (lambda: 0)  # bytes held when the kernel enforced the memory limit (a job cgroup), else 0
        self.used = (0, 0)  # (memory of the processes, of their files) when the memory limit was broken
        self.limits, self.learner = limits, learner
        self.started = time.monotonic()
        self.waited = 0.0  # seconds the learner's process waited for a CPU so far
        self.learner_pid = None  # found once (it never changes), not looked up on every poll
        caps = [OUTPUT_CAP, OUTPUT_CAP, results_cap]
        self.captures = [_Capture(s, cap) for s, cap in zip(streams, caps)]
        self.threads = [threading.Thread(target=c.pump, daemon=True) for c in self.captures]
        for t in self.threads:
            t.start()
        self.exited = _exit_fd(pid)

    def wait(self) -> Finished:
        """Wait for the job to finish or break a limit, then end its whole tree."""
        broke = ""
        while (returncode := self.poll()) is None and not broke:
            self._pause()  # first: nothing can be over a limit the moment the job starts (each look walks /proc)
            broke = self._broken_limit() if self.poll() is None else ""
        broke = broke or self._kernel_oom()  # the kernel may have killed for memory: the job then ended
        if broke in ("timed_out", "overloaded"):
            proctree.request_stack(self.stack_of() or self.pid)
            time.sleep(0.3)
        self.kill()
        if self.exited is not None:
            os.close(self.exited)
        returncode = self.poll() if returncode is None else returncode
        for t in self.threads:
            t.join(timeout=2)
        return self._finished(returncode, broke)

    def _pause(self) -> None:
        """POLL seconds, or less: a job's end is seen the moment its root process exits (a pidfd)."""
        if self.exited is None:
            time.sleep(POLL)
        else:
            select.select([self.exited], [], [], POLL)

    def _finished(self, returncode, broke: str) -> Finished:
        out, err, results = self.captures
        stderr = err.kept.decode("utf-8", "replace")
        return Finished(
            returncode=returncode, elapsed=time.monotonic() - self.started,
            stdout=out.kept.decode("utf-8", "replace"), stderr=_FAULT_DUMP.sub("", stderr),
            dropped_bytes=out.dropped + err.dropped, timed_out=broke == "timed_out",
            out_of_memory=broke == "out_of_memory", too_many_processes=broke == "too_many_processes",
            overloaded=broke == "overloaded", waited=round(self.waited, 3),
            last_frame=self._last_frame(stderr), results_dropped=results.dropped,
            results=bytes(results.kept) if self.threads[2].is_alive() else results.kept,  # a copy only while it may still grow
            memory_used=sum(self.used), files_used=self.used[1],
        )

    def _broken_limit(self) -> str:
        tree = self.tree()
        elapsed = time.monotonic() - self.started
        if self._own_time(elapsed, tree) > self.limits.timeout:
            return "timed_out"
        if elapsed > wall_limit(self.limits.timeout):
            return "overloaded"
        if len(tree) > self.limits.max_processes + 2:  # the job's two keepers (namespace shim and init) are ours
            return "too_many_processes"
        rss, files = proctree.tree_rss(tree), self.tmpfs()
        if rss + files > self.limits.memory_bytes:
            self.used = (rss, files)
            return "out_of_memory"
        return self._kernel_oom()

    def _kernel_oom(self) -> str:
        if seen := self.oom():
            self.used = (seen, 0)
            return "out_of_memory"
        return ""

    def _own_time(self, elapsed: float, tree: set[int]) -> float:
        """Seconds the job ran or slept: `elapsed` less its process's wait for a CPU, or its tree's CPU time."""
        if self.learner_pid is None:
            self.learner_pid = self.stack_of()
        delay = proctree.run_delay(self.learner_pid) if self.learner_pid else None
        if delay is not None:
            self.waited = max(self.waited, delay)
        return max(elapsed - self.waited, proctree.cpu_seconds(tree))

    def _last_frame(self, stderr: str) -> str:
        """The innermost line of the learner's file (`learner` is its name in the job) in the stack dump."""
        for path, line, func in _FRAME.findall(stderr[-DUMP_TAIL:]):
            if os.path.basename(path) == self.learner:
                return f"line {line}, in {func}"
        return ""

    def kill(self) -> None:
        """End the job's process and every process it started, however it detached."""
        proctree.kill_tree(self.tree)
        deadline = time.monotonic() + 5
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)


def _exit_fd(pid: int) -> int | None:
    """A pidfd of `pid` (readable once it exits), where Linux and Python have them."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None
