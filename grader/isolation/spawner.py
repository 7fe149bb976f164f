"""One spawned worker of the portable backend (`grader.isolation.portable`): its job folder, its
process (`python -m grader.isolation.spawned`, under Seatbelt on macOS), its tree (a Job Object on
Windows, `ps` elsewhere) and its pipes. Cross-platform Python only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from grader.isolation import seatbelt, spawnwatch
from grader.isolation.proctree import TOKEN_VAR

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

    def __init__(self, key: tuple | None, preload: tuple[str, ...] | None, hint: dict | None = None):
        """`preload`: the modules the exercise preloads, or None to say later (`send_preload`); `hint`: the
        exercise its job will likely be ({"exercise", "checks"}), whose checks it loads while it waits."""
        self.key, self.token = key, uuid.uuid4().hex
        self.folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
        os.chmod(self.folder, 0o700)
        self.layers, self.missing = ["spawned"], []
        argv = self._walled([sys.executable, "-m", "grader.isolation.spawned"])
        self.popen = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      cwd=self.folder, env=self._env(), **_session())
        self.tree = make_tree(self.token)
        self.tree.adopt(self.popen)
        self.layers += list(self.tree.layers)
        self.streams = spawnwatch.Streams(self.popen, RESULTS_CAP)
        self.preload_sent, self.hint = False, hint
        if preload is not None:
            self.send_preload(preload, hint)

    def send_preload(self, preload: tuple[str, ...], hint: dict | None = None) -> None:
        """The first frame on its job pipe: the modules to import, and the checks to load, before it says it is ready."""
        if not self.preload_sent:
            self.preload_sent = True
            self._send(_json_bytes({"preload": list(preload), "hint": hint}))

    def _walled(self, argv: list[str]) -> list[str]:
        if OS != "darwin":
            return argv
        tool = seatbelt.executable()
        if tool is None:
            self.missing.append(("seatbelt", seatbelt.unavailable_reason()))
            return argv
        denied, checks_root = self.key or ((), "")
        self.layers.append("seatbelt")
        return seatbelt.command(argv, seatbelt_walls(self.folder, denied, checks_root), tool)

    def _env(self) -> dict:
        env = dict(os.environ)
        env.pop("PYTORCH_TUTOR_COURSE", None)
        env["PYTHONPATH"] = python_path(code_root(Path(__file__).resolve()), env.get("PYTHONPATH", ""), os.pathsep)
        env[TOKEN_VAR] = self.token
        env["PYTHONIOENCODING"] = "utf-8"
        env["TMPDIR"] = env["TEMP"] = env["TMP"] = self.folder  # from the start: no other folder is writable under Seatbelt
        return env

    def wait_ready(self, timeout: float = READY_WAIT) -> bool:
        """True once it said `ready`, even if it has run its job and exited since (a job handed over early, in
        a cold check, may finish before this thread looks); False if it died or hung warming up."""
        return self.streams.ready.wait(timeout) and self.streams.warm

    def hand(self, request: dict, extra: bytes) -> None:
        """Give the worker its job (it keeps the job pipe open: closing it ends the worker)."""
        job = {**request, "folder": self.folder, "layers": self.layers, "missing": [list(m) for m in self.missing]}
        job.setdefault("env", {})[TOKEN_VAR] = self.token
        self.send_preload(())  # (a no-op: sent when its pool took it)
        self._send(_json_bytes(job), extra)

    def _send(self, *parts: bytes) -> None:
        try:
            for part in parts:
                self.popen.stdin.write(len(part).to_bytes(8, "big") + part)
            self.popen.stdin.flush()
        except (OSError, ValueError):
            pass  # it died warming up (the watch sees it exit), or its pipe is closed

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
        self.remove_folder()

    def remove_folder(self) -> None:
        _remove(self.folder)


def seatbelt_walls(folder: str, denied: tuple[str, ...], checks_root: str) -> seatbelt.Walls:
    """The job folder, the forbidden paths, and Python and the grader given back (less the solutions a
    non-editable install ships beside them, and anything forbidden inside them); exec of this Python's
    interpreter; the folder the grader is imported from listed (Python's import system lists every
    folder on sys.path; a folder it cannot list holds nothing it can import)."""
    from grader.isolation import landlock_rules

    executables = seatbelt.interpreter()
    found = [*landlock_rules.python_roots(), sys.prefix, sys.base_prefix, *executables]
    roots = tuple(dict.fromkeys(os.path.realpath(p) for p in found if p and os.path.exists(p)))
    real_denied = [os.path.realpath(p) for p in denied]
    inside = [d for d in real_denied if any(d == r or d.startswith(r.rstrip(os.sep) + os.sep) for r in roots)]
    shipped = sorted(landlock_rules.shipped_in(roots))
    return seatbelt.Walls(folder, tuple(real_denied), checks_root, roots, tuple(dict.fromkeys([*inside, *shipped])),
                          executables, (code_root(Path(__file__).resolve()),))


def code_root(module_file) -> str:
    """The folder the `grader` package is in (this file is grader/isolation/portable.py)."""
    return str(module_file.parents[2])


def python_path(root: str, existing: str, sep: str) -> str:
    """PYTHONPATH for a worker: the grader importable first, whatever was there after."""
    return root + (sep + existing if existing else "")


def _session() -> dict:
    """A session of its own (POSIX: its process group is the job's), or a process group of its own (Windows)."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data).encode("utf-8")


def _remove(path: str) -> None:
    if os.path.islink(path):
        os.unlink(path)
    else:
        shutil.rmtree(path, ignore_errors=True)


