"""Keepers: processes with torch imported that fork a fresh learner process per job and watch it.

A warm zygote (`serve`) answers jobs one at a time on a private socketpair for as long as
its pool lives; a one-job keeper (`serve_once`) does the same for a single check. Either
is forked from the trusted process after it imports torch and before it loads any course
code (`grader.isolation.forked`), or, where that is unsafe, started fresh with
`python -m grader.isolation.zygote FD`. Learner code only ever runs in the forked
children, inside the boundary (`grader.isolation.boundary`), never in the keeper, so
nothing a submission does leaks into later jobs. A keeper is a child subreaper and dies
with its parent, so every process a job leaves behind is its to kill.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys

from grader.isolation import protocol

PR_SET_CHILD_SUBREAPER = 36
SETTLE_SECONDS = 2.0


def serve(fd: int) -> None:
    """Answer jobs on the socketpair end `fd` until the other end closes."""
    import numpy  # noqa: F401  (warm imports: what every check needs)

    from grader.isolation import spare, torchsetup

    torchsetup.prepare(warm=True)  # children inherit it
    become_keeper()
    sock = socket.socket(fileno=fd)
    protocol.send(sock, b"ready")  # torch is here: the first job may be sent now (it waits in the socket)
    _warm_imports()  # meanwhile, not before: a cold check's trusted side computes the reference instead of waiting
    last = None
    while True:
        last = _one_job(sock, spare.fork(last))  # the next job's processes forked while none is asked for
        if last is None:
            return  # the pool closed


def _warm_imports() -> None:
    """What jobs import besides torch (no course code), imported here once for every job to inherit:
    about a third of a warm job's CPU time for 03 (numpy.random and safetensors are compiled modules),
    and nothing of the grader is left to import once the boundary is up (a grader installed under
    /tmp, which the learner's process sees as a private, empty tmpfs, still works)."""
    import numpy.ctypeslib  # noqa: F401  (safetensors saves tensors through it)
    import numpy.random  # noqa: F401
    import safetensors.torch  # noqa: F401

    import grader.isolation.guard  # noqa: F401
    import grader.isolation.worker  # noqa: F401
    import grader.judging.channel  # noqa: F401
    import grader.judging.loader  # noqa: F401
    import grader.judging.probe  # noqa: F401
    import grader.judging.schema  # noqa: F401  (an inspect job's)
    import grader.judging.spy  # noqa: F401
    import grader.judging.transforms  # noqa: F401


def serve_once(fd: int) -> None:
    """Run the one job that arrives on `fd`, reply, and return (the process then exits)."""
    from grader.isolation import spare

    become_keeper()
    _warm_imports()  # here rather than in the learner's process, while the trusted side computes the reference
    _one_job(socket.socket(fileno=fd), spare.fork())  # and the job's processes too


def _one_job(sock: socket.socket, ahead) -> dict | None:
    """Run the next job that arrives on `sock` (in the spare `ahead`, if any) and reply; the job's exercise and
    checks file (never its source or results: the next job's processes are forked from this one's memory),
    or None once the other end has closed (the spare is then discarded)."""
    from grader.isolation import keeper

    try:
        request, extra = protocol.receive_json(sock, extra=1)
    except protocol.Lost:
        if ahead is not None:
            ahead.discard()
        return None
    finished = keeper.run_job(request, extra[0], ahead)
    protocol.send_json(sock, finished.to_wire(), finished.results)
    keeper.reap_all(SETTLE_SECONDS)  # answered: the job's last processes may now finish ending, before the next job
    return {k: request[k] for k in ("exercise", "checks") if k in request}  # no more: the next spare is forked with it


def become_keeper() -> None:
    """Adopt every orphan our jobs leave (so their trees are ours to kill), die with our parent,
    stay out of reach of ptrace, and leave Ctrl-C to the parent."""
    from grader.isolation import boundary

    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    boundary.die_with_parent()
    boundary.harden_trusted()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent ends us and our job


def detach() -> None:
    """For a keeper forked from the command line: no stdin, nothing of ours on the learner's terminal."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.environ.pop("PYTORCH_TUTOR_COURSE", None)


def fork_off(run, *args) -> tuple[int, socket.socket]:
    """Fork a keeper from this (trusted) process once it has imported torch: the child runs
    `run(*args, fd)` on its end of a fresh socketpair, detached from the terminal, and exits.
    Returns (pid, our end)."""
    from grader.isolation import torchsetup

    torchsetup.prepare()  # here, once: the keeper and this process share it
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            detach()
            run(*args, theirs.detach())
        finally:
            os._exit(0)
    theirs.close()
    return pid, ours


if __name__ == "__main__":
    once = sys.argv[1:2] == ["--once"]
    fd = int(sys.argv[-1])
    serve_once(fd) if once else serve(fd)
    sys.stdout.flush()
    os._exit(0)
