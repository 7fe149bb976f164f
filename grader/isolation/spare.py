"""A job's processes forked ahead of the job, while a keeper waits for its next one.

Forking C, I and L (`grader.isolation.boundary`) from a keeper that holds torch costs about three
copies of its page tables (some 30 ms of a warm 03's 100); a keeper forks them as soon as it has
answered a job (or, for a single check, while the trusted side reads the reference), so that the
next job starts with C in its namespaces, I its init and L waiting on a pipe for the job. L reads
the job (JSON and the input bytes, from the keeper only) while still privileged, then goes on as a
freshly forked L would: prepare, restrict, run. Every job still gets fresh processes: a spare is
used for one job, and one nobody used is killed and its folder removed.

No spare where the keeper makes a cgroup per job (C must join it before forking, and the cgroup's
limits are the job's) or the boundary is switched off: those jobs fork as they arrive.
"""

from __future__ import annotations

import json
import os
import signal
import struct

from grader.isolation import boundary, cgroup, keeper, proctree
from grader.isolation import syscalls as sc

NAME = "ptt-spare"
SPARE_INFIX = "spare-"  # in its folder's name until it takes a job (then it is named as any job's)
_HEADER = struct.Struct(">Q")  # the request's JSON length; the input bytes follow it to the end


class Spare:
    """C's pid, the job's folder, the read ends of stdout, stderr and results, and the job pipe's write end."""

    def __init__(self, likely: dict | None = None) -> None:
        self.scratch = keeper.new_scratch(SPARE_INFIX)
        pipes = [os.pipe() for _ in range(3)]
        job_r, self.job_w = os.pipe()
        keeper_pid = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            sc.die_with_parent()
            if os.getppid() != keeper_pid:  # the keeper was killed as it forked us
                os._exit(0)
            os.close(self.job_w)
            _child(pipes, job_r, likely)  # never returns
        os.close(job_r)
        for _, write_end in pipes:
            os.close(write_end)
        self.reads = [read_end for read_end, _ in pipes]

    def hand(self, request: dict, extra: bytes) -> bool:
        """Give L the job; False (the spare ended) if it is no longer there to take it."""
        try:
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                raise ChildProcessError
            self.scratch = _job_folder(self.scratch)
            document = json.dumps({"job": request, "scratch": self.scratch}).encode("utf-8")
            _write_all(self.job_w, _HEADER.pack(len(document)) + document + extra)
        except OSError:  # BrokenPipeError, ChildProcessError
            self.discard()
            return False
        finally:
            os.close(self.job_w)
        return True

    def streams(self) -> list:
        return [os.fdopen(fd, "rb") for fd in self.reads]

    def discard(self) -> None:
        """Kill the spare's processes and remove its folder (its pipes are closed)."""
        me = os.getpid()
        proctree.kill_tree(lambda: proctree.descendants(me) - {me})
        keeper.reap_all()
        for fd in self.reads:
            os.close(fd)
        self.reads = []
        keeper.remove(self.scratch)


def fork(last: dict | None = None) -> Spare | None:
    """A spare for the next job, where this keeper's jobs may take one; it loads the checks of `last` (the
    job before: in `watch` and the server, the next is most often of the same exercise) while it waits."""
    if os.environ.get(boundary.UNSAFE_ENV) == "1" or not cgroup.unavailable_reason():
        return None
    likely = {"exercise": last["exercise"], "checks": last["checks"]} if last and "checks" in last else None
    return Spare(likely)


def _child(pipes: list, job_r: int, likely: dict | None) -> None:
    """The spare's C: as a fresh job's (`keeper._child`), with the job still to come on `job_r` (fd
    JOB_FD from here on), which L reads once it is in the namespaces. Named NAME until then (C and I
    keep the name: `ps` and the tests tell a spare from a learner's leftover by it)."""
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()
        keeper.plumb(pipes, job_r)
        own = _rename(NAME)
        boundary.contain_job(lambda: _taken(own, likely), "", keep=keeper.JOB_FD)
    finally:
        os._exit(70)


def _taken(own_name: str, likely: dict | None) -> tuple:
    """In L: the checks of the `likely` job loaded ahead, then the job, read from the keeper; L is named as
    before (a learner's process again). The job's checks are loaded anew unless they are those, unchanged."""
    from grader.judging.loader import file_signature

    ahead = _load_ahead(likely)
    document, extra = read_job(keeper.JOB_FD)
    _rename(own_name)
    job = document["job"]
    spec, prepare, run = keeper.job_parts(job, extra, document["scratch"], "")
    if ahead is not None and ahead[0] == (job.get("exercise"), job.get("checks"), file_signature(job.get("checks"))):
        prepare = lambda: ahead[1]  # noqa: E731
    return spec, prepare, run


def _load_ahead(likely: dict | None) -> tuple | None:
    """((exercise, checks path, the file's signature), the checks module) of `likely`, or None."""
    from grader.isolation import worker
    from grader.judging.loader import file_signature

    if likely is None:
        return None
    signature = file_signature(likely["checks"])
    try:
        return (likely["exercise"], likely["checks"], signature), worker.prepare(likely)
    except BaseException:  # the job loads its checks itself, and reports what is wrong then
        return None


def _job_folder(spare_folder: str) -> str:
    """The spare's folder, renamed as a job's (only this keeper makes names with its pid in them)."""
    head, _, tail = spare_folder.rpartition(SPARE_INFIX)
    folder = head + tail
    if os.path.lexists(folder):
        raise FileExistsError(folder)
    os.rename(spare_folder, folder)
    return folder


def _rename(name: str) -> str:
    """Set this process's name (its /proc comm); the name it had ("" where it cannot be read or set)."""
    try:
        with open("/proc/self/comm", "r+") as comm:
            old = comm.read().strip()
            comm.seek(0)
            comm.write(name or old)
        return old
    except OSError:
        return ""


def read_job(fd: int) -> tuple[dict, bytes]:
    """In L: the document ({"job", "scratch"}) and the input bytes the keeper wrote on `fd`; the pipe closed."""
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    os.close(fd)
    data = b"".join(chunks)
    (length,) = _HEADER.unpack_from(data)
    return json.loads(data[_HEADER.size:_HEADER.size + length]), data[_HEADER.size + length:]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
