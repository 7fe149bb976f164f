"""The OS boundary a forked learner process enters before any learner code runs.

`contain()` is called in a freshly forked child and never returns. Three processes:

  C  the caller's child: closes every fd above 3, dies with its parent, unshares the job's
     namespaces (`namespaces.enter`), forks I, and exits the way the learner did as soon as I has
     told it (I's own end, with the namespace's, goes on after: `proctree.kill_tree` counts a
     process in the kernel's exit path as ended, and a keeper reaps I once it has answered);
  I  pid 1 of the job's PID namespace, a tiny init: private mounts, a fresh /proc, forks L,
     reaps every child until L is gone, tells C how L ended, and exits, upon which the kernel
     kills whatever is left in the namespace (L must not be pid 1 itself: pid 1 ignores
     every signal it has no handler for);
  L  the learner: `prepare()` while still privileged, then a private /tmp and /dev/shm, its
     files, an unprivileged uid, a fresh session keyring, no_new_privs and Landlock, then
     `run()` (`grader.isolation.jobproc`). The tmpfs is mounted here, after `prepare()`, not
     in I: the grader's job folder is in the host's /tmp, and `prepare()` must still read it.

Each layer is tried on its own and recorded in `Layers` (in force, or missing and why); off
Linux contain() is plain "prepare, then run". The per-job cgroup is made and removed by the keeper
(`grader.isolation.cgroupjobs`); C joins it first, before it forks, where the keeper made one
(`Boundary.cgroup`). `detect()` reports whether this machine has one.
Nothing here imports torch.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from typing import Any, Callable, NoReturn

from grader.isolation import cgroup, jobproc, namespaces
from grader.isolation import syscalls as sc
from grader.isolation.layers import Layers, Tally

UNSAFE_ENV = "PYTORCH_TUTOR_UNSAFE_NO_BOUNDARY"  # "1" in the grader's environment: no layers (for measuring their cost)

__all__ = ["Boundary", "Layers", "contain", "detect", "harden_trusted", "die_with_parent", "learner_pid"]


@dataclass(frozen=True)
class Boundary:
    """What one job's learner process may touch."""

    scratch: str  # empty host folder made by the caller: the writable space only when no private tmpfs
    tmpfs_bytes: int = 512 * 2**20  # size cap of the private /tmp and of the private /dev/shm, each
    memory_bytes: int = 4 * 2**30  # for a per-job cgroup, where one is delegated
    max_processes: int = 64  # RLIMIT_NPROC of the learner's own uid (plus room for threads), and a per-job cgroup
    readable: tuple[str, ...] = ()  # extra paths the learner may read (besides Python and the grader);
    #                                 under /tmp they are read through descriptors (isolation.relocate)
    forbidden: tuple[str, ...] = ()  # never readable, even under an allowed root
    files: tuple[tuple[str, bytes], ...] = ()  # (name, content) written into the writable folder
    cgroup: str = ""  # the job's cgroup folder, where the keeper made one: C joins it before forking

    def __post_init__(self) -> None:
        if self.tmpfs_bytes <= 0:  # tmpfs reads size=0 as no limit at all
            raise ValueError("Boundary.tmpfs_bytes must be positive")
        for name, _ in self.files:
            if not name or os.path.basename(name) != name or name in (".", ".."):
                raise ValueError(f"Boundary.files names must be plain file names, not {name!r}")


def contain(boundary: Boundary, prepare: Callable[[], Any], run: Callable[[Any, Layers], None]) -> NoReturn:
    """Call in a freshly forked child (fds 0, 1, 2 and 3 already set up by the caller; 3 is the results
    pipe). Builds the layers, then in the final learner process calls `state = prepare()` (still privileged,
    before any restriction: it may read course files, and it still sees the host's /tmp), applies the
    restrictions, chdirs into the writable folder (where `files` were written), and calls
    `run(state, layers)`. Never returns: this process exits with the learner process's fate (exit code,
    or death by the same signal), so the caller's waitpid() sees what the learner did; SETUP_FAILED (125)
    if the learner never reached run(). `prepare` must not start threads: Landlock restricts only the
    thread that applies it and what that thread starts afterwards."""
    contain_job(lambda: (boundary, prepare, run), boundary.cgroup)


Job = Callable[[], tuple[Boundary, Callable[[], Any], Callable[[Any, Layers], None]]]


def contain_job(job: Job, cgroup_folder: str = "", keep: int | None = None) -> NoReturn:
    """contain() for a job L learns of once it is in the namespaces (a spare: `grader.isolation.spare`):
    `job()`, L's first call (still privileged), returns contain()'s arguments. `keep` is an fd above 3 left
    open for it (the pipe the job comes on); C and I close it once they have forked."""
    if sys.platform != "linux":
        jobproc.plain(*job())
    if os.environ.get(UNSAFE_ENV) == "1":
        jobproc.plain(*job(), f"switched off by {UNSAFE_ENV}=1 in the grader's environment")
    try:
        tally = Tally()
        if cgroup_folder:  # first: every process of the job is then born inside
            tally.attempt("cgroup", cgroup.join, cgroup_folder)
        jobproc.close_above_3(keep)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        sc.die_with_parent()
        namespaces.enter(tally)
        report_r, report_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(report_r)
            jobproc.init_process(job, tally, report_w, keep)
        os.close(report_w)
        jobproc.step_aside(keep=report_r, also=keep)
        fate = jobproc.read_fate(report_r, pid)
    except BaseException:
        jobproc.crash()
    jobproc.die_like(*fate)


def harden_trusted() -> None:
    """For a trusted process (keeper, zygote): not dumpable (its /proc files become root's and a
    same-uid process cannot read its memory), and the reaper of every orphan below it."""
    if sys.platform == "linux":
        sc.prctl(sc.PR_SET_DUMPABLE, 0)
        sc.prctl(sc.PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent() -> None:
    """PR_SET_PDEATHSIG=SIGKILL: this process is killed when the thread that forked it ends."""
    if sys.platform == "linux":
        sc.die_with_parent()


_detected: Layers | None = None


def detect() -> Layers:
    """What this machine supports: contain() run once, with nothing to run, in a throwaway forked
    child (a few milliseconds); cached for the life of this process. `cgroup` is probed here."""
    global _detected
    if _detected is None:
        scratch = tempfile.mkdtemp(prefix="pytorch-tutor-detect-")
        try:
            found = _probe(scratch) if sys.platform == "linux" else Layers((), (("boundary", jobproc.NOT_LINUX),), scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        why = cgroup.unavailable_reason()
        extra = ((), (("cgroup", why),)) if why else (("cgroup",), ())
        _detected = Layers(found.in_force + extra[0], found.missing + extra[1], found.writable)
    return _detected


def _probe(scratch: str) -> Layers:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        if write_fd != 3:
            os.dup2(write_fd, 3)
            os.close(write_fd)
        contain(Boundary(scratch), lambda: None, lambda _, layers: os.write(3, json.dumps(asdict(layers)).encode()))
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as said:
        data = said.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        return Layers((), (("boundary", f"the probe ended without a report ({jobproc.fate_text(status)})"),), "")
    found = json.loads(data)
    return Layers(tuple(found["in_force"]), tuple(map(tuple, found["missing"])), found["writable"])


def learner_pid(root: int) -> int | None:
    """The host pid of the learner process (L) under `root`, the process contain() was called in
    (for sending it SIGUSR1, reading its memory); None while there is none."""
    inits = _children(root)
    if len(inits) != 1:
        return None
    kids = _children(inits[0])
    for kid in kids:
        nspid = _nspid(kid)
        if len(nspid) > 1 and nspid[-1] == 2:  # in a PID namespace, L is I's first child: pid 2
            return kid
    return kids[0] if len(kids) == 1 and len(_nspid(kids[0])) == 1 else None


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _nspid(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/status") as f:
            line = next((line for line in f if line.startswith("NSpid:")), "NSpid:")
    except OSError:
        return []
    return [int(p) for p in line.split()[1:]]
