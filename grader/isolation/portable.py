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
job gets a worker spawned for it. A single cold check's worker may be spawned earlier still,
before the command line parses its arguments (`prestart`, where the walls fit any job).
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time

from grader.isolation import jobfolders, seatbelt, spawner, spawnwatch
from grader.isolation.sandbox import Finished, Limits
from grader.isolation.spawner import PREFIX, Worker

class PortableJob:
    """A job running in a spawned worker: `wait()` for its Finished, `kill()` to end it now."""

    def __init__(self, pool: "PortablePool", worker: Worker, request: dict, extra: bytes, limits: Limits):
        self.pool, self.worker, self.limits = pool, worker, limits
        self.done: queue.Queue[Finished] = queue.Queue()
        self.thread = threading.Thread(target=self._watch, args=(request, extra), daemon=True)
        self.thread.start()

    def _watch(self, request: dict, extra: bytes) -> None:
        """Hand the job over (the pipe may fill before the worker is warm: not on the caller's thread), wait
        until the worker has imported torch (its time limit starts then), and watch it to the end."""
        w = self.worker
        finished = Finished(returncode=None, elapsed=0.0, stdout="", stderr="", keeper_lost=True)
        try:
            w.hand(request, extra)
            if not w.wait_ready():
                raise RuntimeError("the worker ended or hung before it was ready")
            w.tree.limit(request["limits"])  # once warm: torch's own memory is not the job's to be refused
            finished = spawnwatch.watch(w.popen, w.tree, w.streams, self.limits, request.get("filename", ""), time.monotonic())
        except BaseException:
            pass
        finally:
            w.remove_folder()  # (again after the sweep, should a straggler write there meanwhile)
            self.done.put(finished)  # the verdict first: the sweep below is nobody's wait (the pool's close waits for it)
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
        self.running: list[PortableJob] = []  # whose threads may still be sweeping up after their verdict
        self.lock = threading.Lock()
        self.closed, self.jobs, self.reusing = False, 0, True
        self.hint: dict | None = None  # the exercise of the last job: the next spare loads its checks while it waits

    def __enter__(self) -> "PortablePool":
        if spawner.OS != "darwin":  # elsewhere a spare's walls fit any job: warm them now (one may be warming already)
            for _ in range(self.size):
                self.spares.append(_prestarted(self.preload) or Worker(None, self.preload))
        sweep()
        if not self.trusted_preload:  # torch as every grading process sets it up (one thread), while the spares warm
            from grader.isolation import torchsetup

            torchsetup.prepare(preload=self.preload)  # (a cold check's: once its job is handed over, in `start`)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _take(self, key) -> Worker:
        """A warm spare with these walls, else a new worker. A spare whose walls no job asks for any more (a
        class graded on macOS: each submission's folder is its own) makes room, and no more are spawned
        until two jobs in a row share their walls."""
        with self.lock:
            found = next((w for w in self.spares if w.key == key), None)
            stale = self.spares[:1] if found is None and key is not None else []
            for worker in [found, *stale] if found else stale:
                self.spares.remove(worker)
            self.reusing = found is not None or not self.jobs
            self.jobs += 1
        for worker in stale:
            worker.end()
        if found is not None and found.popen.poll() is not None:  # a spare that died waiting
            found.end()
            found = None
        return found or Worker(key, self.preload)  # not waited for: it warms up while the caller goes on

    def tenant(self, name: str) -> "PortablePool":
        """The pool as one tenant's jobs use it (`grader.isolation.pool.Pool.tenant`): itself, as every job's
        worker is a new Python that was sent that job only."""
        return self

    def start(self, request: dict, extra: bytes, limits: Limits) -> PortableJob:
        self.hint = {"exercise": request["exercise"], "checks": request["checks"]}
        worker = self._take(spawner.walls_key(request))
        job = PortableJob(self, worker, request, extra, limits)
        with self.lock:
            self.running = [j for j in self.running if j.thread.is_alive()] + [job]
        if self.trusted_preload:  # a cold check: our own torch import runs beside the worker's
            from grader.isolation import torchsetup

            torchsetup.prepare(preload=self.preload)
            self.trusted_preload = False
        return job

    def job_done(self, key) -> None:
        """A job ended: a new spare (with the same walls) for the next one."""
        with self.lock:
            if self.closed or not self.keep_spares or len(self.spares) >= self.size or (key is not None and not self.reusing):
                return
            self.spares.append(Worker(key, self.preload, self.hint))

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
        for job in self.running:
            job.thread.join(30)
        sweep()


_PRESTARTED: list[Worker] = []


def prestart() -> None:
    """Spawn the worker of a single cold check now, before the command line has even parsed its arguments,
    where a worker's walls do not depend on its job (not macOS: there the profile names the job's paths).
    The next pool entered takes it (and tells it what to preload); unused, it ends with this process."""
    if spawner.OS != "darwin" and not _PRESTARTED:
        import atexit

        _PRESTARTED.append(Worker(None, None))
        atexit.register(_end_prestarted)


def _prestarted(preload: tuple[str, ...]) -> Worker | None:
    worker = _PRESTARTED.pop() if _PRESTARTED else None
    if worker is not None:
        worker.send_preload(preload)
    return worker


def _end_prestarted() -> None:
    while _PRESTARTED:
        _PRESTARTED.pop().end()


def sweep(root: str | None = None) -> None:
    """Remove job folders whose keeper is gone (killed before its own clean-up); POSIX only, where a
    pid can be asked about without /proc."""
    if hasattr(os, "killpg"):
        jobfolders.sweep(_alive, root, PREFIX)


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
    from grader.isolation.layers import Layers

    in_force, missing = ["spawned"], []
    if spawner.OS == "darwin":
        why = seatbelt.unavailable_reason()
        in_force += [] if why else ["seatbelt"]
        missing += [("seatbelt", why)] if why else []
    else:
        missing.append(("seatbelt", "not macOS: no file-system wall on this backend (Linux: use the default backend)"
                        if spawner.OS != "win32" else "not macOS: Windows has no file-system wall here"))
    in_force += ["jobobject", "jobobject_time"] if spawner.OS == "win32" else []
    try:
        import resource  # noqa: F401

        in_force += ["rlimit_cpu", "rlimit_nofile"]
    except ImportError:
        missing += [("rlimit_cpu", "no setrlimit on this OS"), ("rlimit_nofile", "no setrlimit on this OS")]
    linux_only = ("userns", "mountns", "netns", "pidns", "ipcns", "proc", "tmpfs", "uid", "keyring", "no_new_privs", "landlock")
    missing += [(layer, "Linux only: not on the portable backend (the default backend on Linux has it)") for layer in linux_only]
    return Layers(tuple(in_force), tuple(missing), tempfile.gettempdir())
