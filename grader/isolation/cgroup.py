"""A per-job cgroup v2, for a keeper that has one delegated to it.

Where the cgroup v2 hierarchy holds the `memory` and `pids` controllers and a cgroup is delegated
to us (systemd's `Delegate=yes`, a container's private cgroup namespace), the keeper makes one child
cgroup per job there (`grader.isolation.cgroupjobs`): memory.max, memory.swap.max = 0 and pids.max;
the job's first process joins it before it forks anything (`join`), and at the end
`kill_and_remove()` (cgroup.kill, wait until empty, rmdir). This is the only limit the kernel
enforces on the whole job at once: memory.max counts the job's tmpfs and shared-memory pages too.

cgroup v2 forbids processes in a cgroup whose controllers are enabled for its children ("no
internal processes"), so the parent of the job cgroups must hold no process, or already have
memory and pids in its cgroup.subtree_control. It is $PYTORCH_TUTOR_CGROUP_ROOT where that is set
(an empty delegated cgroup: e.g. a sibling of the grader's own, under a `Delegate=yes` unit), else
this process's own cgroup, which qualifies only where memory and pids are enabled for its children
already (the hierarchy's root is exempt). No process is moved here: `unavailable_reason()` says why not.
None of this exists on a v1/v2 hybrid (memory on v1, an empty unified hierarchy).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import time

NEEDED = ("memory", "pids")
ROOT_ENV = "PYTORCH_TUTOR_CGROUP_ROOT"  # the folder to make job cgroups in (tests point it at a stand-in)


def _cgroup2_mount() -> str | None:
    """Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup, else the hybrid's unified one."""
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mine, _, theirs = line.partition(" - ")
            if theirs.split(" ", 1)[0] == "cgroup2":
                found.append(mine.split()[4])
    for preferred in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        if preferred in found:
            return preferred
    return found[0] if found else None


def own_cgroup() -> str:
    """The folder of this process's cgroup v2; raises LookupError with the reason when there is none."""
    if sys.platform != "linux":
        raise LookupError("not Linux")
    mount = _cgroup2_mount()
    if mount is None:
        raise LookupError("no cgroup v2 hierarchy is mounted")
    with open("/proc/self/cgroup") as f:
        path = next((line.strip()[3:] for line in f if line.startswith("0::")), None)
    if path is None:
        raise LookupError("this process is in no cgroup v2")
    return os.path.normpath(os.path.join(mount, path.lstrip("/")))


def parent_folder() -> str:
    """Where job cgroups are made: $PYTORCH_TUTOR_CGROUP_ROOT, else our own cgroup (LookupError if none)."""
    return os.environ.get(ROOT_ENV) or own_cgroup()


def unavailable_reason() -> str:
    """Why a per-job cgroup cannot be made here, or "" when it can."""
    try:
        folder = parent_folder()
        controllers, enabled = _words(folder, "cgroup.controllers"), _words(folder, "cgroup.subtree_control")
        busy = bool(_words(folder, "cgroup.procs"))
    except (OSError, LookupError) as exc:
        return str(exc)
    lacking = [name for name in NEEDED if name not in controllers]
    if lacking:
        return f"the cgroup v2 hierarchy ({folder}) has no {' or '.join(lacking)} controller{_elsewhere(lacking)}"
    if not os.access(os.path.join(folder, "cgroup.subtree_control"), os.W_OK) or not os.access(folder, os.W_OK):
        return f"our cgroup {folder} is not delegated to us (not writable)"
    if busy and not all(name in enabled for name in NEEDED):
        return (f"the cgroup {folder} holds processes, so cgroup v2 enables no controller for cgroups below it: "
                f"set {ROOT_ENV} to an empty delegated cgroup")
    return ""


def _words(folder: str, name: str) -> list[str]:
    with open(os.path.join(folder, name)) as f:
        return f.read().split()


def join(path: str) -> None:
    """Move this process into the cgroup `path` (before it forks: its children are born there)."""
    _write(os.path.join(path, "cgroup.procs"), str(os.getpid()))


def _elsewhere(lacking: list[str]) -> str:
    """", which is on cgroup v1 here" where the v1 hierarchy holds them (a hybrid machine)."""
    with open("/proc/self/cgroup") as f:
        v1 = {name for line in f for name in line.split(":")[1].split(",") if line.split(":")[1]}
    on_v1 = [name for name in lacking if name in v1]
    return f" ({', '.join(on_v1)} on cgroup v1 here)" if on_v1 else ""


class JobCgroup:
    """One job's cgroup: `create`, `add(pid)`, and `kill_and_remove()` when the job ends."""

    def __init__(self, path: str):
        self.path = path

    @classmethod
    def create(cls, parent: str, name: str, memory_bytes: int, max_processes: int) -> "JobCgroup":
        """Make `parent`/`name` with the limits set; the memory and pids controllers are enabled in
        `parent` first if they are not (which fails with EBUSY while `parent` holds processes)."""
        control = os.path.join(parent, "cgroup.subtree_control")
        with open(control) as f:
            enabled = f.read().split()
        missing = " ".join(f"+{c}" for c in NEEDED if c not in enabled)
        if missing:
            _write(control, missing)
        job = cls(os.path.join(parent, name))
        os.mkdir(job.path)
        try:
            _write(os.path.join(job.path, "memory.max"), str(memory_bytes))
            if os.path.exists(os.path.join(job.path, "memory.swap.max")):  # absent without swap accounting
                _write(os.path.join(job.path, "memory.swap.max"), "0")
            _write(os.path.join(job.path, "pids.max"), str(max_processes))
        except OSError:
            os.rmdir(job.path)
            raise
        return job

    def add(self, pid: int) -> None:
        """Move `pid` (before it runs learner code) into the job's cgroup; its children follow."""
        _write(os.path.join(self.path, "cgroup.procs"), str(pid))

    def kill_and_remove(self, timeout: float = 5.0) -> None:
        """SIGKILL everything in the cgroup (cgroup.kill, or one by one before Linux 5.14),
        wait until it is empty, and remove it; OSError (EBUSY) if it is not empty by `timeout`."""
        deadline = time.monotonic() + timeout
        kill = os.path.join(self.path, "cgroup.kill")
        if os.path.exists(kill):
            _write(kill, "1")  # at once: a leftover must not fork while we look
        while self._populated() and time.monotonic() < deadline:
            if os.path.exists(kill):
                _write(kill, "1")
            else:
                for pid in self._pids():
                    _kill(pid)
            time.sleep(0.01)
        _rmdir(self.path)

    def memory_broken(self) -> int:
        """0 while the kernel has not had to act on memory.max (memory.events: oom, oom_kill); once it has,
        the most memory the job held (memory.peak where the kernel keeps it, else the limit)."""
        events = _read(self.path, "memory.events").split()
        if not any(name in ("oom", "oom_kill") and count != "0" for name, count in zip(events[::2], events[1::2])):
            return 0
        figures = [_read(self.path, name).strip() for name in ("memory.peak", "memory.max")]
        return next((int(n) for n in figures if n.isdigit()), 1)

    def _populated(self) -> bool:
        try:
            with open(os.path.join(self.path, "cgroup.events")) as f:
                return "populated 1" in f.read()
        except FileNotFoundError:  # not a kernel's cgroupfs (a test's stand-in): nothing runs in it
            return False

    def _pids(self) -> list[int]:
        with open(os.path.join(self.path, "cgroup.procs")) as f:
            return [int(p) for p in f.read().split()]


def _rmdir(path: str) -> None:
    """Remove a job cgroup. A kernel's cgroupfs removes its interface files with the folder; a stand-in
    folder of plain files (tests) has them removed first."""
    try:
        os.rmdir(path)
    except OSError as exc:
        if exc.errno != errno.ENOTEMPTY:
            raise
        for name in os.listdir(path):
            os.unlink(os.path.join(path, name))
        os.rmdir(path)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _read(folder: str, name: str) -> str:
    try:
        with open(os.path.join(folder, name)) as f:
            return f.read(4096)
    except OSError:
        return ""


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)
