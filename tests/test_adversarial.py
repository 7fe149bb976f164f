"""Hostile, broken and runaway submissions (tests/hostile.py): never a pass they did not earn,
never a hang, never a crash of the grader, never a process, job folder or shared-memory file left
behind, the course's reference and progress untouched, and learner text escaped — through the
warm pool, a single cold check, and `grade` of a whole class of them.

A case that needs an OS layer this machine lacks is skipped with the layer's name and reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile
from conftest import COURSE, ROOT, cli, copy_course, grade, process_name, warm_pool
from grader.errors import TutorError
from grader.isolation import backend, proctree, spare
from grader.isolation.sandbox import wall_limit

pytestmark = pytest.mark.slow  # `pytest -m "not slow"` leaves this module out of the quick loop

SLACK = 10.0  # seconds allowed over the time limit on a loaded 2-core machine
MARK = "__import__('ctypes').CDLL(None).prctl(15, b'ptt-leftover', 0, 0, 0)"
BY_ID = {c.id: c for c in hostile.CASES}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """What the attacks aim at: a listening TCP port and unix socket of this (trusted) process, and
    another student's file."""
    base = tmp_path_factory.mktemp("world")
    tcp = socket.create_server(("127.0.0.1", 0))
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(base / "grader.sock"))
    unix.listen()
    other = base / "classmate" / "01_tensors.py"
    other.parent.mkdir()
    other.write_text((ROOT / "reference/01_tensors/solution.py").read_text())
    yield {"reference": str(ROOT / "reference/01_tensors/solution.py"), "checks": str(ROOT / "reference/01_tensors/checks.py"),
           "state": str(COURSE.state_dir), "other": str(other), "port": tcp.getsockname()[1], "sock": str(base / "grader.sock"),
           "mark": MARK, "course_reference": str(ROOT / "reference")}
    tcp.close()
    unix.close()


def source(case: hostile.Case, world: dict) -> str:
    def fill(m):
        value = world[m[1]]
        return repr(value) if m[2] else str(value)

    snippet = re.sub(r"\{(\w+)(!r)?\}", lambda m: fill(m) if m[1] in world else m[0], case.snippet)
    base = {"ref": hostile.REFERENCE_TEXT, "stub": (ROOT / "exercises/01_tensors.py").read_text(), "alone": ""}[case.base]
    return base + "\n" + snippet if base else snippet


def write_learner(case: hostile.Case, world: dict, folder: Path, name: str = "01_tensors") -> Path:
    """The case's submission in `folder`: a .py file, or a notebook whose one code cell is the source."""
    learner = folder / f"{name}{case.suffix}"
    text = source(case, world)
    if case.suffix == ".ipynb":
        cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": text}
        text = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]})
    learner.write_text(text)
    return learner


def need(layers: tuple) -> None:
    from grader.isolation.backend import detect  # PYTORCH_TUTOR_BACKEND=portable: what that backend has

    found = detect()
    for layer in layers:
        if layer not in found.in_force:
            pytest.skip(f"layer {layer!r} is not in force here: {found.why_missing(layer)}")


def fingerprint() -> str:
    """The course's reference material and progress: no submission may change them."""
    sha = hashlib.sha256()
    for folder in (ROOT / "reference" / "01_tensors", COURSE.state_dir):
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if path.is_file() and "__pycache__" not in path.parts:
                sha.update(str(path).encode() + path.read_bytes())
    return sha.hexdigest()


_POOL_OF_TESTS: list = []  # the session's warm pool, once a test here has used it


def leftovers(before: set[int]) -> list[str]:
    """Processes a submission left: below this one, or anywhere named `ptt-leftover` (after a grace period)."""
    deadline = time.monotonic() + 3
    while True:
        spares = {w.popen.pid for pool in _POOL_OF_TESTS for w in getattr(pool, "spares", [])}  # portable: the next job's worker
        mine = [p for p in proctree.descendants(os.getpid()) - before - spares if proctree.alive(p) and not linux_spare(p)]
        named = [p for p in _pids() if _comm(p) == "ptt-leftover"]
        if not (mine or named) or time.monotonic() > deadline:
            return [f"{p} {_comm(p)}" for p in mine + named]
        time.sleep(0.1)


def linux_spare(pid: int) -> bool:
    """One of the next job's processes a keeper forked ahead (`grader.isolation.spare`): it and every
    process below it still bear the spare's name (its L renames itself as it takes a job)."""
    return all(process_name(p) == spare.NAME for p in proctree.descendants(pid))


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def scratch_left() -> set[str]:
    import tempfile

    shm = {f"/dev/shm/{n}" for n in os.listdir("/dev/shm")} if os.path.isdir("/dev/shm") else set()
    spares = {w.folder for pool in _POOL_OF_TESTS for w in getattr(pool, "spares", [])}  # portable: the next job's worker
    linux_spares = {str(p) for p in Path(tempfile.gettempdir()).glob(f"pytorch-tutor-job-*-{spare.SPARE_INFIX}*")}  # a job's is renamed
    return {str(p) for p in Path(tempfile.gettempdir()).glob("pytorch-tutor-job-*")} - spares - linux_spares | shm


def reason_of(status: str, message: str, checks: list) -> str:
    failing = [c["message"] for c in checks if not c["passed"]]
    return message if status == "error" else (failing[0] if failing else "")


def assert_contained(case: hostile.Case, data: dict, elapsed: float) -> None:
    checks = data["checks"]
    assert data["status"] == case.status, (data["message"], [(c["name"], c["message"]) for c in checks], data["output"][-500:])
    reason = reason_of(data["status"], data["message"], checks)
    assert case.reason in reason, reason
    assert "Traceback" not in reason and "grader/" not in reason
    assert case.output in data["output"], data["output"][-1000:]
    assert "\x1b" not in json.dumps(data, ensure_ascii=False), "a raw escape reached the result"
    assert elapsed < wall_limit(case.limits.get("timeout", 30)) + SLACK  # a hang is ended, however busy the machine


@pytest.mark.parametrize("case", hostile.CASES, ids=lambda c: c.id)
def test_hostile_submission_is_contained_on_the_warm_pool(case: hostile.Case, world, tmp_path: Path):
    need(case.needs)
    _POOL_OF_TESTS[:] = [warm_pool().warm()]
    learner = write_learner(case, world, tmp_path)
    before, files, print_ = proctree.descendants(os.getpid()), scratch_left(), fingerprint()
    start = time.monotonic()
    if case.status == "refused":  # never run: the check is a usage error, saying why
        with pytest.raises(TutorError) as refused:
            grade("01", learner, **case.limits)
        assert case.reason in refused.value.message, refused.value.message
    else:
        result = grade("01", learner, **case.limits)
        assert_contained(case, result.to_dict(), time.monotonic() - start)
    assert leftovers(before) == []
    assert scratch_left() <= files, scratch_left() - files
    assert fingerprint() == print_, "the course's reference or progress changed"


# A single `pytorch-tutor check NN` forks its keeper from the trusted process right after the torch
# import; a fresh process takes that path (this test process has course code loaded).
COLD = ["0_loop_forever", "0_memory_in_children", "0_kill_self", "0_fork_bomb", "1_encoder_drops_data", "2_scavenges_gc",
        "3_opens_the_reference", "3_reads_other_processes_memory", "6_setsid_double_fork", "6_kills_its_keeper",
        "8_escapes_in_the_timeout_frame", "9_parks_memory_in_dev_shm", "4_huge_json_frame", "4_huge_safetensors_unreferenced",
        "4_quadratic_regex_in_stderr", "6_fork_bomb_of_generations", "9_fills_tmpfs_and_memory"]
DRIVER = """
import json, sys
from pathlib import Path
from grader import engine
from grader.course import find_course
from grader.isolation.forked import may_fork
from grader.isolation.sandbox import Limits
course = find_course(Path(sys.argv[1]))
forks = may_fork()
result = engine.check_exercise(course, course.resolve("01"), Path(sys.argv[2]), Limits(**json.loads(sys.argv[3])))
print(json.dumps({"forked": forks, **result.to_dict()}))
"""


def grade_cold(learner: Path, **limits) -> dict:
    limits.setdefault("timeout", COURSE.resolve("01").timeout)
    argv = [sys.executable, "-c", DRIVER, str(ROOT), str(learner), json.dumps(limits)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("case", [BY_ID[i] for i in COLD], ids=lambda c: c.id)
def test_hostile_submission_is_contained_in_a_single_cold_check(case: hostile.Case, world, tmp_path: Path):
    need(case.needs)
    learner = write_learner(case, world, tmp_path)
    before, files, print_ = proctree.descendants(os.getpid()), scratch_left(), fingerprint()
    start = time.monotonic()
    data = grade_cold(learner, **case.limits)
    assert data["forked"] or backend.name() == "portable", "a single check forks its keeper from the trusted process"
    assert_contained(case, data, time.monotonic() - start - 5)  # minus the driver's own torch import
    assert leftovers(before) == []
    assert scratch_left() <= files
    assert fingerprint() == print_


def test_a_class_of_hostile_submissions_is_graded_and_the_honest_students_pass(world, tmp_path: Path):
    """`grade` of every hostile case as a student at once, beside two honest students: each gets its
    verdict, the honest ones pass (no job reaches into another), and the run leaves nothing behind."""
    from grader.isolation.boundary import detect

    layers = detect().in_force
    cases = [c for c in hostile.CASES if set(c.needs) <= set(layers) and not c.limits]
    course = copy_course(tmp_path / "course")
    subs = tmp_path / "class"
    subs.mkdir()
    for case in cases:
        write_learner(case, world, subs, f"{case.id}__01_tensors")
    for name in ("honest_a", "honest_b"):
        (subs / f"{name}__01_tensors.py").write_text(hostile.REFERENCE_TEXT)
    before, files = proctree.descendants(os.getpid()), scratch_left()
    done = cli(course, "grade", str(subs), "-e", "01", "--json")
    assert done.exit_code == 0, done.output[-3000:]
    book = json.loads((tmp_path / "class-gradebook" / "grades.json").read_text())["students"]
    for name in ("honest_a", "honest_b"):
        assert book[name]["exercises"]["01_tensors"]["status"] == "passed", book[name]
    for case in cases:
        entry = book[case.id]["exercises"]["01_tensors"]
        status = "error" if case.status == "refused" else case.status  # a class's gradebook says why it was not run
        assert entry["status"] == status, (case.id, entry["message"], [c["message"] for c in entry["checks"] if not c["passed"]][:1])
    assert "\x1b" not in (tmp_path / "class-gradebook" / "grades.csv").read_text()
    assert leftovers(before) == []
    assert scratch_left() <= files


def test_the_keeper_removes_a_scratch_folder_swapped_for_a_symlink(tmp_path: Path):
    from grader.isolation.keeper import remove as _remove

    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("not the grader's to delete")
    link = tmp_path / "scratch"
    link.symlink_to(target)
    _remove(str(link))
    assert not link.exists() and (target / "keep.txt").exists()


def test_ctrl_c_while_the_reference_runs_stops_grading_but_a_learners_keyboardinterrupt_is_an_outcome():
    from types import SimpleNamespace

    from grader.judging.probe import run_checks
    from grader.judging.reference import load_reference

    checks, _ = load_reference(COURSE.resolve("01"))
    interrupted = SimpleNamespace(**{c.target: _raise_interrupt for c in checks.CHECKS})
    with pytest.raises(KeyboardInterrupt):
        run_checks(checks.CHECKS, interrupted)  # the trusted side: the user pressed Ctrl-C
    outcomes = run_checks(checks.CHECKS, interrupted, str(ROOT / "submission.py"), learner=True)
    assert all(o[-1]["error"]["type"] == "KeyboardInterrupt" for o in outcomes.values())


def _raise_interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def _class_of_tricks(course: Path, subs: Path) -> None:
    """tests/hostile.py's class-bookkeeping cases as one class, beside an honest student."""
    for name in ("honest", "victim", *hostile.LONG_NAMES, *hostile.FORMULA_NAMES):
        (subs / name).mkdir(parents=True)
        (subs / name / "01_tensors.py").write_text(hostile.REFERENCE_TEXT)
    for name, target in hostile.HARD_LINKS.items():
        (subs / name).mkdir()
        source = subs / target / "01_tensors.py" if target == "victim" else course / target
        os.link(source, subs / name / "01_tensors.py")


def test_a_class_cannot_trick_the_gradebook(tmp_path: Path):
    """Hard links to the reference, a style, a mistake or a classmate are refused with the reason; two
    long names alike in 197 characters keep two results; no CSV cell starts a formula in a `,` or `;` locale."""
    import csv

    course, subs, out = copy_course(tmp_path / "course"), tmp_path / "class", tmp_path / "class-gradebook"
    _class_of_tricks(course, subs)
    done = cli(course, "grade", str(subs), "-e", "01", "--json")
    assert done.exit_code == 0, done.output[-3000:]
    book = json.loads((out / "grades.json").read_text())["students"]
    assert book["honest"]["exercises"]["01_tensors"]["status"] == "passed"
    for name in (*hostile.HARD_LINKS, "victim"):
        entry = book[name]["exercises"]["01_tensors"]
        assert entry["status"] == "error" and entry["score"] == 0 and "hard link" in entry["message"], (name, entry)
    assert "is the same file as a reference file of the course" in book["links_the_reference"]["exercises"]["01_tensors"]["message"]
    long = [s for s in book if s.startswith("a" * 197)]
    assert len(long) == 2 and all(book[s]["total"] == 6 for s in long)
    folders = [p for p in (out / "students").iterdir() if p.name.startswith("a" * 100)]
    assert len(folders) == 2 and all(len(p.name.encode()) <= 200 and (p / "results.json").is_file() for p in folders)
    for delimiter in (",", ";"):
        rows = list(csv.reader((out / "grades.csv").open(newline=""), delimiter=delimiter))
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row), rows


def test_no_student_finds_a_classmates_source_in_its_own_memory(tmp_path: Path):
    """`grade` on one process at a time (`-j 1`): the first student's source (every job's request carries one)
    is in no later student's process, not even where it reads all of its own memory (found there when one
    keeper served every student, its freed heap forked into each job)."""
    course, subs = copy_course(tmp_path / "course"), tmp_path / "class"
    subs.mkdir()
    (subs / "first__01_tensors.py").write_text(hostile.CLASSMATE_MARKER + "\n" + hostile.REFERENCE_TEXT)
    for name in ("second", "third"):
        (subs / f"{name}__01_tensors.py").write_text(hostile.SCAN_OWN_MEMORY + hostile.REFERENCE_TEXT)
    done = cli(course, "grade", str(subs), "-e", "01", "-j", "1", "--json")
    assert done.exit_code == 0, done.output[-3000:]
    book = json.loads((tmp_path / "class-gradebook" / "grades.json").read_text())["students"]
    for name in ("first", "second", "third"):
        assert book[name]["exercises"]["01_tensors"]["status"] == "passed", book[name]["exercises"]["01_tensors"]


def test_results_graded_without_the_boundary_are_not_reused_with_it(tmp_path: Path, monkeypatch):
    """A class graded with --unsafe-no-sandbox (no Landlock) is graded again, not taken from the
    cache, once the boundary is there."""
    from grader.isolation import boundary
    from grader.isolation.layers import Layers

    course, subs = copy_course(tmp_path / "course"), tmp_path / "class"
    (subs / "amy").mkdir(parents=True)
    (subs / "amy" / "01_tensors.py").write_text(hostile.REFERENCE_TEXT)
    real = boundary.detect()
    with monkeypatch.context() as patch:
        patch.setattr(boundary, "detect", lambda: Layers(("uid",), (("landlock", "simulated: not in this kernel"),), real.writable))
        unsafe = cli(course, "grade", str(subs), "-e", "01", "--unsafe-no-sandbox", "--json")
    assert unsafe.exit_code == 0, unsafe.output[-2000:]
    if "landlock" not in real.in_force:
        pytest.skip(f"Landlock is not in force here ({real.why_missing('landlock')}): no run with the boundary to compare")
    again = cli(course, "grade", str(subs), "-e", "01", "--json")
    assert again.exit_code == 0, again.output[-2000:]
    assert (json.loads(again.stdout)["graded"], json.loads(again.stdout)["cached"]) == (1, 0)
    assert json.loads(cli(course, "grade", str(subs), "-e", "01", "--json").stdout)["cached"] == 1  # same boundary: reused


@pytest.mark.parametrize("case_id", sorted(hostile.FORBID_CASES))
def test_a_forbidden_built_in_reached_around_the_spy_is_still_seen(case_id: str, tmp_path: Path):
    """08's built-ins called from eval/exec-compiled code or straight through torch.ops.aten fail the
    checks of the function that called them, with the forbidden-call message; the others still pass."""
    target, code = hostile.FORBID_CASES[case_id]
    learner = tmp_path / "08_activations_losses.py"
    learner.write_text(hostile.FORBID_REFERENCE + "\n\n" + code)
    result = grade("08", learner).to_dict()
    own = [c for c in result["checks"] if c["target"] == target]
    assert own and not any(c["passed"] for c in own), own
    assert all("which this exercise asks you to write yourself" in c["message"] for c in own), [c["message"] for c in own]
    assert any(c["passed"] for c in result["checks"]), "the functions it left alone still pass"
