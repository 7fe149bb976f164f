"""Start the learner's process with limits, and collect what it left.

Limits are enforced from outside the learner's process, so its code cannot
switch them off: a wall-clock timeout, a resident-memory limit polled over the
whole process tree, capped capture of stdout/stderr, and on the way out every
descendant is killed, including ones that started their own session.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from grader.isolation import proctree

OUTPUT_CAP = 1_000_000  # bytes of learner output kept per stream
POLL = 0.05
_FRAME = re.compile(r'File "(.+?)", line (\d+) in (\S+)')
_FAULT_DUMP = re.compile(r"(Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\):\n(  File .*\n)*")


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


@dataclass
class _Capture:
    stream: object
    kept: bytearray = field(default_factory=bytearray)
    dropped: int = 0

    def pump(self) -> None:
        while chunk := self.stream.read1(65536):
            room = OUTPUT_CAP - len(self.kept)
            self.kept += chunk[: max(room, 0)]
            self.dropped += max(len(chunk) - max(room, 0), 0)


class Monitor:
    """Watches one learner process and its descendants until it exits or breaks a limit."""

    def __init__(self, pid: int, poll, tree, limits: Limits, learner: str, streams: list):
        self.pid, self.poll, self.tree = pid, poll, tree
        self.limits, self.learner = limits, learner
        self.started = time.monotonic()
        self.captures = [_Capture(s) for s in streams]
        self.threads = [threading.Thread(target=c.pump, daemon=True) for c in self.captures]
        for t in self.threads:
            t.start()

    def wait(self) -> Finished:
        """Wait for the worker to finish or break a limit, then end its whole tree."""
        deadline = self.started + self.limits.timeout
        broke = ""
        while (returncode := self.poll()) is None and not broke:
            broke = self._broken_limit(deadline)
            if not broke:
                time.sleep(POLL)
        if broke == "timed_out":
            proctree.request_stack(self.pid)
            time.sleep(0.3)
        self.kill()
        returncode = self.poll() if returncode is None else returncode
        for t in self.threads:
            t.join(timeout=2)
        out, err = self.captures
        stderr = err.kept.decode("utf-8", "replace")
        return Finished(
            returncode=returncode,
            elapsed=time.monotonic() - self.started,
            stdout=out.kept.decode("utf-8", "replace"),
            stderr=_FAULT_DUMP.sub("", stderr),
            dropped_bytes=out.dropped + err.dropped,
            timed_out=broke == "timed_out",
            out_of_memory=broke == "out_of_memory",
            too_many_processes=broke == "too_many_processes",
            last_frame=self._last_frame(stderr),
        )

    def _broken_limit(self, deadline: float) -> str:
        if time.monotonic() > deadline:
            return "timed_out"
        tree = self.tree()
        if len(tree) > self.limits.max_processes:
            return "too_many_processes"
        if proctree.tree_rss(tree) > self.limits.memory_bytes:
            return "out_of_memory"
        return ""

    def _last_frame(self, stderr: str) -> str:
        """The innermost line of the learner's file in the stack dump, if any."""
        for path, line, func in _FRAME.findall(stderr):
            if path == self.learner:
                return f"line {line}, in {func}"
        return ""

    def kill(self) -> None:
        """End the worker and every process it started, however it detached."""
        proctree.kill_tree(self.tree)
        deadline = time.monotonic() + 5
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)


def write_job(job: dict, job_dir: Path, limits: Limits) -> Path:
    job_file = job_dir / "job.json"
    job_file.write_text(json.dumps(dict(job, limits={"file_bytes": limits.file_bytes})), encoding="utf-8")
    return job_file


class Worker:
    """A learner process started fresh (`python -m grader.isolation.worker`): `wait()` for its `Finished`."""

    def __init__(self, job: dict, job_dir: Path, limits: Limits):
        job_file = write_job(job, job_dir, limits)
        token = uuid.uuid4().hex
        self.proc = subprocess.Popen(
            [sys.executable, "-X", "faulthandler", "-m", "grader.isolation.worker", str(job_file)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=_child_env(token),
            cwd=str(Path(job["learner"]).parent),
        )
        tree = lambda: proctree.descendants(self.proc.pid, token)  # noqa: E731
        learner = str(Path(job["learner"]).resolve())
        self.monitor = Monitor(self.proc.pid, self.proc.poll, tree, limits, learner, [self.proc.stdout, self.proc.stderr])

    def wait(self) -> Finished:
        return self.monitor.wait()

    def kill(self) -> None:
        self.monitor.kill()


def _child_env(token: str) -> dict:
    """The grader must be importable in the child, installed or not."""
    env = dict(os.environ)
    env[proctree.TOKEN_VAR] = token
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTORCH_TUTOR_COURSE", None)
    return env

