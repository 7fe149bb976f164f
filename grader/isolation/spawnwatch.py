"""Watching one spawned learner process (portable backend) until it finishes or breaks a limit.

The keeper (the trusted process, on a thread of its own per job) holds the worker's pipes: the
results pipe (whose first frame, `ready`, says the worker has imported torch) and the output
pipe, each drained by a thread with a cap. The job's deadline counts from when it was handed
over; the process count and memory are read from its tree (`ptree.PsTree` or
`jobobject.JobTree`) every TREE_POLL seconds; at the end the whole tree is killed. On a timeout
the worker has written its own Python stack to stderr just before the deadline (faulthandler),
which gives "it was at line N", as SIGUSR1 does on Linux.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time

from grader.isolation.sandbox import _FAULT_DUMP, _FRAME, OUTPUT_CAP, Finished, Limits, _Capture

POLL = 0.02
TREE_POLL = 0.25
STACK_WAIT = 0.5  # seconds past the deadline allowed for the worker's own stack dump to arrive
_TIMEOUT_LINE = re.compile(r"Timeout \(\d+:\d\d:\d\d(\.\d+)?\)!\n")  # faulthandler's heading
READY = b"\x00\x00\x00\x00\x00\x00\x00\x05ready"


class Streams:
    """The worker's results and output pipes, drained from the moment it is spawned."""

    def __init__(self, popen: subprocess.Popen, results_cap: int):
        self.ready = threading.Event()
        self.results = _Capture(popen.stdout, results_cap)
        self.output = _Capture(popen.stderr, OUTPUT_CAP)
        self.threads = [threading.Thread(target=self._results, daemon=True),
                        threading.Thread(target=self.output.pump, daemon=True)]
        for thread in self.threads:
            thread.start()

    def _results(self) -> None:
        head = self.results.stream.read(len(READY))
        if head == READY:
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
    deadline, next_tree, broke = started + limits.timeout, 0.0, ""
    while popen.poll() is None and not broke:
        now = time.monotonic()
        if now > deadline:
            broke = "timed_out"
        elif now >= next_tree:
            next_tree, broke = now + TREE_POLL, _tree_limit(tree, limits)
        if not broke:
            _wait(popen, POLL)
    if broke == "timed_out":
        _wait(popen, STACK_WAIT)  # the stack dump comes from the worker itself
    tree.kill()
    _wait(popen, 5)
    streams.join()
    return _finished(popen.poll(), broke, streams, learner, time.monotonic() - started)


def _tree_limit(tree, limits: Limits) -> str:
    if tree.count() > limits.max_processes:
        return "too_many_processes"
    if tree.over_memory(limits.memory_bytes):
        return "out_of_memory"
    return ""


def _wait(popen: subprocess.Popen, seconds: float) -> None:
    try:
        popen.wait(seconds)
    except subprocess.TimeoutExpired:
        pass


def _finished(returncode, broke: str, streams: Streams, learner: str, elapsed: float) -> Finished:
    out, results = streams.output, streams.results
    text = out.kept.decode("utf-8", "replace")
    return Finished(returncode=returncode, elapsed=elapsed, stdout="", stderr=_FAULT_DUMP.sub("", _TIMEOUT_LINE.sub("", text)),
                    dropped_bytes=out.dropped, timed_out=broke == "timed_out", out_of_memory=broke == "out_of_memory",
                    too_many_processes=broke == "too_many_processes", last_frame=_last_frame(text, learner),
                    results_dropped=results.dropped, results=bytes(results.kept))


def _last_frame(text: str, learner: str) -> str:
    for path, line, func in _FRAME.findall(text):
        if os.path.basename(path) == learner:
            return f"line {line}, in {func}"
    return ""
