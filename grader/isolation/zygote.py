"""A warm worker: a long-lived process with torch already imported that forks a
fresh child for every check. Run as `python -m grader.isolation.zygote SOCKET READY_FD`, or
forked from the trusted process (`grader.isolation.pool`; `serve_once` for a single check).

Learner code only ever runs in the forked children, never in the zygote, so
nothing a submission does can leak into later checks. The zygote serves one
job at a time and is a child subreaper, so every process a job leaves behind,
however it detached, is its descendant and is killed when the job ends. The
same limits as a cold worker apply (they are enforced here, outside the child).
"""

from __future__ import annotations

import ctypes
import faulthandler
import json
import os
import signal
import socket
import sys
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

PR_SET_CHILD_SUBREAPER = 36


def serve(sock_path: str, ready_fd: int) -> None:
    """Answer jobs on `sock_path` forever; write "ready" to `ready_fd` once torch is imported."""
    import numpy  # noqa: F401  (warm imports: what every check needs)
    import grader.isolation.torchsetup

    grader.isolation.torchsetup.prepare()  # children inherit it
    import grader.judging.probe  # noqa: F401
    import grader.isolation.worker  # noqa: F401
    from grader.isolation.sandbox import Limits, Monitor

    _become_keeper()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sock_path)
    server.listen(8)
    os.write(ready_fd, b"ready\n")
    os.close(ready_fd)
    while True:
        conn, _ = server.accept()
        with conn, conn.makefile("rwb") as stream:
            line = stream.readline()
            if not line:
                continue
            request = json.loads(line)
            finished = _run_one(request, Limits(**request["limits"]), Monitor)
            stream.write(json.dumps(asdict(finished)).encode() + b"\n")
            stream.flush()


def detach() -> None:
    """For a zygote forked from the command line: no stdin, nothing of ours on the learner's
    terminal, and the environment a fresh zygote gets (`sandbox._child_env`)."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.environ.pop("PYTORCH_TUTOR_COURSE", None)


def _become_keeper() -> None:
    """Adopt every orphan our jobs leave (so their trees are ours to kill); leave Ctrl-C to our parent."""
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent ends us and our job


def request_for(job: dict, job_dir: Path, limits) -> dict:
    """What a zygote needs to run one job."""
    from dataclasses import fields

    from grader.isolation.sandbox import write_job

    request = {"job_file": str(write_job(job, job_dir, limits)), "learner": str(Path(job["learner"]).resolve())}
    request["limits"] = {f.name: getattr(limits, f.name) for f in fields(limits)}
    return request


def fork_off(run, *args) -> tuple[int, BinaryIO]:
    """Fork a zygote from this (trusted) process once it has imported torch: the child runs
    `run(*args, write_fd)` detached from the terminal and exits. Returns (pid, the pipe's read end)."""
    import grader.isolation.torchsetup

    grader.isolation.torchsetup.prepare()  # here, once: the zygote and this process share it
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            detach()
            run(*args, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    return pid, os.fdopen(read_fd, "rb")


def serve_once(request: dict, reply_fd: int) -> None:
    """In a zygote just forked off (`fork_off`): run one job, write its `Finished` line to `reply_fd`."""
    from grader.isolation.sandbox import Limits, Monitor

    _become_keeper()
    finished = _run_one(request, Limits(**request["limits"]), Monitor)
    os.write(reply_fd, json.dumps(asdict(finished)).encode() + b"\n")


def _run_one(request: dict, limits, Monitor):
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: becomes the learner's process
        os.close(out_r)
        os.close(err_r)
        _child(request, out_w, err_w)
    os.close(out_w)
    os.close(err_w)
    me = os.getpid()

    def poll():
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return poll.code
        if done:
            poll.code = os.waitstatus_to_exitcode(status)
        return poll.code

    poll.code = None
    from grader.isolation import proctree

    tree = lambda: proctree.descendants(me) - {me}  # noqa: E731  (one job at a time: all of it is this job's)
    streams = [os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb")]
    finished = Monitor(pid, poll, tree, limits, request["learner"], streams).wait()
    _reap_all()
    for s in streams:
        s.close()
    return finished


def _child(request: dict, out_w: int, err_w: int) -> None:
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.chdir(Path(request["learner"]).parent)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
        faulthandler.enable()
        from grader.isolation.worker import main

        main(request["job_file"])
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)


def _reap_all() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
