"""One job, as a keeper runs it: fork the job's process, let it enter the boundary, watch
it under the limits, collect stdout, stderr and the results pipe, and leave nothing behind.
Where a delegated cgroup v2 exists, the job gets a cgroup of its own (`cgroupjobs`) as well.
Elsewhere a keeper forks the next job's processes while it waits for the job (`spare`).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time

from grader.isolation import boundary, cgroupjobs, jobfolders, namespaces, proctree
from grader.isolation.sandbox import Finished, Limits, Monitor

RESULTS_CAP = 37 * 2**20  # the results pipe: channel.MAX_JSON + MAX_TENSORS and the frames' headers
PREFIX = "pytorch-tutor-job-"  # + the keeper's pid + "-": a folder whose keeper is gone can be told


def run_job(request: dict, extra: bytes, spare=None) -> Finished:
    """Run the job `request` describes; `extra` is its input file (an inspect job's results). `spare`: the
    job's processes forked ahead (`grader.isolation.spare`), used where they are still there to take it."""
    limits = Limits(**request["limits"])
    if spare is not None and spare.hand(request, extra):
        try:
            finished = _watch(spare.pid, request, limits, spare.streams(), None)
        finally:
            remove(spare.scratch)
        if finished.results or finished.timed_out or finished.overloaded:
            return finished
        # Nothing at all on the results pipe: L never reached the learner's code (whose first frame comes
        # before it), so the spare died or failed before the job could start in it. Fork afresh.
    scratch = new_scratch()
    group = cgroupjobs.open_for(limits) if os.environ.get(boundary.UNSAFE_ENV) != "1" else None
    try:
        pipes = [os.pipe() for _ in range(3)]  # stdout, stderr, results
        pid = os.fork()
        if pid == 0:
            _child(request, extra, limits, scratch, pipes, group.path if group else "")  # never returns
        for read_end, write_end in pipes:
            os.close(write_end)
        return _watch(pid, request, limits, [os.fdopen(r, "rb") for r, _ in pipes], group)
    finally:
        remove(scratch)
        cgroupjobs.close(group)


def new_scratch(infix: str = "") -> str:
    """The job's folder on the host, only ours (named so that `sweep` can tell whose it is)."""
    scratch = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{infix}")
    os.chmod(scratch, 0o700)
    return scratch


def _watch(pid: int, request: dict, limits: Limits, streams: list, group) -> Finished:
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
    tree = lambda: proctree.descendants(me) - {me}  # noqa: E731  (one job at a time: all of it is this job's)
    stack_of = lambda: boundary.learner_pid(pid)  # noqa: E731
    learner = request.get("filename", "")
    tmpfs = (lambda: namespaces.tmpfs_used(pid)) if sys.platform == "linux" else None
    oom = group.memory_broken if group is not None else None
    finished = Monitor(pid, poll, tree, limits, learner, streams, RESULTS_CAP, stack_of, tmpfs, oom).wait()
    reap_all()
    for stream in streams:
        stream.close()
    return finished


def tmpfs_size(memory_bytes: int) -> int:
    """The size cap of each private tmpfs (/tmp, /dev/shm): a quarter of the memory limit, at most 1 GiB.
    The kernel holds each to it; what they hold counts toward the memory limit with the processes'."""
    return max(min(memory_bytes // 4, 2**30), 2**20)


def _child(request: dict, extra: bytes, limits: Limits, scratch: str, pipes: list, group: str) -> None:
    """The job's process: standard streams on the pipes, fd 3 the results pipe, then the boundary."""
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        plumb(pipes)
        boundary.contain_job(lambda: job_parts(request, extra, scratch, group), group)
    finally:
        os._exit(70)


JOB_FD = 4  # where a spare's L reads its job (`grader.isolation.spare`)


def job_parts(request: dict, extra: bytes, scratch: str, group: str) -> tuple:
    """What `boundary.contain` is given for this job (called in L, where its environment is set too)."""
    from grader.isolation import worker

    limits = Limits(**request["limits"])
    files = ((request["filename"], request["source"].encode("utf-8")),) if request["kind"] == "learn" else (("input.bin", extra),)
    spec = boundary.Boundary(
        scratch=scratch, tmpfs_bytes=tmpfs_size(limits.memory_bytes), memory_bytes=limits.memory_bytes,
        max_processes=limits.max_processes, readable=tuple(request.get("readable", ())),
        forbidden=tuple(request.get("forbidden", ())), files=files, cgroup=group,
    )
    os.environ.update(request.get("env", {}))
    return spec, lambda: worker.prepare(request), lambda checks, layers: _run(request, checks, layers)


def _run(request: dict, checks, layers) -> None:
    import faulthandler

    from grader.isolation import worker

    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    faulthandler.enable()
    faulthandler.register(signal.SIGUSR1, all_threads=False)  # the keeper asks "where are you?" on timeout
    worker.run(request, checks, layers)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip atexit handlers and threads the learner's code may have left


def plumb(pipes: list, job_r: int | None = None) -> None:
    import fcntl

    (out_r, out_w), (err_r, err_w), (res_r, res_w) = pipes
    for fd in (out_r, err_r, res_r):
        os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    job = [(fcntl.fcntl(job_r, fcntl.F_DUPFD, 64), JOB_FD)] if job_r is not None else []  # copied above the fds set here
    for source, target in ((null, 0), (out_w, 1), (err_w, 2), (res_w, 3), *job):
        os.dup2(source, target)
    os.closerange(JOB_FD + bool(job), 1 << 16)  # nothing of the keeper's (its socket to the grader) reaches the learner


def sweep(folder: str | None = None, prefix: str = PREFIX, accept=None) -> None:
    """Remove the folders of keepers that are gone (`jobfolders.sweep`, a pid's life read from /proc),
    and their job cgroups."""
    jobfolders.sweep(proctree.alive, folder, prefix, accept)
    cgroupjobs.sweep()


def remove(path: str) -> None:
    """Remove the job's scratch folder, even if the job swapped it for a symlink."""
    if os.path.islink(path):
        os.unlink(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


def reap_all(seconds: float = 0.0) -> None:
    """Reap every child that has ended; wait up to `seconds` for those still ending (a job's init, whose
    kill returned once it was in the kernel's exit path: `proctree.kill_tree`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() >= deadline:
                return
            time.sleep(0.002)
