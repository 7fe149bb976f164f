"""The warm pool: closing it (Ctrl-C in `watch` or `check --all`) ends every process and starts none."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from conftest import COURSE, copy_course, process_name
from grader.isolation import keeper, proctree, spare
from grader.engine import check_exercise
from grader.isolation.pool import Pool
from grader.isolation.sandbox import Limits


def _alive_below_us(exclude: set[int], spares: bool = True) -> list[int]:
    return [p for p in proctree.descendants(os.getpid()) - exclude if proctree.alive(p) and (spares or process_name(p) != spare.NAME)]


def _spare_waits_for_its_job(others: set[int], seconds: float = 60) -> bool:
    """Once the spare's L (the last of its three processes) sleeps reading its job pipe: done loading ahead.
    `others`: the spares of pools this test did not start (the suite's own warm pool, in this process)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        spares = sorted(set(_spares_below_us()) - others)
        if len(spares) == 3 and "pipe" in _wchan(spares[-1]):
            return True
        time.sleep(0.02)
    return False


def _wchan(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return ""


def _spares_below_us() -> list[int]:
    return [p for p in proctree.descendants(os.getpid()) if process_name(p) == spare.NAME and proctree.alive(p)]


def _job_folders() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith(keeper.PREFIX)}


def test_closing_the_pool_mid_check_ends_the_job_and_starts_no_replacement(tmp_path: Path):
    learner = tmp_path / "01_tensors.py"
    learner.write_text("import time\ntime.sleep(600)\n")
    folders = _job_folders()
    before = proctree.descendants(os.getpid())
    pool = Pool(1).__enter__().warm()
    zygotes = set(_alive_below_us(before, spares=False))
    results = []
    thread = threading.Thread(
        target=lambda: results.append(check_exercise(COURSE, COURSE.resolve("01"), learner, Limits(timeout=120), pool=pool))
    )
    thread.start()
    deadline = time.monotonic() + 30
    while len(_alive_below_us(before, spares=False)) <= len(zygotes) and time.monotonic() < deadline:  # the learner runs
        time.sleep(0.05)
    assert len(_alive_below_us(before, spares=False)) > len(zygotes)
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


FRESH = "\nimport torch\nprint('process:', getattr(torch, '_seen_by_an_earlier_job', 'fresh'))\ntorch._seen_by_an_earlier_job = 'reused'\n"


def test_a_keeper_forks_the_next_jobs_processes_ahead_and_every_job_still_gets_fresh_ones(tmp_path: Path):
    """While a keeper waits, the next job's processes are forked and wait in the boundary's namespaces
    (named ptt-spare); a check runs in them with the same verdict and layers, a later check in new ones,
    and one whose spare was killed before it came is forked afresh. Closing the pool leaves no spare."""
    learner = tmp_path / "01_tensors.py"
    learner.write_text((COURSE.root / "reference/01_tensors/solution.py").read_text() + FRESH)
    folders, others = _job_folders(), set(_spares_below_us())  # others: the suite's warm pool's, if any
    mine = lambda: set(_spares_below_us()) - others  # noqa: E731
    with Pool(1) as pool:
        pool.warm()
        deadline = time.monotonic() + 60
        while len(mine()) < 3 and time.monotonic() < deadline:  # C, I and L
            time.sleep(0.05)
        ahead = mine()
        assert len(ahead) == 3
        results = [check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool)]
        assert not [p for p in ahead if proctree.alive(p)]  # the job ran in them
        results.append(check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool))
        while len(mine()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in mine():
            os.kill(pid, 9)
        results.append(check_exercise(COURSE, COURSE.resolve("01"), learner, pool=pool))
    for result in results:
        assert result.passed and "process: fresh" in result.output, result.output
        assert result.isolation == results[2].isolation != []  # in a spare and forked afresh alike
    assert mine() == set() and _job_folders() == folders


def test_a_spare_loads_the_last_jobs_checks_ahead_yet_an_edited_checks_file_or_another_exercise_is_loaded_anew(tmp_path: Path):
    """The spare after a check of 01 loads 01's checks while it waits (as `watch` re-checks the same
    exercise); a check of another exercise still runs, and one after 01's checks file was edited runs the
    edited checks (their module writes to fd 1 at import: what the learner's process printed is in the output)."""
    from grader.course import find_course

    course = find_course(copy_course(tmp_path / "course"))
    learner = tmp_path / "01_tensors.py"
    learner.write_text((COURSE.root / "reference/01_tensors/solution.py").read_text())
    checks = course.root / "reference/01_tensors/checks.py"
    other = tmp_path / "03_nn_module.py"
    other.write_text((COURSE.root / "reference/03_nn_module/solution.py").read_text())
    others = set(_spares_below_us())  # the suite's warm pool's, if any
    with Pool(1) as pool:
        first = check_exercise(course, course.resolve("01"), learner, pool=pool)
        assert _spare_waits_for_its_job(others), "the spare's L loaded the checks and waits on its job pipe"
        checks.write_text(checks.read_text() + "\nimport os\nos.write(1, b'checks, as edited\\n')\n")
        edited = check_exercise(course, course.resolve("01"), learner, pool=pool)
        moved_on = check_exercise(course, course.resolve("03"), other, pool=pool)
    assert first.passed and "as edited" not in first.output
    assert edited.passed and "checks, as edited" in edited.output, edited.output
    assert moved_on.passed, moved_on.message


def test_a_running_or_sleeping_process_is_not_taken_for_one_in_its_exit_path():
    """kill_tree counts a process in the kernel's exit path as ended (it never runs code again): the flag
    is read from the right field of /proc/PID/stat, so no living process is ever passed over."""
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert not proctree.exiting(sleeper.pid) and not proctree.exiting(os.getpid())
        proctree.kill_tree(lambda: {sleeper.pid})
        assert sleeper.wait(timeout=10) == -9
    finally:
        sleeper.kill()


def test_a_learners_process_holds_no_earlier_jobs_request_as_an_object(tmp_path: Path):
    """`grade` runs many students' files through one keeper: the next job's processes (forked ahead) must
    not hold the last request (another student's source) as a live object. The second file looks for
    any dict with a "source" that holds the first file's secret."""
    import uuid

    secret = uuid.uuid4().hex
    first, second = tmp_path / "a" / "01_tensors.py", tmp_path / "b" / "01_tensors.py"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text((COURSE.root / "reference/01_tensors/solution.py").read_text() + f"\n# {secret}\n")
    second.write_text(
        "import gc\nMARK = ''.join(['" + secret[:16] + "', '" + secret[16:] + "'])\n"
        "seen = [o for o in gc.get_objects() if isinstance(o, dict) and isinstance(o.get('source'), str) and MARK in o['source']]\n"
        "print('earlier source:', 'found' if seen else 'none')\n")
    others = set(_spares_below_us())  # the suite's warm pool's, if any
    with Pool(1) as pool:
        check_exercise(COURSE, COURSE.resolve("01"), first, pool=pool)
        assert _spare_waits_for_its_job(others)
        probe = check_exercise(COURSE, COURSE.resolve("01"), second, pool=pool)
    assert "earlier source: none" in probe.output, probe.output


def test_a_tenants_jobs_get_zygotes_that_ran_no_other_tenants_and_were_never_forked_from_us():
    """`Pool.tenant` (a student's jobs in `grade`): a zygote serves one tenant only and is a new Python (never
    forked from this process, which read every student's files); a new one waits ahead for the next tenant,
    in place of another tenant's idle one once the pool holds one beyond its size; jobs with no tenant never
    get one that ran a tenant's."""
    alive = lambda: sum(not z.stopped for z in pool.started)  # noqa: E731
    with Pool(1) as pool:
        plain = pool.take()
        assert plain.tenant is None
        pool.give_back(plain, healthy=True)
        first = pool.take("amy")
        assert first.clean and first.tenant == "amy" and proctree.alive(first.pid)
        assert (first is plain) == plain.clean  # one forked from us is replaced by a new one
        pool.give_back(first, healthy=True)
        assert pool.take("amy") is first  # the same student again: the same zygote
        pool.give_back(first, healthy=True)
        assert alive() == 2  # one started ahead, beside it
        second = pool.take("ben")
        assert second is not first and second.clean and second.tenant == "ben" and second.pid != first.pid
        pool.give_back(second, healthy=True)  # ben's job ended: amy's idle one is replaced by a new one, ahead
        assert first.stopped and not second.stopped and alive() == 2
        third = pool.take("cal")
        assert third not in (first, second) and third.clean and third.tenant == "cal"
        pool.give_back(third, healthy=True)
        assert second.stopped and alive() == 2
        again = pool.take()
        assert again.tenant is None and again not in (first, second, third)
        pool.give_back(again, healthy=True)
