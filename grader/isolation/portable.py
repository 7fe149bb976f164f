"""The portable backend: every job in a freshly spawned process, on any OS Python runs on.

No fork, no /proc, no Linux system calls. The trusted process is the keeper: it spawns
`python -m grader.isolation.spawned` with its three standard streams on pipes it owns
(`grader.isolation.spawned` says how they are used), each in a job folder of its own, under the
walls this OS offers: a Seatbelt profile on macOS (`seatbelt`), a Job Object on Windows
(`jobobject`), and whatever limits the process sets on itself (`rlimits`). A spare worker is
spawned ahead of the next job and imports torch while nothing waits for it; each job takes a
warm spare (and a new spare starts once the job is done), so every job still gets a fresh
process. On macOS the spare's profile already names the job's forbidden paths, so a spare is
used only for a job with the same ones (the same course and submission folder); any other
job gets a worker spawned for it.
"""

from __future__ import annotations

import os
import queue
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from grader.isolation import seatbelt, spawnwatch
from grader.isolation.proctree import TOKEN_VAR
from grader.isolation.sandbox import Finished, Limits

PREFIX = "pytorch-tutor-job-"  # as the Linux keeper's: + our pid + "-"
RESULTS_CAP = 300 * 2**20
OS = sys.platform  # which walls to build (the tests set "darwin" or "win32" to drive the stand-ins)
READY_WAIT = 120.0  # seconds a worker may take to import torch before it counts as lost


def walls_key(request: dict) -> tuple | None:
    """What a worker's walls depend on: the job's forbidden paths and the course's reference folder
    (None where the walls do not depend on the job)."""
    if OS != "darwin":
        return None
    return tuple(request.get("forbidden", ())), str(Path(request["checks"]).parent.parent)


def make_tree(token: str):
    """The process tree of one worker, as this OS lets the keeper hold it."""
    if OS == "win32":
        from grader.isolation.jobobject import JobTree

        return JobTree.for_this_os()
    from grader.isolation.ptree import PsTree

    return PsTree(token)


class Worker:
    """One spawned learner process, warming or warm, with its job folder."""

    def __init__(self, key: tuple | None, preload: tuple[str, ...]):
        self.key, self.token = key, uuid.uuid4().hex
        self.folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
        os.chmod(self.folder, 0o700)
        self.layers, self.missing = ["spawned"], []
        argv = self._walled([sys.executable, "-m", "grader.isolation.spawned"])
        self.popen = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      cwd=self.folder, env=self._env(preload), **_session())
        self.tree = make_tree(self.token)
        self.tree.adopt(self.popen)
        self.layers += list(self.tree.layers)
        self.streams = spawnwatch.Streams(self.popen, RESULTS_CAP)

    def _walled(self, argv: list[str]) -> list[str]:
        if OS != "darwin":
            return argv
        tool = seatbelt.executable()
        if tool is None:
            self.missing.append(("seatbelt", seatbelt.unavailable_reason()))
            return argv
        denied, checks_root = self.key or ((), "")
        self.layers.append("seatbelt")
        return seatbelt.command(argv, seatbelt.Walls(self.folder, denied, checks_root), tool)

    def _env(self, preload: tuple[str, ...]) -> dict:
        from grader.isolation.forked import child_env

        env = child_env()
        env[TOKEN_VAR], env["PYTORCH_TUTOR_PRELOAD"] = self.token, ",".join(preload)
        env["PYTHONIOENCODING"] = "utf-8"
        return env

    def wait_ready(self, timeout: float = READY_WAIT) -> bool:
        return self.streams.ready.wait(timeout) and self.popen.poll() is None

    def hand(self, request: dict, extra: bytes) -> None:
        """Give the worker its job (it keeps the job pipe open: closing it ends the worker)."""
        job = {**request, "folder": self.folder, "layers": self.layers, "missing": [list(m) for m in self.missing]}
        job.setdefault("env", {})[TOKEN_VAR] = self.token
        self.tree.limit(job["limits"])
        head = _json_bytes(job)
        try:
            for part in (head, extra):
                self.popen.stdin.write(len(part).to_bytes(8, "big") + part)
            self.popen.stdin.flush()
        except OSError:
            pass  # it died warming up: the watch sees it exit

    def end(self) -> None:
        """Kill what is left of it, close its pipes, remove its folder."""
        self.tree.kill()
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.tree.close()
        _remove(self.folder)


class PortableJob:
    """A job running in a spawned worker: `wait()` for its Finished, `kill()` to end it now."""

    def __init__(self, pool: "PortablePool", worker: Worker, request: dict, extra: bytes, limits: Limits):
        self.pool, self.worker, self.limits = pool, worker, limits
        self.started = time.monotonic()
        worker.hand(request, extra)
        self.done: queue.Queue[Finished] = queue.Queue()
        learner = request.get("filename", "")
        self.thread = threading.Thread(target=self._watch, args=(learner,), daemon=True)
        self.thread.start()

    def _watch(self, learner: str) -> None:
        w = self.worker
        try:
            self.done.put(spawnwatch.watch(w.popen, w.tree, w.streams, self.limits, learner, self.started))
        except BaseException:
            self.done.put(Finished(returncode=None, elapsed=self.limits.timeout, stdout="", stderr="", keeper_lost=True))
        finally:
            w.end()

    def wait(self) -> Finished:
        finished = self.done.get()
        self.pool.job_done(self.worker.key)
        return finished

    def kill(self) -> None:
        self.worker.tree.kill()
        self.thread.join(10)


class PortablePool:
    """`with PortablePool() as pool: check_exercise(..., pool=pool)`: the interface of `grader.isolation.pool.Pool`."""

    def __init__(self, size: int | None = None, preload: tuple[str, ...] = (), spares: bool = True, trusted_preload: bool = False):
        self.size = size or max(1, os.cpu_count() or 1)
        self.preload, self.keep_spares, self.trusted_preload = preload, spares, trusted_preload
        self.spares: list[Worker] = []
        self.lock = threading.Lock()
        self.closed = False

    def __enter__(self) -> "PortablePool":
        sweep()
        if OS != "darwin":  # elsewhere a spare's walls fit any job: warm them now
            for _ in range(self.size):
                self.spares.append(Worker(None, self.preload))
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _take(self, key) -> Worker:
        with self.lock:
            found = next((w for w in self.spares if w.key == key), None)
            if found is not None:
                self.spares.remove(found)
        worker = found or Worker(key, self.preload)
        if not worker.wait_ready():
            worker.end()
            worker = Worker(key, self.preload)
        return worker

    def start(self, request: dict, extra: bytes, limits: Limits) -> PortableJob:
        worker = self._take(walls_key(request))
        job = PortableJob(self, worker, request, extra, limits)
        if self.trusted_preload:  # a cold check: our own torch import runs beside the worker's
            from grader.isolation import torchsetup

            torchsetup.prepare(preload=self.preload)
            self.trusted_preload = False
        return job

    def job_done(self, key) -> None:
        """A job ended: a new spare (with the same walls) for the next one."""
        with self.lock:
            if self.closed or not self.keep_spares or len(self.spares) >= self.size:
                return
            self.spares.append(Worker(key, self.preload))

    def warm(self) -> "PortablePool":
        for worker in list(self.spares):
            worker.wait_ready()
        return self

    def close(self) -> None:
        with self.lock:
            self.closed = True
            spares, self.spares = self.spares, []
        for worker in spares:
            worker.end()
        sweep()


def _session() -> dict:
    """A session of its own (POSIX: its process group is the job's), or a process group of its own (Windows)."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _json_bytes(data: dict) -> bytes:
    import json

    return json.dumps(data).encode("utf-8")


def _remove(path: str) -> None:
    if os.path.islink(path):
        os.unlink(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


def sweep(root: str | None = None) -> None:
    """Remove job folders whose keeper is gone (killed before its own clean-up); POSIX only, where a
    pid can be asked about without /proc."""
    if not hasattr(os, "killpg"):
        return
    root = root or tempfile.gettempdir()
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        pid = name[len(PREFIX):].split("-", 1)[0] if name.startswith(PREFIX) else ""
        path = os.path.join(root, name)
        if pid.isdigit() and not _alive(int(pid)) and _real_folder(path):
            shutil.rmtree(path, ignore_errors=True)


def _real_folder(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def detect():
    """The layers a job gets here on this backend (what `doctor` shows), without starting one."""
    from grader.isolation import rlimits
    from grader.isolation.layers import Layers

    in_force, missing = ["spawned"], []
    if OS == "darwin":
        why = seatbelt.unavailable_reason()
        in_force += [] if why else ["seatbelt"]
        missing += [("seatbelt", why)] if why else []
    else:
        missing.append(("seatbelt", "not macOS: no file-system wall on this backend (Linux: use the default backend)"
                        if OS != "win32" else "not macOS: Windows has no file-system wall here"))
    in_force += ["jobobject"] if OS == "win32" else []
    try:
        import resource  # noqa: F401

        in_force += ["rlimit_cpu", "rlimit_nofile"]
    except ImportError:
        missing += [("rlimit_cpu", "no setrlimit on this OS"), ("rlimit_nofile", "no setrlimit on this OS")]
    missing.append(("landlock", "the portable backend has no Landlock (Linux only: the default backend there)"))
    return Layers(tuple(in_force), tuple(missing), tempfile.gettempdir())
