"""Attacks on the OS boundary (`grader.isolation.boundary`).

Each test forks a child that calls contain() with a small `run` that tries one attack and
reports what happened (JSON lines on fd 3), and asserts that the attack failed. A test that
needs a layer this machine lacks skips with the layer and the reason: it never passes without
it. Where two layers stop the same attack, the test also checks a sign of each one (an errno,
an interface list), and the `landlocked` tests apply Landlock alone, as root and outside any
namespace, so that Landlock is seen to hold by itself.

Nothing is left behind: the mounts live in the job's mount namespace, the folders made on disk
are removed, the processes are killed and reaped.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from conftest import CLI_ENV, ROOT
from grader.isolation import boundary, cgroup, landlock_rules, proctree
from grader.isolation import syscalls as sc
from grader.isolation.boundary import Boundary, contain, detect, learner_pid
from grader.isolation.layers import Tally

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the boundary's layers are Linux's")
DEADLINE = 30.0  # seconds a job may take before the test kills it and fails


def need(*layers: str) -> None:
    """Skip, saying which layer is missing here and why."""
    found = detect()
    for layer in layers:
        if layer not in found.in_force:
            pytest.skip(f"layer {layer!r} is not available here: {found.why_missing(layer) or 'not detected'}")


def attempt(action) -> str:
    """"ok", or the name of the error an action raised."""
    try:
        action()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, type(exc).__name__) if exc.errno else type(exc).__name__
    except Exception as exc:
        return type(exc).__name__
    return "ok"


def emit(message) -> None:
    os.write(3, (json.dumps(message) + "\n").encode())


class Job:
    """contain() in a forked child. `run(state, layers)` returns a JSON-able outcome (or calls
    `emit` itself); `send` writes to the learner's stdin."""

    def __init__(self, run, bound: Boundary, prepare=lambda: None, user: int | None = None, setup=None):
        results_r, results_w = os.pipe()
        stdin_r, self.stdin = os.pipe()

        def report(state, layers):
            emit({"in_force": layers.in_force, "writable": layers.writable})
            emit({"outcome": run(state, layers)})

        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.dup2(stdin_r, 0)
                os.dup2(results_w, 3)
                if setup is not None:
                    setup()
                if user is not None:  # the caller itself unprivileged, as on a learner's laptop
                    os.setgroups([])
                    os.setresgid(user, user, user)
                    os.setresuid(user, user, user)
                contain(bound, prepare, report)
            finally:
                os._exit(99)
        os.close(results_w)
        os.close(stdin_r)
        self.results, self.buffer = results_r, b""
        self.layers = self.read()

    def read(self) -> dict:
        """The next JSON line from the job ({} once it has closed fd 3)."""
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.results], [], [], DEADLINE)
            if not ready:
                self.kill()
                pytest.fail("the job did not answer in time")
            chunk = os.read(self.results, 65536)
            if not chunk:
                return {}
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def send(self, text: str) -> None:
        os.write(self.stdin, text.encode())

    def outcome(self):
        return self.read().get("outcome")

    def finish(self) -> int:
        """Wait for contain()'s process; its exit code as subprocess gives it (-N: killed by signal N)."""
        deadline = time.monotonic() + DEADLINE
        while (done := os.waitpid(self.pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail("the job did not end in time")
            time.sleep(0.005)
        os.close(self.results)
        os.close(self.stdin)
        return os.waitstatus_to_exitcode(done[1])

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def run_job(run, bound: Boundary, prepare=lambda: None, user: int | None = None):
    """(outcome, exit code, the layers in force in that job)."""
    job = Job(run, bound, prepare, user)
    outcome = job.outcome()
    return outcome, job.finish(), job.layers.get("in_force", [])


@pytest.fixture()
def scratch(tmp_path):
    folder = tmp_path / "scratch"
    folder.mkdir()
    return Boundary(str(folder))


@pytest.fixture()
def disk():
    """A folder on disk outside /tmp (which the job's private tmpfs hides anyway), removed afterwards."""
    base = "/var/tmp" if os.path.isdir("/var/tmp") else str(ROOT)
    folder = Path(tempfile.mkdtemp(prefix="boundary-test-", dir=base))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture()
def victim():
    """A sleeping process of the test's own, to be attacked instead of the test process itself."""
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    yield pid
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def landlocked(run, readable=(), forbidden=(), write=()):
    """`run()` in a forked child restricted by Landlock alone: root, no namespaces, no other uid."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            tally = Tally()
            sc.prctl(sc.PR_SET_NO_NEW_PRIVS, 1)
            landlock_rules.apply(landlock_rules.compute(tuple(readable), tuple(forbidden), tuple(write), False), tally)
            os.write(write_fd, json.dumps({"in_force": tally.in_force, "outcome": run()}).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as said:
        data = said.read()
    os.waitpid(pid, 0)
    found = json.loads(data)
    assert "landlock" in found["in_force"]
    return found["outcome"]


# --- the writable folder -------------------------------------------------------------------


def test_files_are_written_into_the_writable_folder_which_is_the_cwd_home_and_tmpdir(tmp_path):
    bound = Boundary(str(tmp_path), files=(("submission.py", b"answer = 42\n"), ("data.bin", b"\0\1")))

    def run(state, layers):
        return {"cwd": os.getcwd(), "writable": layers.writable, "listing": sorted(os.listdir(".")),
                "content": Path("submission.py").read_text(), "home": os.environ["HOME"],
                "tmpdir": os.environ["TMPDIR"], "tempfile": tempfile.gettempdir()}

    outcome, code, in_force = run_job(run, bound)
    assert code == 0
    # Only the job's own files, wherever this repository or Python is installed (under /tmp too)
    assert outcome["listing"] == ["data.bin", "submission.py"] and outcome["content"] == "answer = 42\n"
    assert outcome["cwd"] == outcome["writable"] == outcome["home"] == outcome["tmpdir"] == outcome["tempfile"]
    assert outcome["writable"] == ("/tmp" if "tmpfs" in in_force else str(tmp_path))
    assert not list(tmp_path.iterdir()), "the scratch folder is for when no private tmpfs can be had"


def test_without_a_private_tmpfs_the_scratch_folder_is_the_writable_one(tmp_path):
    need("landlock")
    folder = tmp_path / "scratch"  # mkdtemp-like: 0700, under pytest's 0700 folder in /tmp
    folder.mkdir(mode=0o700)

    def no_tmpfs():
        def private_tmp(scratch, size, tally, keep=()):
            tally.miss("tmpfs", "switched off by the test")
            return scratch, ()

        boundary.jobproc.namespaces.private_tmp = private_tmp

    def run(state, layers):
        return {"cwd": os.getcwd(), "writable": layers.writable, "listing": os.listdir("."), "uid": os.getuid(),
                "write_here": attempt(lambda: Path("new.txt").write_text("x")),
                "write_tmp": attempt(lambda: Path("/tmp", f"x-{uuid.uuid4().hex}").write_text("x"))}

    job = Job(run, Boundary(str(folder), files=(("submission.py", b"x = 1\n"),)), setup=no_tmpfs)
    outcome, code = job.outcome(), job.finish()
    assert code == 0 and "tmpfs" not in job.layers["in_force"]
    assert outcome["cwd"] == outcome["writable"] == str(folder) and outcome["listing"] == ["submission.py"]
    assert outcome["write_here"] == "ok" and outcome["write_tmp"] == "EACCES"
    assert sorted(p.name for p in folder.iterdir()) == ["new.txt", "submission.py"]
    if os.geteuid() == 0:
        assert "uid" in job.layers["in_force"] and outcome["uid"] != 0


def test_writing_inside_the_writable_folder_works(scratch):
    def run(state, layers):
        os.mkdir("made")
        Path("made/a.txt").write_text("one")
        os.rename("made/a.txt", "b.txt")
        os.symlink("b.txt", "link")
        return {"read": Path("link").read_text(), "removed": attempt(lambda: os.remove("b.txt"))}

    outcome, code, _ = run_job(run, scratch)
    assert code == 0 and outcome == {"read": "one", "removed": "ok"}


def test_writing_outside_the_writable_folder_fails(scratch, disk):
    need("landlock")
    open_folder = disk / "open"  # mode 0777: only Landlock stands in the way
    open_folder.mkdir(mode=0o777)
    open_folder.chmod(0o777)
    existing = open_folder / "existing.txt"
    existing.write_text("original")
    existing.chmod(0o666)
    planted = f"planted_{uuid.uuid4().hex}.py"

    def run(state, layers):
        grader_file = Path(sys.modules["grader"].__file__).parent / planted  # where the job reads the grader from
        return {
            "create": attempt(lambda: (open_folder / "new.txt").write_text("x")),
            "overwrite": attempt(lambda: existing.write_text("changed")),
            "remove": attempt(lambda: existing.unlink()),
            "mkdir": attempt(lambda: (open_folder / "dir").mkdir()),
            "grader": attempt(lambda: grader_file.write_text("x")),
            "devnull": attempt(lambda: Path("/dev/null").write_text("fine")),
        }

    outcome, code, _ = run_job(run, scratch)
    assert code == 0
    assert outcome.pop("devnull") == "ok"
    assert set(outcome.values()) <= {"EACCES", "EPERM", "EROFS"}, outcome
    assert sorted(p.name for p in open_folder.iterdir()) == ["existing.txt"] and existing.read_text() == "original"
    assert not (ROOT / "grader" / planted).exists()


# --- reading -------------------------------------------------------------------------------


def fake_site(disk: Path, forbidden: str = "answers") -> Path:
    """A site-packages-like folder with a package the learner may use and one to forbid."""
    site = disk / "site"
    for package, body in (("helpers", "VALUE = 'helpers'\n"), (forbidden, "SECRET = 'the solution'\n")):
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").write_text(body)
    for path in site.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return site


def test_a_forbidden_folder_inside_an_allowed_root_stays_unreadable(scratch, disk):
    need("landlock")
    site = fake_site(disk)
    secret = site / "answers" / "__init__.py"

    def prepare():
        sys.path.insert(0, str(site))  # as the worker puts the learner's folder on sys.path

    def run(state, layers):
        def import_reference():
            import answers  # noqa: F401

        def import_helpers():
            from helpers import VALUE

            assert VALUE == "helpers"

        return {"helpers": attempt(import_helpers), "open": attempt(lambda: secret.read_text()),
                "list": attempt(lambda: os.listdir(secret.parent)), "import": attempt(import_reference)}

    bound = Boundary(scratch.scratch, readable=(str(site),), forbidden=(str(site / "answers"),))
    outcome, code, _ = run_job(run, bound, prepare)
    assert code == 0
    assert outcome == {"helpers": "ok", "open": "EACCES", "list": "EACCES", "import": "EACCES"}
    # the same job without `forbidden` reads it: it is the carving that keeps it out
    outcome, _, _ = run_job(run, Boundary(scratch.scratch, readable=(str(site),)), prepare)
    assert outcome["open"] == "ok"


def test_a_shipped_reference_package_is_forbidden_without_being_named(scratch, disk):
    """A non-editable install ships `reference` (the solutions) inside site-packages."""
    need("landlock")
    site = fake_site(disk, forbidden="reference")

    def run(state, layers):
        return {"helpers": attempt(lambda: (site / "helpers" / "__init__.py").read_text()),
                "reference": attempt(lambda: (site / "reference" / "__init__.py").read_text())}

    outcome, code, _ = run_job(run, Boundary(scratch.scratch, readable=(str(site),)), lambda: sys.path.insert(0, str(site)))
    assert code == 0 and outcome == {"helpers": "ok", "reference": "EACCES"}


def test_files_elsewhere_stay_unreadable(scratch, disk, tmp_path):
    need("landlock")
    secret = disk / "secret.txt"  # world-readable: only Landlock stands in the way
    secret.write_text("secret")
    secret.chmod(0o644)
    host_tmp = tmp_path / "host.txt"
    host_tmp.write_text("host")
    targets = {"disk": secret, "reference": ROOT / "reference" / "01_tensors" / "solution.py", "passwd": Path("/etc/passwd"),
               "host_tmp": host_tmp, "root_home": Path("/root/.bashrc")}

    def run(state, layers):
        return {name: attempt(lambda path=path: path.read_bytes()) for name, path in targets.items()}

    outcome, code, _ = run_job(run, scratch)
    assert code == 0
    assert outcome["disk"] == outcome["passwd"] == "EACCES", outcome
    # The course is unreadable wherever the clone is: EACCES from Landlock, or ENOENT where the clone lies
    # under /tmp (hidden by the private tmpfs) or under a closed folder such as /root (covered, see `reveal`).
    assert outcome["reference"] in ("EACCES", "ENOENT"), outcome
    assert outcome["host_tmp"] in ("ENOENT", "EACCES") and outcome["root_home"] in ("ENOENT", "EACCES"), outcome


def test_python_and_the_grader_stay_readable_and_importable(scratch):
    candidates = ["colorsys", "wave", "netrc", "tabnanny", "mailcap", "xdrlib", "sndhdr", "chunk"]
    module = next(name for name in candidates if name not in sys.modules)

    def run(state, layers):
        import importlib

        return {"import": attempt(lambda: importlib.import_module(module)),
                "grader": attempt(lambda: Path(sys.modules["grader"].__file__).read_text()),  # wherever the job reaches it
                "urandom": attempt(lambda: open("/dev/urandom", "rb").read(8)), "uid": os.getuid()}

    outcome, code, in_force = run_job(run, scratch)
    assert code == 0
    assert outcome["import"] == outcome["grader"] == outcome["urandom"] == "ok", outcome
    if os.geteuid() == 0 and "uid" not in in_force:
        pytest.skip(f"layer 'uid': {detect().why_missing('uid')}: importable as root, not as the learner's uid")


def test_landlock_alone_keeps_forbidden_and_other_files_out_even_for_root(disk):
    need("landlock")
    site = fake_site(disk)
    elsewhere = disk / "elsewhere.txt"
    elsewhere.write_text("x")

    def run():
        return {"allowed": attempt(lambda: (site / "helpers" / "__init__.py").read_text()),
                "forbidden": attempt(lambda: (site / "answers" / "__init__.py").read_text()),
                "elsewhere": attempt(lambda: elsewhere.read_text()),
                "write": attempt(lambda: (site / "new.py").write_text("x"))}

    outcome = landlocked(run, readable=[str(site)], forbidden=[str(site / "answers")])
    assert outcome == {"allowed": "ok", "forbidden": "EACCES", "elsewhere": "EACCES", "write": "EACCES"}


# --- the private /tmp and /dev/shm ----------------------------------------------------------


def test_tmp_and_dev_shm_are_private(scratch):
    need("mountns", "tmpfs")
    if detect().why_missing("shm"):
        pytest.skip(f"the private /dev/shm is not available here: {detect().why_missing('shm')}")
    token = uuid.uuid4().hex
    with tempfile.NamedTemporaryFile(dir="/tmp", prefix="host-") as host_file:

        def run(state, layers):
            for folder in ("/tmp", "/dev/shm"):
                Path(folder, f"leak-{token}").write_text("left behind?")
            return {"host_file_seen": os.path.exists(host_file.name), "tmp": sorted(os.listdir("/tmp")),
                    "shm": sorted(os.listdir("/dev/shm"))}

        outcome, code, _ = run_job(run, scratch)
    assert code == 0
    assert outcome == {"host_file_seen": False, "tmp": [f"leak-{token}"], "shm": [f"leak-{token}"]}  # wherever the grader is
    assert not Path("/tmp", f"leak-{token}").exists() and not Path("/dev/shm", f"leak-{token}").exists()


def test_tmp_and_dev_shm_are_capped(tmp_path):
    need("tmpfs")
    if detect().why_missing("shm"):
        pytest.skip(f"the private /dev/shm is not available here: {detect().why_missing('shm')}")
    cap = 2**20

    def fill(path: str) -> dict:
        written, chunk = 0, b"x" * 65536
        try:
            with open(path, "wb") as f:
                while written < 4 * cap:
                    f.write(chunk)
                    f.flush()
                    written += len(chunk)
        except OSError as exc:
            return {"written": written, "error": errno.errorcode.get(exc.errno)}
        return {"written": written, "error": None}

    outcome, code, _ = run_job(lambda state, layers: {d: fill(f"{d}/big") for d in ("/tmp", "/dev/shm")},
                               Boundary(str(tmp_path), tmpfs_bytes=cap))
    assert code == 0
    for folder in ("/tmp", "/dev/shm"):
        assert outcome[folder]["error"] == "ENOSPC" and outcome[folder]["written"] <= cap, outcome


# --- the network ---------------------------------------------------------------------------


def test_no_tcp_or_udp_to_the_host(scratch):
    need("netns", "landlock_net")
    with socket.create_server(("127.0.0.1", 0)) as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        udp.setblocking(False)
        tcp_port, udp_port = server.getsockname()[1], udp.getsockname()[1]

        def run(state, layers):
            def send_udp():
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.sendto(b"hello", ("127.0.0.1", udp_port))

            return {"connect": attempt(lambda: socket.create_connection(("127.0.0.1", tcp_port), timeout=2)),
                    "udp": attempt(send_udp), "interfaces": [name for _, name in socket.if_nameindex()]}

        outcome, code, _ = run_job(run, scratch)
        server.setblocking(False)
        assert attempt(server.accept) == "EAGAIN" and attempt(lambda: udp.recv(16)) == "EAGAIN"
    assert code == 0
    assert outcome["connect"] == "EACCES", "Landlock refuses TCP connect before any routing"
    assert outcome["udp"] == "ENETUNREACH" and outcome["interfaces"] == ["lo"], "the network namespace's loopback is down"


def test_landlock_alone_refuses_tcp_even_for_root():
    need("landlock_net")
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        outcome = landlocked(lambda: {"connect": attempt(lambda: socket.create_connection(("127.0.0.1", port), 2)),
                                      "bind": attempt(lambda: socket.create_server(("127.0.0.1", 0)))})
    assert outcome == {"connect": "EACCES", "bind": "EACCES"}


def test_no_unix_sockets_to_the_host(scratch, disk):
    need("uid", "netns")
    path = str(disk / "grader.sock")  # on disk, not in the /tmp the job cannot see
    abstract = f"\0pytorch-tutor-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX) as named, socket.socket(socket.AF_UNIX) as hidden:
        named.bind(path)
        hidden.bind(abstract)
        for s in (named, hidden):
            s.listen(1)
            s.setblocking(False)

        def connect(address):
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(address)

        outcome, code, _ = run_job(lambda state, layers: {"named": attempt(lambda: connect(path)),
                                                          "abstract": attempt(lambda: connect(abstract))}, scratch)
        assert attempt(named.accept) == attempt(hidden.accept) == "EAGAIN"
    assert code == 0
    assert outcome["named"] == "EACCES", "the socket file is not writable by the learner's uid"
    assert outcome["abstract"] == "ECONNREFUSED", "abstract names belong to the network namespace"


def test_landlock_alone_refuses_abstract_sockets_and_signals_outside_the_job(victim):
    need("landlock_scope")
    abstract = f"\0pytorch-tutor-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX) as hidden:
        hidden.bind(abstract)
        hidden.listen(1)

        def run():
            with socket.socket(socket.AF_UNIX) as s:
                return {"abstract": attempt(lambda: s.connect(abstract)), "signal": attempt(lambda: os.kill(victim, 0)),
                        "stop": attempt(lambda: os.kill(victim, signal.SIGSTOP))}

        outcome = landlocked(run)
    assert outcome == {"abstract": "EPERM", "signal": "EPERM", "stop": "EPERM"}
    assert proctree.alive(victim) and _state(victim) == "S"


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_each_namespace_is_the_jobs_own(scratch):
    kinds = {"mountns": "mnt", "netns": "net", "pidns": "pid", "ipcns": "ipc"}
    need(*kinds)
    ours = {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in kinds.values()}
    outcome, code, _ = run_job(lambda state, layers: {k: os.readlink(f"/proc/self/ns/{k}") for k in kinds.values()}, scratch)
    assert code == 0
    assert all(outcome[kind] != ours[kind] for kind in kinds.values()), (outcome, ours)


# --- other processes -----------------------------------------------------------------------


def test_cannot_signal_stop_inspect_or_limit_the_test_process(scratch, victim):
    need("pidns")
    me = os.getpid()
    cpu_before = resource.prlimit(victim, resource.RLIMIT_CPU)

    def run(state, layers):
        found = {}
        for name, pid in (("test", me), ("victim", victim)):
            found[f"{name}_signal0"] = attempt(lambda pid=pid: os.kill(pid, 0))
            for part in ("mem", "environ", "cmdline"):
                found[f"{name}_{part}"] = attempt(lambda pid=pid, part=part: Path(f"/proc/{pid}/{part}").read_bytes()[:1])
            found[f"{name}_prlimit"] = attempt(lambda pid=pid: resource.prlimit(pid, resource.RLIMIT_NOFILE))
        found["victim_stop"] = attempt(lambda: os.kill(victim, signal.SIGSTOP))
        found["victim_kill"] = attempt(lambda: os.kill(victim, signal.SIGKILL))
        found["victim_set_limit"] = attempt(lambda: resource.prlimit(victim, resource.RLIMIT_CPU, (1, 1)))
        found["parent_signal0"] = attempt(lambda: os.kill(os.getppid(), 0))  # I, the namespace's init
        return found

    outcome, code, _ = run_job(run, scratch)
    assert code == 0
    parent = outcome.pop("parent_signal0")
    assert "ok" not in outcome.values(), outcome
    assert proctree.alive(victim) and _state(victim) == "S"
    assert resource.prlimit(victim, resource.RLIMIT_CPU) == cpu_before
    if "uid" in detect().in_force or "landlock_scope" in detect().in_force:
        assert parent == "EPERM", "another uid, or outside the learner's Landlock domain"


def test_the_learner_runs_as_an_unprivileged_uid_of_its_own(scratch):
    need("uid")

    def run(state, layers):
        return {"ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid()], "groups": os.getgroups(),
                "owner": os.stat(layers.writable).st_uid, "setuid0": attempt(lambda: os.setuid(0))}

    outcome, code, _ = run_job(run, scratch)
    assert code == 0
    uid = outcome["ids"][0]
    assert uid not in (0, os.getuid()) and outcome["ids"] == [uid] * 4 and outcome["groups"] == []
    assert outcome["owner"] == uid and outcome["setuid0"] == "EPERM"
    second, _, _ = run_job(run, scratch)
    assert second["ids"][0] != uid, "each job draws its own uid"


def test_a_fork_past_the_process_cap_fails_in_the_learner_at_once(tmp_path):
    """RLIMIT_NPROC on the job's own uid: the kernel refuses the fork (EAGAIN) rather than a poll noticing later."""
    need("uid", "nproc")
    from grader.isolation.jobproc import THREAD_ROOM

    def run(state, layers):
        kids, refused = [], None
        for _ in range(200):
            try:
                pid = os.fork()
            except OSError as exc:
                refused = errno.errorcode.get(exc.errno)
                break
            if pid == 0:
                time.sleep(30)
                os._exit(0)
            kids.append(pid)
        for pid in kids:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        return {"forked": len(kids), "refused": refused, "cap": resource.getrlimit(resource.RLIMIT_NPROC)[0]}

    outcome, code, _ = run_job(run, Boundary(str(tmp_path), max_processes=8))
    assert code == 0
    assert outcome["cap"] == 8 + THREAD_ROOM and outcome["refused"] == "EAGAIN"
    assert outcome["forked"] < 8 + THREAD_ROOM  # the learner itself (and its threads) count too


def test_a_process_the_learner_leaves_behind_is_killed_as_the_job_exits(scratch):
    """Killed by the kernel as the job's namespace ends: C exits once I has told it how L ended, and I's
    own end (which kills what is left in the namespace) goes on after it, so the leftover is gone within
    moments of the job's exit (a keeper's kill of the job's tree also ends it), not at its sleep's end."""
    need("pidns")
    name = f"lo-{uuid.uuid4().hex[:12]}"  # the leftover's name in /proc/PID/comm, which the host can see

    def run(state, layers):
        ready_r, ready_w = os.pipe()
        if os.fork() == 0:  # double fork + setsid: the grandchild is re-parented and in its own session
            os.setsid()
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name.encode()), 0, 0, 0)  # PR_SET_NAME
                os.write(ready_w, b"up")
                time.sleep(60)
            os._exit(0)
        os.read(ready_r, 2)
        emit({"left": "running"})
        os.read(0, 3)  # until the test has seen the leftover
        return "done"

    job = Job(run, scratch)
    try:
        assert job.read() == {"left": "running"}
        assert len(_named(name)) == 1, "the leftover is running, and the test can see it"
        job.send("go\n")
        assert job.outcome() == "done"
        assert job.finish() == 0
        deadline = time.monotonic() + 10
        while _named(name) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _named(name) == []
    finally:  # should the boundary fail, leave nothing behind all the same
        for pid in _named(name):
            os.kill(pid, signal.SIGKILL)


def _named(name: str) -> list[int]:
    """Processes whose name is `name`, zombies left out."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and Path(f"/proc/{entry}/comm").read_text().strip() == name and proctree.alive(int(entry)):
                found.append(int(entry))
        except OSError:
            continue
    return found


def test_an_unprivileged_caller_still_gets_namespaces_and_landlock(tmp_path, disk):
    """Not root (a laptop): a user namespace makes the other namespaces possible; no uid of its own."""
    if os.geteuid() != 0:
        pytest.skip("run as root, this test drops to an unprivileged uid itself; the other tests cover this user")
    need("landlock")
    scratch = tmp_path / "scratch"
    scratch.mkdir(mode=0o777)
    scratch.chmod(0o777)
    secret = disk / "secret.txt"
    secret.write_text("secret")
    secret.chmod(0o644)
    me = os.getpid()

    def run(state, layers):
        return {"missing": dict(layers.missing), "uid": os.getuid(), "signal": attempt(lambda: os.kill(me, 0)),
                "secret": attempt(secret.read_text), "tmp": attempt(lambda: Path("/tmp/mine").write_text("x"))}

    outcome, code, in_force = run_job(run, Boundary(str(scratch)), user=65534)
    assert code == 0
    if "userns" not in in_force:
        pytest.skip(f"layer 'userns' is not available here: {outcome['missing'].get('userns')}")
    assert {"mountns", "netns", "pidns", "tmpfs", "landlock"} <= set(in_force)
    assert "uid" in outcome["missing"] and outcome["uid"] == 0, "root inside its namespace, 65534 outside"
    assert outcome["signal"] == "ESRCH" and outcome["secret"] == "EACCES" and outcome["tmp"] == "ok"


def test_keys_of_the_callers_session_keyring_stay_unreadable(scratch):
    need("keyring")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    keyctl, add_key = sc.KEYCTL_SYSCALL, {250: 248, 219: 217}[sc.KEYCTL_SYSCALL]
    key = {}

    def secret_key():  # in the job's own process, before contain(): the test's keyrings are untouched
        sc.join_session_keyring()
        key["id"] = libc.syscall(add_key, b"user", b"grader-secret", b"hunter2", 7, ctypes.c_long(-3))  # @s

    def run(state, layers):
        buffer = ctypes.create_string_buffer(64)
        read = libc.syscall(keyctl, ctypes.c_long(11), ctypes.c_long(key["id"]), buffer, 64)  # KEYCTL_READ
        return {"id": key["id"], "read": read, "errno": errno.errorcode.get(ctypes.get_errno()), "data": buffer.value.decode()}

    job = Job(run, scratch, setup=secret_key)
    outcome, code = job.outcome(), job.finish()
    assert code == 0 and outcome["id"] > 0
    assert outcome["read"] == -1 and outcome["errno"] in ("EACCES", "ENOKEY") and outcome["data"] == "", outcome


# --- the learner's fate ---------------------------------------------------------------------


def _segfault():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    ctypes.string_at(0)


@pytest.mark.parametrize(
    "action, expected",
    [
        (lambda: os._exit(3), 3),
        (lambda: sys.exit(4), 4),
        (lambda: None, 0),
        (lambda: os.kill(os.getpid(), signal.SIGKILL), -signal.SIGKILL),
        (_segfault, -signal.SIGSEGV),
        (lambda: 1 / 0, 1),
    ],
    ids=["exit-3", "sys-exit-4", "return", "sigkill", "sigsegv", "exception"],
)
def test_the_exit_status_is_the_learners(scratch, action, expected):
    job = Job(lambda state, layers: action(), scratch)
    assert job.finish() == expected


def test_an_exception_in_prepare_is_a_setup_failure_not_a_hang(scratch):
    def prepare():
        raise RuntimeError("no checks")

    job = Job(lambda state, layers: "never", scratch, prepare)
    assert job.layers == {} and job.finish() == boundary.jobproc.SETUP_FAILED


def test_prepare_runs_privileged_and_its_state_reaches_run(scratch, tmp_path):
    course_file = tmp_path / "checks.py"  # in the host's /tmp, hidden from the learner later
    course_file.write_text("CHECKS = 3")

    outcome, code, _ = run_job(lambda state, layers: {"state": state, "again": attempt(course_file.read_text)},
                               scratch, prepare=lambda: course_file.read_text())
    assert code == 0 and outcome["state"] == "CHECKS = 3"
    if "tmpfs" in detect().in_force or "landlock" in detect().in_force:
        assert outcome["again"] in ("ENOENT", "EACCES")


def test_learner_pid_is_the_learners_host_pid(scratch):
    def run(state, layers):
        emit({"pid": os.getpid(), "uid": os.getuid()})
        os.read(0, 3)

    job = Job(run, scratch)
    said = job.read()
    found = learner_pid(job.pid)
    assert found is not None and found != job.pid
    status = Path(f"/proc/{found}/status").read_text()
    assert f"\t{said['uid']}\t" in next(line for line in status.splitlines() if line.startswith("Uid:"))
    assert next(line for line in status.splitlines() if line.startswith("NSpid:")).split()[-1] == str(said["pid"])
    job.send("go\n")
    job.outcome()
    job.finish()


def test_off_linux_contain_is_prepare_then_run(tmp_path):
    bound = Boundary(str(tmp_path), files=(("submission.py", b"x = 1\n"),))
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(write_fd, 3)
            sys.platform = "darwin"
            contain(bound, lambda: "state", lambda state, layers: emit([state, os.getcwd(), layers.missing]))
        finally:
            os._exit(99)
    os.close(write_fd)
    with os.fdopen(read_fd) as said:
        state, cwd, missing = json.loads(said.read())
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert state == "state" and cwd == str(tmp_path) and (tmp_path / "submission.py").read_text() == "x = 1\n"
    assert [layer for layer, _ in missing] == ["boundary"]


def test_file_names_must_be_plain_and_the_tmpfs_capped():
    for name in ("../escape.py", "sub/file.py", "", ".."):
        with pytest.raises(ValueError):
            Boundary("/nowhere", files=((name, b""),))
    with pytest.raises(ValueError):
        Boundary("/nowhere", tmpfs_bytes=0)


def test_harden_trusted_and_die_with_parent():
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # a keeper: hardened, with a child that must die with it
        try:
            boundary.harden_trusted()
            libc = ctypes.CDLL(None)
            flag = ctypes.c_int(0)
            libc.prctl(37, ctypes.byref(flag), 0, 0, 0)  # PR_GET_CHILD_SUBREAPER
            armed_r, armed_w = os.pipe()
            child = os.fork()
            if child == 0:
                boundary.die_with_parent()
                os.write(armed_w, b"1")
                time.sleep(60)
                os._exit(0)
            os.read(armed_r, 1)
            os.write(write_fd, json.dumps([libc.prctl(3, 0, 0, 0, 0), flag.value, child]).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as said:
        dumpable, subreaper, child = json.loads(said.read())
    os.waitpid(pid, 0)
    assert dumpable == 0 and subreaper == 1
    deadline = time.monotonic() + 5
    while proctree.alive(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not proctree.alive(child), "the keeper's child died with it"


# --- detect, cgroup ------------------------------------------------------------------------


def test_detect_is_cached_and_names_every_layer():
    """How long detect() takes is a figure for scripts/boundary_cost.py, not a pass/fail here."""
    boundary._detected = None
    found = detect()
    assert detect() is found
    named = set(found.in_force) | {layer for layer, _ in found.missing}
    assert {"mountns", "netns", "pidns", "ipcns", "tmpfs", "uid", "no_new_privs", "landlock", "cgroup"} <= named
    assert all(why for _, why in found.missing)


def test_a_job_cgroup_limits_and_is_removed():
    why = cgroup.unavailable_reason()
    if why:
        pytest.skip(f"layer 'cgroup' is not available here: {why}")
    parent = cgroup.parent_folder()
    job = cgroup.JobCgroup.create(parent, f"boundary-test-{uuid.uuid4().hex[:8]}", 256 * 2**20, 8)
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    try:
        job.add(pid)
        assert Path(job.path, "memory.max").read_text().strip() == str(256 * 2**20)
        assert Path(job.path, "pids.max").read_text().strip() == "8"
    finally:
        job.kill_and_remove()
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == -signal.SIGKILL
    assert not os.path.exists(job.path)


def test_doctor_reports_every_layer_and_exits_0():
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["doctor", "--json"], env=CLI_ENV)
    assert result.exit_code == 0
    rows = {row["layer"]: row for row in json.loads(result.output)["layers"]}
    assert {"landlock", "uid", "pidns", "tmpfs", "cgroup"} <= set(rows) and all(row["detail"] for row in rows.values())
    assert {name for name, row in rows.items() if row["supported"]} == set(detect().in_force)
    table = CliRunner().invoke(app, ["doctor"], env=CLI_ENV)
    assert table.exit_code == 0 and "landlock_scope" in table.output and "cgroup" in table.output


def test_the_boundary_and_doctor_do_not_import_torch():
    code = ("import runpy, sys; sys.argv = ['pytorch-tutor', 'doctor']\n"
            "try:\n    runpy.run_module('cli', run_name='__main__')\nexcept SystemExit as exc:\n    assert not exc.code\n"
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def test_a_python_installed_under_tmp_stays_importable_and_read_only_and_out_of_sight(scratch, tmp_path):
    """A venv or a checkout in /tmp (CI, a packaging test) is covered by the private /tmp: the job reads
    it through a descriptor opened before the cover, so it imports from it lazily, cannot write to it,
    and its /tmp shows none of it."""
    need("tmpfs")
    site = tmp_path / "site"
    (site / "tmp_pkg").mkdir(parents=True)
    (site / "tmp_pkg" / "__init__.py").write_text("VALUE = 42\n")

    def run(state, layers):
        import tmp_pkg  # not imported before the boundary: found through sys.path, as Python left it

        folder = Path(tmp_pkg.__file__).parent
        return {"value": tmp_pkg.VALUE, "write": attempt(lambda: (folder / "x.py").write_text("x")),
                "tmp": os.listdir("/tmp"), "old_path": os.path.exists(site)}

    job = Job(run, Boundary(scratch.scratch, readable=(str(site),)), setup=lambda: sys.path.insert(0, str(site)))
    outcome, code = job.outcome(), job.finish()
    assert code == 0 and outcome["value"] == 42 and outcome["write"] != "ok", outcome
    assert outcome["tmp"] == [] and not outcome["old_path"], outcome


GRADER_UNDER_TMP = """
import json, os, sys
from grader.isolation.boundary import Boundary, contain

assert "grader.judging.describe" not in sys.modules
def run(state, layers):
    import grader.judging.describe as late  # read from the grader's folder, covered by the private /tmp
    os.write(3, json.dumps({"tmp": os.listdir("/tmp"), "in_force": layers.in_force, "late": late.__name__,
                            "grader_seen": os.path.exists(sys.argv[2])}).encode())
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.dup2(write_end, 3)
    contain(Boundary(sys.argv[1]), lambda: None, run)
os.close(write_end)
with os.fdopen(read_end, "rb") as said:
    print(said.read().decode())
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""


def test_a_grader_installed_under_tmp_works_behind_an_empty_private_tmp(tmp_path):
    """The grader package copied under /tmp (as a clone there is) and run from there: a learner's job
    still imports grader modules it had not loaded, sees an empty /tmp, and keeps every layer."""
    need("tmpfs")
    import shutil

    assert str(tmp_path).startswith("/tmp/"), "the tests' temporary folder is under /tmp"
    shutil.copytree(ROOT / "grader", tmp_path / "install" / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "scratch").mkdir()
    done = subprocess.run([sys.executable, "-c", GRADER_UNDER_TMP, str(tmp_path / "scratch"), str(tmp_path / "install")],
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path / "install")},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    said, _, code = done.stdout.strip().rpartition("\n")
    assert code == "0", done.stdout[-3000:] + done.stderr[-3000:]
    found = json.loads(said)
    assert found["tmp"] == [] and not found["grader_seen"] and found["late"] == "grader.judging.describe", found
    assert set(detect().in_force) - {"cgroup"} <= set(found["in_force"]), found["in_force"]
