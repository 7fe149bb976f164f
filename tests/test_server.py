"""The warm grading server as a learner meets it: `check` answered by it with the same result as a
cold check, a reference edit never served stale, only its owner able to talk to it (not even the
learner's own code, graded by it), and its ends: stop, a stale client, idleness, a vanished course."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CLI_ENV, ROOT, copy_course

from grader.service import client, transport

START = 300.0  # seconds a server may take to import torch on a loaded machine


def short_folder() -> Path:
    """A folder for the servers' sockets with a short path (a socket's address holds about 100 bytes)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="srv"))


def server_env(folder: Path) -> dict:
    paths = [str(ROOT)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])
    env = {**os.environ, **CLI_ENV, transport.DIR_ENV: str(folder), "PYTHONPATH": os.pathsep.join(paths)}
    env.pop(client.NO_SERVER_ENV, None)
    env.pop("PYTORCH_TUTOR_COURSE", None)
    return env


def start_server(course: Path, folder: Path, idle: float | None = None) -> subprocess.Popen:
    argv = [sys.executable, "-m", "grader.service.server", str(course)] + ([str(idle)] if idle else [])
    proc = subprocess.Popen(argv, cwd=ROOT, env=server_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_until(lambda: ask(course, folder, {"kind": "status"}) is not None or proc.poll() is not None, START)
    assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
    return proc


def ask(course: Path, folder: Path, message: dict, seconds: float = 600) -> dict | None:
    old = os.environ.get(transport.DIR_ENV)
    os.environ[transport.DIR_ENV] = str(folder)
    try:
        return client.ask(course, message, seconds)
    finally:
        os.environ.pop(transport.DIR_ENV) if old is None else os.environ.__setitem__(transport.DIR_ENV, old)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def run_cli(course: Path, folder: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "--course", str(course), *args], cwd=course,
                          env=env or server_env(folder), capture_output=True, text=True, timeout=600)


def status(course: Path, folder: Path) -> dict:
    return ask(course, folder, {"kind": "status"})["status"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A copy of the course, its server folder, and its running server."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    folder = short_folder()
    proc = start_server(course, folder)
    yield course, folder
    stop_server(proc)


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM, and wait for it to unwind (its pool, its folder). Generously: on a machine many times
    overloaded that takes more than a minute, and how fast it is is not what these tests are about."""
    proc.terminate()
    proc.wait(timeout=600)


def comparable(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "elapsed"}


@pytest.mark.slow
def test_check_is_answered_by_the_server_as_a_cold_check_answers_it(served):
    course, folder = served
    before = status(course, folder)["served"]
    warm = run_cli(course, folder, "check", "03", "--json")
    cold = run_cli(course, folder, "check", "03", "--json", "--no-server")
    assert warm.returncode == cold.returncode == 1, warm.stderr + cold.stderr
    assert comparable(json.loads(warm.stdout)) == comparable(json.loads(cold.stdout))
    assert status(course, folder)["served"] == before + 1  # the warm one, not the --no-server one
    text = run_cli(course, folder, "check", "03")
    plain = run_cli(course, folder, "check", "03", "--no-server")
    assert text.stdout == plain.stdout and "Not started: nn.Module" in text.stdout
    assert status(course, folder)["served"] == before + 2


@pytest.mark.slow
def test_check_all_is_answered_by_the_server_as_a_cold_check_all_answers_it(served):
    course, folder = served
    before = status(course, folder)["served"]
    warm = run_cli(course, folder, "check", "--all", "--json")
    cold = run_cli(course, folder, "check", "--all", "--json", "--no-server")
    assert warm.returncode == cold.returncode == 1, warm.stderr + cold.stderr
    assert [comparable(r) for r in json.loads(warm.stdout)] == [comparable(r) for r in json.loads(cold.stdout)]
    assert status(course, folder)["served"] == before + 1
    lines = run_cli(course, folder, "check", "--all", "--format", "diagnostics")
    assert lines.stdout == run_cli(course, folder, "check", "--all", "--format", "diagnostics", "--no-server").stdout
    assert lines.stdout.count(": error: ") >= len(json.loads(warm.stdout))


def test_a_usage_error_from_the_server_is_exit_2_with_the_message(served):
    course, folder = served
    done = run_cli(course, folder, "check", "99")
    assert done.returncode == 2 and "There is no exercise '99'" in done.stderr


def test_editing_a_reference_never_serves_a_stale_expectation(served, tmp_path):
    course, folder = served
    solution = course / "reference" / "03_nn_module" / "solution.py"
    learner = tmp_path / "mine.py"
    learner.write_text(solution.read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli(course, folder, "check", "03", "--file", str(learner)).returncode == 0
    stat = solution.stat()
    solution.write_text(solution.read_text(encoding="utf-8").replace("if p.requires_grad)", "if p.requires_grad) + 1"),
                        encoding="utf-8")
    os.utime(solution, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same modification time: only the hash tells
    done = run_cli(course, folder, "check", "03", "--file", str(learner), "--json")
    result = json.loads(done.stdout)
    assert done.returncode == 1 and [c["name"] for c in result["checks"] if not c["passed"]] == ["count_parameters"]
    assert status(course, folder)["dropped"] >= 1


def test_the_learners_code_cannot_reach_the_server_it_is_graded_by(served, tmp_path):
    course, folder = served
    path = ask_address(course, folder)
    hostile = tmp_path / "hostile.py"
    hostile.write_text(
        (course / "reference" / "03_nn_module" / "solution.py").read_text(encoding="utf-8") + f"""
import socket as _s
try:
    _c = _s.socket(_s.AF_UNIX, _s.SOCK_STREAM)
    _c.connect({str(path)!r})
    _c.sendall(b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x10{{"kind": "stop"}}')
    print("CONNECTED", _c.recv(100))
except OSError as _e:
    print("REFUSED", type(_e).__name__)
""", encoding="utf-8")
    before = status(course, folder)
    done = run_cli(course, folder, "check", "03", "--file", str(hostile), "--json")
    result = json.loads(done.stdout)
    assert "REFUSED" in result["output"] and "CONNECTED" not in result["output"], result["output"]
    after = status(course, folder)
    assert after["pid"] == before["pid"] and after["served"] == before["served"] + 1 and after["refused"] == before["refused"]


def ask_address(course: Path, folder: Path) -> Path:
    old = os.environ.get(transport.DIR_ENV)
    os.environ[transport.DIR_ENV] = str(folder)
    try:
        path = transport.address(course)
    finally:
        os.environ.pop(transport.DIR_ENV) if old is None else os.environ.__setitem__(transport.DIR_ENV, old)
    return path


def test_only_the_user_can_open_the_servers_folder_and_socket(served):
    course, folder = served
    path = ask_address(course, folder)
    assert os.stat(folder).st_mode & 0o777 == 0o700 and os.stat(path).st_mode & 0o077 == 0
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(path))
        assert transport.peer_uid(sock) == os.getuid()


def test_a_folder_others_can_open_is_refused(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv(transport.DIR_ENV, str(shared))
    with pytest.raises(transport.Refused):
        transport.server_dir()
    assert client.ask(tmp_path, {"kind": "status"}, 5) is None  # the client then grades cold


def test_an_oversized_or_malformed_request_is_dropped_and_the_server_keeps_serving(served):
    course, folder = served
    path = ask_address(course, folder)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(path))
        sock.sendall((10**9).to_bytes(8, "big") + b"x" * 1000)
        try:
            assert sock.recv(10) == b""  # closed without an answer
        except ConnectionResetError:  # or reset, with our bytes unread
            pass
    reply = ask(course, folder, {"kind": "check", "course": "relative", "exercise": 3})
    assert reply["error"]["message"] == "The grading server received a malformed request."
    assert status(course, folder)["pid"]


@pytest.mark.slow
def test_a_cold_check_starts_a_server_unless_told_not_to(tmp_path):
    course, folder = copy_course(tmp_path / "c"), short_folder()
    (tmp_path / "c").mkdir(exist_ok=True)
    env = {**server_env(folder), client.NO_SERVER_ENV: "1"}
    assert run_cli(course, folder, "check", "03", env=env).returncode == 1
    assert run_cli(course, folder, "check", "03", "--no-server").returncode == 1
    time.sleep(2)
    assert not list(folder.glob("*.sock")) if folder.exists() else True
    assert run_cli(course, folder, "check", "03").returncode == 1  # cold: no server yet; one starts after it
    assert wait_until(lambda: ask(course, folder, {"kind": "status"}) is not None, START)
    assert run_cli(course, folder, "server", "stop").stdout.startswith("Stopped")
    assert wait_until(lambda: not list(folder.glob("*.sock")), 60)


@pytest.mark.slow
def test_a_stale_server_ends_instead_of_answering(tmp_path):
    course, folder = copy_course(tmp_path), short_folder()
    proc = start_server(course, folder)
    path = ask_address(course, folder)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(path))
        body = json.dumps({"kind": "check", "stamp": "another grader version"}).encode()
        sock.sendall(len(body).to_bytes(8, "big") + body)
        size = int.from_bytes(sock.recv(8), "big")
        assert json.loads(sock.recv(size)) == {"stale": True}
    assert proc.wait(timeout=60) == 0


@pytest.mark.slow
def test_the_server_ends_when_idle_and_when_its_course_folder_is_gone(tmp_path):
    import shutil

    idle_course, gone_course, folder = copy_course(tmp_path / "a"), copy_course(tmp_path / "b"), short_folder()
    idle = subprocess.Popen([sys.executable, "-m", "grader.service.server", str(idle_course), "2"], cwd=ROOT,
                            env=server_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    gone = start_server(gone_course, folder)
    shutil.rmtree(gone_course)
    assert gone.wait(timeout=60) == 0
    assert idle.wait(timeout=START) == 0 and b"Traceback" not in idle.stderr.read()
    assert not list(folder.glob("*.sock"))


def test_hint_is_served_and_moves_the_same_progress_as_a_cold_hint(served):
    course, folder = served
    before = status(course, folder)["served"]
    warm = run_cli(course, folder, "hint", "02")
    assert warm.returncode == 0 and warm.stdout.startswith("Hint 1 of"), warm.stdout + warm.stderr
    assert status(course, folder)["served"] == before + 1
    cold = run_cli(course, folder, "hint", "02", "--no-server")
    assert cold.returncode == 0 and cold.stdout.startswith("Hint 2 of")  # the served hint moved the progress on
    assert warm.stdout.splitlines()[0].replace("Hint 1", "Hint 2") == cold.stdout.splitlines()[0]
    assert status(course, folder)["served"] == before + 1
    wrong, plain = run_cli(course, folder, "hint", "99"), run_cli(course, folder, "hint", "99", "--no-server")
    assert wrong.returncode == plain.returncode == 2 and "There is no exercise '99'" in wrong.stderr
    assert status(course, folder)["served"] == before + 2


@pytest.mark.slow
def test_watch_sends_its_checks_to_the_server_with_the_verdict_of_a_cold_watch(served):
    from test_watch import REFERENCE, Session, save

    course, folder = served
    stub = course / "exercises" / "01_tensors.py"
    verdicts = []
    for args in (("01",), ("01", "--no-server")):
        stub.write_text(REFERENCE.replace("return matrix + bias", "return matrix - bias"))
        before = status(course, folder)["served"]
        watch = Session(course, *args, env=server_env(folder))
        try:
            watch.expect("Not passed yet: Tensors (5 of 6 checks passed)", timeout=START)
            save(stub, REFERENCE.replace("return matrix + bias", "return matrix * bias"))
            watch.expect("✗ add_row_bias", timeout=START)
            watch.expect("Not passed yet: Tensors (5 of 6 checks passed)")
            verdicts.append([line for line in watch.transcript.splitlines() if line.lstrip()[:1] in ("✓", "✗")])
            watch.press("q")
            assert watch.proc.wait(timeout=60) == 0
        finally:
            watch.close()
        verdicts.append(status(course, folder)["served"] - before)
    assert verdicts[1] == 2 and verdicts[3] == 0  # the opening check and the one after the save; none with --no-server
    assert verdicts[0] == verdicts[2]


@pytest.mark.slow
def test_a_notebooks_check_is_graded_by_the_course_server_as_by_the_kernels_own(served, monkeypatch):
    from grader.notebooks import api, client as kernel_client, kernel

    course, folder = served
    source = (course / "reference" / "03_nn_module" / "solution.py").read_text(encoding="utf-8")
    broken = source.replace("if p.requires_grad)", "if p.requires_grad) + 1")
    monkeypatch.setattr(kernel, "_history", lambda: [("In [4]", broken)])
    monkeypatch.setenv(transport.DIR_ENV, str(folder))
    monkeypatch.delenv(client.NO_SERVER_ENV)
    before = status(course, folder)["served"]
    warm = api.check("03", course=course)
    assert status(course, folder)["served"] == before + 1 and kernel_client.about() is None  # no kernel server
    monkeypatch.setenv(client.NO_SERVER_ENV, "1")
    try:
        cold = api.check("03", course=course)
        assert kernel_client.about() is not None  # graded by the kernel's own server
    finally:
        kernel_client.shutdown()
    assert warm is not None and cold is not None and warm.status == cold.status == "failed"
    assert comparable(warm.to_dict()) == comparable(cold.to_dict())
    assert any("this notebook [In [4]]" == frame[0] for c in warm.checks for frame in c.traceback) or warm.file == "this notebook"
    assert status(course, folder)["served"] == before + 1


@pytest.mark.slow
def test_watch_grades_on_without_a_server_that_stopped_and_a_new_one_is_started(tmp_path):
    from test_watch import REFERENCE, Session, save

    course, folder = copy_course(tmp_path), short_folder()
    proc = start_server(course, folder)
    stub = course / "exercises" / "01_tensors.py"
    watch = Session(course, "01", env=server_env(folder))
    try:
        watch.expect("Not started: Tensors", timeout=START)
        first = status(course, folder)
        assert first["served"] == 1
        assert run_cli(course, folder, "server", "stop").stdout.startswith("Stopped")
        assert proc.wait(timeout=60) == 0
        save(stub, REFERENCE.replace("return matrix + bias", "return matrix - bias"))
        watch.expect("Not passed yet: Tensors (5 of 6 checks passed)", timeout=START)  # graded by watch itself
        assert wait_until(lambda: ask(course, folder, {"kind": "status"}) is not None, START)  # and replaced
        assert status(course, folder)["pid"] != first["pid"]
        watch.press("q")
        assert watch.proc.wait(timeout=60) == 0
    finally:
        watch.close()
        run_cli(course, folder, "server", "stop")


def test_the_clients_modules_import_neither_torch_rich_nor_typer():
    code = ("import sys, grader.service.handover, grader.service.client, grader.service.reply, grader.service.remote, "
            "grader.service.transport, grader.service.stamp; print(sorted(m for m in ('torch', 'rich', 'typer') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "[]", done.stderr
