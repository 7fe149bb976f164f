"""Watching one spawned learner process (portable backend) until it finishes or breaks a limit.

The keeper (the trusted process, on a thread of its own per job) holds the worker's pipes: the
results pipe (whose first frame, `ready`, says the worker has imported torch) and the output
pipe, each drained by a thread with a cap. The process count, memory and CPU time are read from
its tree (`ptree.PsTree` or `jobobject.JobTree`) every TREE_POLL seconds. A job that broke a limit has
its whole tree killed before its output is collected; a worker that ended by itself has its
process group killed (no `ps`), and the thorough sweep of the tree (parent links and the job's
token) follows once the verdict is on its way (`Worker.end`), so it is not part of the wait.

The time limit counts the job's own time from when it was handed over, as on Linux, but without
the kernel's count of its wait for a CPU (Linux's /proc/PID/schedstat): the CPU time of its whole
tree, or the time since it started less an estimate of that wait, whichever is more. The estimate
comes from the load average: with more runnable threads than cores, each gets its share of them,
so a job with `cpu` seconds of CPU was runnable for cpu / share seconds and waited the rest of
those (a job that sleeps waits for no CPU: its time counts in full).
Where there is no load average (Windows), that is the time since it started. The OS enforces the
CPU time too (`rlimits`' RLIMIT_CPU, the Job Object's time limit): a worker it ended there timed
out. A job still running at `sandbox.wall_limit` of wall-clock time is ended and not graded
(machine too busy). On a timeout the worker writes its own Python stack to stderr (faulthandler,
on SIGUSR1 as on Linux, or just before the deadline on Windows): "it was at line N".
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

from grader.isolation.sandbox import _FAULT_DUMP, _FRAME, OUTPUT_CAP, Finished, Limits, _Capture, wall_limit

POLL = 0.02
TREE_POLL = 0.25
STACK_WAIT = 0.5  # seconds past the deadline allowed for the worker's own stack dump to arrive
_TIMEOUT_LINE = re.compile(r"Timeout \(\d+:\d\d:\d\d(\.\d+)?\)!\n")  # faulthandler's heading
READY = b"\x00\x00\x00\x00\x00\x00\x00\x05ready"


class Streams:
    """The worker's results and output pipes, drained from the moment it is spawned."""

    def __init__(self, popen: subprocess.Popen, results_cap: int):
        self.ready = threading.Event()
        self.warm = False  # it said `ready` (it may have run its job and exited since)
        self.results = _Capture(popen.stdout, results_cap)
        self.output = _Capture(popen.stderr, OUTPUT_CAP)
        self.threads = [threading.Thread(target=self._results, daemon=True),
                        threading.Thread(target=self.output.pump, daemon=True)]
        for thread in self.threads:
            thread.start()

    def _results(self) -> None:
        head = self.results.stream.read(len(READY))
        if head == READY:
            self.warm = True
            self.ready.set()
            self.results.pump()
        else:  # it died warming up (or is not our worker): nothing from it counts
            self.results.dropped = len(head or b"") or 1
            self.ready.set()

    def join(self, timeout: float = 2.0) -> None:
        for thread in self.threads:
            thread.join(timeout)


def watch(popen: subprocess.Popen, tree, streams: Streams, limits: Limits, learner: str, started: float) -> Finished:
    """Wait for the worker to exit or break a limit, kill its tree, and collect what it wrote."""
    clock, next_tree, broke = OwnTime(started), 0.0, ""
    while popen.poll() is None and not broke:
        now = time.monotonic()
        if now >= next_tree:
            next_tree, broke = now + TREE_POLL, _broken(tree, limits, clock, now)
        if not broke:
            _wait(popen, POLL)
    if broke in ("timed_out", "overloaded"):
        _request_stack(popen)
        _wait(popen, STACK_WAIT)  # the stack dump comes from the worker itself
    tree.kill() if broke else tree.stop()  # the worker ended: its group now, the thorough sweep after the verdict
    _wait(popen, 5)
    streams.join()
    broke = broke or ("timed_out" if tree.out_of_time(popen.poll()) else "")
    return _finished(popen.poll(), broke, streams, learner, time.monotonic() - started, clock.waited)


class OwnTime:
    """The job's own time (see the module's docstring), and how long it waited for a CPU by that estimate."""

    def __init__(self, started: float, load=None, cores: int | None = None):
        self.started, self.cores = started, cores or os.cpu_count() or 1
        self.load = load or getattr(os, "getloadavg", None)  # None where the OS has no load average
        self.waited, self.cpu_before = 0.0, None  # the CPU time the worker had used warming up (the first sample)

    def __call__(self, now: float, cpu: float) -> float:
        """A job that got `share` of a core while it was runnable was runnable for cpu / share seconds, of which it
        waited all but `cpu`; while it slept it waited for nothing."""
        self.cpu_before = cpu if self.cpu_before is None else self.cpu_before
        elapsed, share, cpu = now - self.started, self.share(), max(cpu - self.cpu_before, 0.0)
        self.waited = max(self.waited, min(elapsed, cpu * (1 / share - 1)))
        return max(cpu, elapsed - self.waited)

    def share(self) -> float:
        """The share of a core each runnable thread got lately: 1 unless more are runnable than there are cores."""
        try:
            runnable = self.load()[0] if self.load else 0.0
        except OSError:
            return 1.0
        return self.cores / runnable if runnable > self.cores else 1.0


def _broken(tree, limits: Limits, clock: OwnTime, now: float) -> str:
    processes, over_memory, cpu = tree.sample(limits.memory_bytes)
    if clock(now, cpu) > limits.timeout:
        return "timed_out"
    if now - clock.started > wall_limit(limits.timeout):
        return "overloaded"
    if processes > limits.max_processes:
        return "too_many_processes"
    return "out_of_memory" if over_memory else ""


def _request_stack(popen: subprocess.Popen) -> None:
    """Ask the worker for its Python stack (POSIX; on Windows it wrote it before the deadline)."""
    if hasattr(signal, "SIGUSR1"):
        try:
            os.kill(popen.pid, signal.SIGUSR1)
        except OSError:
            pass


def _wait(popen: subprocess.Popen, seconds: float) -> None:
    try:
        popen.wait(seconds)
    except subprocess.TimeoutExpired:
        pass


def _finished(returncode, broke: str, streams: Streams, learner: str, elapsed: float, waited: float) -> Finished:
    out, results = streams.output, streams.results
    text = out.kept.decode("utf-8", "replace")
    return Finished(returncode=returncode, elapsed=elapsed, stdout="", stderr=_FAULT_DUMP.sub("", _TIMEOUT_LINE.sub("", text)),
                    dropped_bytes=out.dropped, timed_out=broke == "timed_out", out_of_memory=broke == "out_of_memory",
                    too_many_processes=broke == "too_many_processes", overloaded=broke == "overloaded",
                    waited=round(waited, 3), last_frame=_last_frame(text, learner),
                    results_dropped=results.dropped, results=bytes(results.kept))


def _last_frame(text: str, learner: str) -> str:
    for path, line, func in _FRAME.findall(text):
        if os.path.basename(path) == learner:
            return f"line {line}, in {func}"
    return ""
