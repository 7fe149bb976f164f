"""The warm pool: closing it (Ctrl-C in `watch` or `check --all`) ends every process and starts none."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from conftest import COURSE
from grader.isolation import keeper, proctree
from grader.engine import check_exercise
from grader.isolation.pool import Pool
from grader.isolation.sandbox import Limits


def _alive_below_us(exclude: set[int]) -> list[int]:
    return [p for p in proctree.descendants(os.getpid()) - exclude if proctree.alive(p)]


def _job_folders() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith(keeper.PREFIX)}


def test_closing_the_pool_mid_check_ends_the_job_and_starts_no_replacement(tmp_path: Path):
    learner = tmp_path / "01_tensors.py"
    learner.write_text("import time\ntime.sleep(600)\n")
    folders = _job_folders()
    before = proctree.descendants(os.getpid())
    pool = Pool(1).__enter__().warm()
    zygotes = set(_alive_below_us(before))
    results = []
    thread = threading.Thread(
        target=lambda: results.append(check_exercise(COURSE, COURSE.resolve("01"), learner, Limits(timeout=120), pool=pool))
    )
    thread.start()
    deadline = time.monotonic() + 30
    while len(_alive_below_us(before)) <= len(zygotes) and time.monotonic() < deadline:  # the learner's process runs
        time.sleep(0.05)
    assert len(_alive_below_us(before)) > len(zygotes)
    pool.close()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert results[0].status == "error" and not results[0].passed  # no verdict, and not graded again cold
    time.sleep(0.5)
    assert _alive_below_us(before) == []
    assert _job_folders() == folders  # the killed keeper's job folder went with it


def test_the_sweep_removes_only_real_job_folders_whose_keeper_is_gone(tmp_path: Path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone, alive = tmp_path / f"{keeper.PREFIX}{dead.stdout.strip()}-abc", tmp_path / f"{keeper.PREFIX}{os.getpid()}-def"
    (gone / "inside").mkdir(parents=True)
    alive.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    link = tmp_path / f"{keeper.PREFIX}{dead.stdout.strip()}-link"
    link.symlink_to(outside, target_is_directory=True)
    keeper.sweep(str(tmp_path))
    assert not gone.exists() and alive.is_dir()
    assert link.is_symlink() and (outside / "keep").exists()  # a link is never followed nor removed
