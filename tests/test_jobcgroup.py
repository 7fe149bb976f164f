"""The per-job cgroup as the keeper uses it, tested against a STAND-IN for a kernel cgroupfs.

This machine has no delegated cgroup v2 (a v1 hybrid: the unified hierarchy has no memory or pids
controller), so these tests point PYTORCH_TUTOR_CGROUP_ROOT at a temporary folder laid out like a
delegated cgroup v2 (cgroup.controllers, cgroup.subtree_control, cgroup.procs as plain files). A
thread plays the kernel's part for each job cgroup the keeper makes: it adds memory.events and
cgroup.kill, and reads what the grader wrote. What the kernel would do itself (enforce memory.max
and pids.max, move the process) is not exercised here; `test_boundary.py` has the test on a real
delegated cgroup, which skips where there is none.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import COURSE
from grader.engine import check_exercise
from grader.isolation import boundary, cgroup, cgroupjobs, keeper
from grader.isolation.sandbox import Limits

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the keeper's cgroups are Linux's")
LIMITS = Limits(timeout=60, memory_bytes=3 * 2**30, max_processes=40)


@pytest.fixture
def standin(tmp_path: Path, monkeypatch) -> Path:
    """An empty delegated cgroup v2, in plain files."""
    root = tmp_path / "cgroup"
    root.mkdir()
    (root / "cgroup.controllers").write_text("cpu io memory pids\n")
    (root / "cgroup.subtree_control").write_text("")
    (root / "cgroup.procs").write_text("")
    monkeypatch.setenv(cgroup.ROOT_ENV, str(root))
    return root


class Kernel(threading.Thread):
    """The kernel's part for the first job cgroup made under `root`: its interface files (memory.events,
    with `oom` kills if asked, and memory.peak), then what the grader wrote, once the job's process joined."""

    def __init__(self, root: Path, oom: int = 0):
        super().__init__(daemon=True)
        self.root, self.oom, self.seen = root, oom, {}
        self.start()

    def run(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (jobs := [p for p in self.root.iterdir() if p.is_dir()]):
            time.sleep(0.005)
        if not jobs:
            return
        job = self.seen["path"] = jobs[0]
        (job / "memory.events").write_text(f"low 0\nhigh 0\nmax 0\noom {self.oom}\noom_kill {self.oom}\n")
        (job / "memory.peak").write_text(f"{300 * 2**20}\n")
        while time.monotonic() < deadline and job.exists() and "learner" not in self.seen:
            self._look(job)
            time.sleep(0.005)

    def _look(self, job: Path) -> None:
        try:
            procs = (job / "cgroup.procs").read_text().split()
            self.seen.update({name: (job / name).read_text().strip() for name in ("memory.max", "pids.max")})
        except OSError:
            return
        if procs:
            self.seen["procs"] = procs
            learner = boundary.learner_pid(int(procs[0]))  # the learner's process, below the one that joined
            if learner is not None:
                self.seen["learner"] = learner


def _check(tmp_path: Path, code: str):
    learner = tmp_path / "01_tensors.py"
    learner.write_text(code)
    return check_exercise(COURSE, COURSE.resolve("01"), learner, LIMITS)


def test_a_job_runs_in_its_own_cgroup_with_its_limits_and_it_is_removed(tmp_path: Path, standin: Path):
    kernel = Kernel(standin)
    result = _check(tmp_path, "import time\ntime.sleep(3)\n")
    kernel.join(timeout=30)
    assert kernel.seen["path"].name.startswith(cgroupjobs.PREFIX)
    assert kernel.seen["memory.max"] == str(LIMITS.memory_bytes)
    assert kernel.seen["pids.max"] == str(cgroupjobs.pids_max(LIMITS.max_processes))
    assert len(kernel.seen["procs"]) == 1 and "learner" in kernel.seen  # the job joined before its learner existed
    assert "cgroup" in result.isolation
    assert result.limit == ""  # no memory event: not a memory-limit result
    assert [p.name for p in standin.iterdir() if p.is_dir()] == []  # removed when the job ended


def test_the_kernel_killing_for_memory_is_a_memory_limit_result_with_the_figure(tmp_path: Path, standin: Path):
    kernel = Kernel(standin, oom=1)
    result = _check(tmp_path, "import time\ntime.sleep(50)\n")
    kernel.join(timeout=30)
    assert result.status == "error" and result.limit == "memory"
    assert result.message.startswith("memory limit: your code used more than 3 GiB of memory (300 MiB)")
    assert [p.name for p in standin.iterdir() if p.is_dir()] == []


def test_without_a_delegated_cgroup_no_job_lists_the_layer(tmp_path: Path, monkeypatch):
    monkeypatch.delenv(cgroup.ROOT_ENV, raising=False)
    why = cgroup.unavailable_reason()
    if not why:
        pytest.skip("this machine delegates a cgroup v2: its jobs do run in one")
    boundary._detected = None
    assert boundary.detect().why_missing("cgroup") == why and "cgroup" not in boundary.detect().in_force
    result = _check(tmp_path, "x = 1\n")
    assert result.isolation and "cgroup" not in result.isolation


def test_a_stand_in_with_processes_and_no_controllers_for_children_is_not_offered(standin: Path):
    (standin / "cgroup.procs").write_text(f"{os.getpid()}\n")
    assert "holds processes" in cgroup.unavailable_reason()
    (standin / "cgroup.subtree_control").write_text("memory pids\n")
    assert cgroup.unavailable_reason() == ""


def test_the_sweep_kills_and_removes_the_cgroups_of_keepers_that_are_gone(standin: Path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone, alive = standin / f"{cgroupjobs.PREFIX}{dead.stdout.strip()}-ab", standin / f"{cgroupjobs.PREFIX}{os.getpid()}-cd"
    for job in (gone, alive):
        job.mkdir()
        (job / "cgroup.kill").write_text("")
        (job / "memory.max").write_text("1024\n")
    with open(gone / "cgroup.kill") as kill:
        keeper.sweep(str(standin / "no-job-folders-here"))
        assert kill.read() == "1"  # leftovers killed (the file, unlinked, is still open here)
    assert not gone.exists() and alive.exists()
