"""The keeper's side of per-job cgroups: one for each job where a delegated cgroup v2 exists.

`open_for(limits)` makes the job's cgroup (memory.max = the job's memory limit, pids.max = its
process limit plus what the job's own two processes and the learner's threads need: pids counts
threads), or returns None where there is none to make (`cgroup.unavailable_reason()`), and then
nothing changes. The job's first process joins it before forking (`boundary.Boundary.cgroup`), so
every process of the job is born inside. `close()` kills what is left and removes it. A cgroup is
named like the job folders (PREFIX + the keeper's pid + "-" + random), so one whose keeper was
killed before its clean-up is swept by the next pool (`sweep`), as `jobfolders` sweeps folders.
"""

from __future__ import annotations

import os
import secrets

from grader.isolation import cgroup, jobfolders, jobproc, proctree

PREFIX = "pytorch-tutor-job-"
OWN_PROCESSES = 2  # the job's C and I (`grader.isolation.boundary`), besides the learner's


def pids_max(max_processes: int) -> int:
    """pids.max for a job allowed `max_processes` processes: as RLIMIT_NPROC, room for threads too."""
    return max_processes + OWN_PROCESSES + jobproc.THREAD_ROOM


def open_for(limits) -> cgroup.JobCgroup | None:
    """The cgroup of a job with these `Limits`, made now; None where no delegated cgroup v2 exists
    (or making it failed: the job then runs without, and does not list the layer)."""
    if cgroup.unavailable_reason():
        return None
    name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        return cgroup.JobCgroup.create(cgroup.parent_folder(), name, limits.memory_bytes, pids_max(limits.max_processes))
    except (OSError, LookupError):
        return None


def close(group: cgroup.JobCgroup | None) -> None:
    """Kill whatever is left in the job's cgroup and remove it (a cgroup still busy is left to `sweep`)."""
    if group is not None:
        try:
            group.kill_and_remove()
        except OSError:
            pass


def sweep() -> None:
    """Kill and remove the job cgroups of keepers that are gone."""
    try:
        parent = cgroup.parent_folder()
    except (OSError, LookupError):
        return
    jobfolders.sweep(proctree.alive, parent, PREFIX, remove=lambda path: close(cgroup.JobCgroup(path)))
