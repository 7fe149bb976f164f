"""`pytorch-tutor grade --ray`: a class graded on a local Ray cluster gives the local gradebook, byte for byte.

The class holds correct files, an untouched stub, a known mistake, a syntax error and a hostile
file that tries to reach the Ray cluster grading it (its session folder, its sockets, its token,
its GCS port): it scores full marks only if every attempt is refused. A hanging file shows the
per-task deadline. Skipped where ray is not installed (`pip install "pytorch-tutor[ray]"`).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, cli, copy_course

pytestmark = pytest.mark.slow  # `pytest -m "not slow"` leaves this module out of the quick loop

REF = {ex: (ROOT / "reference" / ex / "solution.py").read_text() for ex in ("01_tensors", "02_autograd")}
EXERCISES = "01,02"


def needs_ray():
    return pytest.importorskip("ray", reason='ray is not installed (pip install "pytorch-tutor[ray]")')


def mistake(ex_id: str, name: str) -> str:
    from grader.judging.mistakes import composed_source

    folder = ROOT / "reference" / ex_id
    return composed_source(folder / "mistakes" / f"{name}.py", folder / "solution.py")


def hostile(targets: dict) -> str:
    """The reference solution, behind attempts to reach the cluster: any that succeeds fails the file."""
    return f'''import socket

_reached = []
for _path in {targets["files"]!r}:
    try:
        with open(_path, "rb") as _f:
            _f.read(1)
        _reached.append(_path)
    except OSError:
        pass
for _path in {targets["sockets"]!r}:
    try:
        _s = socket.socket(socket.AF_UNIX)
        _s.connect(_path)
        _reached.append(_path)
    except OSError:
        pass
try:
    socket.create_connection({targets["gcs"]!r}, timeout=1)
    _reached.append("gcs")
except OSError:
    pass
if _reached:
    raise RuntimeError("reached the cluster: " + ", ".join(_reached))
''' + REF["01_tensors"]


def write_class(folder: Path, targets: dict) -> None:
    files = {
        "alice/01_tensors.py": REF["01_tensors"], "alice/02_autograd.py": REF["02_autograd"],
        "bob/01_tensors.py": (ROOT / "exercises/01_tensors.py").read_text(), "bob/02_autograd.py": "def f(:\n",
        "carol/02_autograd.py": mistake("02_autograd", "forgot_requires_grad"),
        "eve/01_tensors.py": hostile(targets), "eve/notes.txt": "hi\n",
        "mallory/01_tensors.py": f"print(open({str(folder / 'alice/01_tensors.py')!r}).read())\n",  # a classmate's
    }
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")


def gradebook_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_without_ray_installed_it_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails
    result = cli(copy_course(tmp_path / "course"), "grade", str(one_student(tmp_path)), "-e", "01", "--ray")
    assert result.exit_code == 2 and 'pip install "pytorch-tutor[ray]"' in result.output, result.output
    assert not (tmp_path / "hw1-gradebook").exists()


def test_a_task_past_its_deadline_scores_zero_and_the_run_ends(tmp_path):
    needs_ray()
    (tmp_path / "hw1" / "hal").mkdir(parents=True)
    (tmp_path / "hw1" / "hal" / "01_tensors.py").write_text("while True:\n    pass\n")
    result = cli(copy_course(tmp_path / "course"), "grade", str(tmp_path / "hw1"), "-e", "01", "--timeout", "120",
                 "--ray", "--ray-deadline", "5", "--json")  # a local cluster of its own, shut down at the end
    assert result.exit_code == 0, result.output
    entry = json.loads((tmp_path / "hw1-gradebook" / "grades.json").read_text())["students"]["hal"]["exercises"]["01_tensors"]
    assert entry["status"] == "error" and entry["score"] == 0
    assert "its Ray task ran past its deadline of 5 s and was stopped" in entry["message"]
    summary = json.loads(result.stdout)
    assert (summary["graded"], summary["errors"]) == (1, 1)
    cache = json.loads((tmp_path / "hw1-gradebook" / ".cache.json").read_text())
    assert cache["entries"] == {}  # never cached: the next run grades it again


@pytest.fixture(scope="module")
def cluster():
    """A local cluster of two CPUs for this module (the CLI uses it as it finds it)."""
    ray = needs_ray()
    info = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                    runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}})
    try:
        yield info.address_info
    finally:
        ray.shutdown()


def targets_of(info: dict) -> dict:
    session = Path(info["session_dir"])
    files = [str(p) for p in sorted((session / "logs").glob("*"))[:3] if p.is_file()]
    files += [str(p) for p in (Path.home() / ".ray").glob("*") if p.is_file()]
    sockets = [info["raylet_socket_name"], info["object_store_address"]]
    host, port = info["gcs_address"].rsplit(":", 1)
    return {"files": files, "sockets": sockets, "gcs": (host, int(port))}


def test_targets_are_reachable_from_here(cluster):
    """The hostile file's targets exist: from outside the boundary they can be read and connected to."""
    import socket

    targets = targets_of(cluster)
    assert targets["files"] and all(Path(f).read_bytes() is not None for f in targets["files"])
    for path in targets["sockets"]:
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(path)
    socket.create_connection(targets["gcs"], timeout=5).close()


@pytest.fixture(scope="module")
def graded(cluster, tmp_path_factory):
    """The class graded locally, then on the cluster, into two gradebooks."""
    base = tmp_path_factory.mktemp("rayclass")
    course = copy_course(base / "course")
    write_class(base / "hw1", targets_of(cluster))
    runs = {}
    for name, extra in (("local", ()), ("ray", ("--ray",))):
        runs[name] = cli(course, "grade", str(base / "hw1"), "-e", EXERCISES, "--timeout", "20",
                         "-o", str(base / name), "--json", *extra)
    return base, course, runs


def test_the_ray_gradebook_is_the_local_one_byte_for_byte(graded):
    base, _, runs = graded
    assert runs["local"].exit_code == 0, runs["local"].output
    assert runs["ray"].exit_code == 0, runs["ray"].output
    local, ray = gradebook_files(base / "local"), gradebook_files(base / "ray")
    assert set(local) == set(ray) and ".cache.json" in local and "students/eve/results.json" in local
    assert {"similarity.csv", "similarity.html"} <= set(local)  # compared on the driver, the same as locally
    assert [name for name in local if local[name] != ray[name]] == []
    summary = json.loads(runs["ray"].stdout)
    assert (summary["graded"], summary["cached"]) == (json.loads(runs["local"].stdout)["graded"], 0)
    progress = [line for line in runs["ray"].stderr.splitlines() if line.startswith("[")]  # one line as each comes back
    assert len(progress) == summary["submissions"] and progress[-1].startswith(f"[{len(progress)}/{len(progress)}] ")
    assert {line.split("] ", 1)[1].split(":", 1)[0] for line in progress} >= {"alice/01_tensors.py", "eve/01_tensors.py"}


def test_the_class_is_graded_as_it_should_be(graded):
    base, _, _ = graded
    book = json.loads((base / "ray" / "grades.json").read_text())["students"]
    status = {(s, ex): e["status"] for s, per in book.items() for ex, e in per["exercises"].items()}
    assert status[("alice", "01_tensors")] == status[("alice", "02_autograd")] == "passed"
    assert status[("bob", "01_tensors")] == "failed" and status[("bob", "02_autograd")] == "error"
    assert status[("carol", "01_tensors")] == "not submitted" and status[("carol", "02_autograd")] == "failed"
    eve = book["eve"]["exercises"]["01_tensors"]
    assert eve["status"] == "passed", eve["message"]  # every attempt on the cluster was refused
    assert "SyntaxError" in book["bob"]["exercises"]["02_autograd"]["message"]
    mallory = book["mallory"]["exercises"]["01_tensors"]  # a classmate's file cannot be read, on Ray as locally
    assert mallory["status"] == "error" and ("PermissionError" in mallory["message"] or "FileNotFoundError" in mallory["message"])


def test_a_regrade_on_ray_takes_everything_from_the_cache(graded):
    base, course, runs = graded
    before = gradebook_files(base / "ray")
    again = cli(course, "grade", str(base / "hw1"), "-e", EXERCISES, "--timeout", "20", "-o", str(base / "ray"),
                "--json", "--ray")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert (summary["graded"], summary["cached"]) == (0, json.loads(runs["ray"].stdout)["graded"])
    assert gradebook_files(base / "ray") == before


def task_processes() -> set[int]:
    """The Ray workers now running a grading task (Ray names them after the task)."""
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"ray::grade_student" in (proc / "cmdline").read_bytes():
                found.add(int(proc.name))
        except OSError:
            pass
    return found


def test_a_task_whose_worker_is_lost_is_run_again(cluster, tmp_path):
    import signal
    import threading

    (tmp_path / "hw1" / "sam").mkdir(parents=True)
    (tmp_path / "hw1" / "sam" / "01_tensors.py").write_text("import time\ntime.sleep(6)\n" + REF["01_tensors"])
    killed = []

    def kill_its_worker_once():
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            running = task_processes()
            if running:
                time.sleep(2)  # well into the task: its file is being graded
                for pid in running & task_processes():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            time.sleep(0.2)

    killer = threading.Thread(target=kill_its_worker_once, daemon=True)
    killer.start()
    result = cli(copy_course(tmp_path / "course"), "grade", str(tmp_path / "hw1"), "-e", "01", "--ray", "--json")
    killer.join()
    assert result.exit_code == 0, result.output
    assert killed, "no grading task was seen running"
    entry = json.loads((tmp_path / "hw1-gradebook" / "grades.json").read_text())["students"]["sam"]["exercises"]["01_tensors"]
    assert entry["status"] == "passed", entry["message"]


def one_student(tmp_path: Path) -> Path:
    (tmp_path / "hw1" / "alice").mkdir(parents=True)
    (tmp_path / "hw1" / "alice" / "01_tensors.py").write_text(REF["01_tensors"])
    return tmp_path / "hw1"


def test_a_task_no_node_can_hold_is_refused_not_left_waiting(cluster, tmp_path):
    result = cli(copy_course(tmp_path / "course"), "grade", str(one_student(tmp_path)), "-e", "01", "--ray",
                 "--ray-memory", "100000")
    assert result.exit_code == 2 and "No node of the Ray cluster has a CPU and 100000 GiB" in result.output, result.output


def test_a_worker_of_another_version_stops_the_run_with_the_reason(cluster, tmp_path, monkeypatch):
    from grader.classroom import rayworker

    monkeypatch.setattr(rayworker, "tool_version", lambda: "0.0.0-elsewhere")  # the driver's side only
    result = cli(copy_course(tmp_path / "course"), "grade", str(one_student(tmp_path)), "-e", "01", "--ray")
    assert result.exit_code == 2, result.output
    assert "the driver 0.0.0-elsewhere: install the same version on every node" in result.output
    assert not (tmp_path / "hw1-gradebook" / "grades.json").exists()


def test_jobs_do_not_apply_on_ray(tmp_path):
    result = cli(copy_course(tmp_path / "course"), "grade", str(tmp_path), "--ray", "-j", "2")
    assert result.exit_code == 2 and "--jobs does not apply with --ray" in result.output


def _long_tmpdir(tmp_path: Path) -> Path:
    long = tmp_path / ("t" * 60) / ("m" * 60)  # with Ray's session/sockets below it: far over 107 bytes
    long.mkdir(parents=True)
    return long


def test_a_long_tmpdir_gets_a_short_socket_folder_or_a_clear_message(tmp_path, monkeypatch):
    """Simulated (a stand-in for ray that checks socket paths as ray.init does): a new local cluster is
    started in a short folder of the run's own, removed afterwards; a failing start is one clear error."""
    from grader.classroom import onray

    seen = {}

    class FakeRay:
        @staticmethod
        def is_initialized():
            return False

        @staticmethod
        def init(**kwargs):
            root = kwargs.get("_temp_dir") or os.path.join(os.environ["TMPDIR"], "ray")
            seen["root"] = root
            if len(f"{root}/session_2026-12-07_02-10-11_123456_1234567/sockets/plasma_store".encode()) > 107:
                raise OSError("validate_socket_filename failed: AF_UNIX path length cannot exceed 107 bytes")

    monkeypatch.setenv("TMPDIR", str(_long_tmpdir(tmp_path)))
    monkeypatch.delenv("RAY_TMPDIR", raising=False)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    with onray.socket_folder(True) as folder:
        assert onray._connect(FakeRay, None, folder) is True
        assert seen["root"] == folder and os.path.isdir(folder)
    assert not os.path.exists(folder)
    from grader.errors import TutorError

    with pytest.raises(TutorError, match="Cannot start a local Ray cluster: validate_socket_filename failed"):
        onray._connect(FakeRay, None, None)  # no short folder: the error, said once and clearly


def test_grade_on_ray_works_with_a_long_tmpdir(tmp_path):
    """A fresh process (no cluster of the tests' own), TMPDIR of over 130 bytes: the class is graded."""
    needs_ray()
    import subprocess

    course, subs = copy_course(tmp_path / "course"), one_student(tmp_path)
    env = {**os.environ, "TMPDIR": str(_long_tmpdir(tmp_path)), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    env.pop("RAY_ADDRESS", None)
    env.pop("RAY_TMPDIR", None)
    argv = [sys.executable, "-m", "cli", "--course", str(course), "grade", str(subs), "-e", "01", "--ray", "--json"]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    book = json.loads((tmp_path / "hw1-gradebook" / "grades.json").read_text())
    assert book["students"]["alice"]["total"] == 6
