"""The learner's process on the portable backend: `python -m grader.isolation.spawned`.

Spawned (never forked) by `grader.isolation.portable`, which owns all three of its standard
pipes: stdin carries one job (frames: the request's JSON, then its input file), stdout is the
results pipe, stderr takes everything the learner's code prints (its stdout and stderr, in the
order written). Before anything else the process moves them where the worker expects them: the
results pipe to fd 3 (as on Linux), the job pipe to a private fd, /dev/null on stdin (and on
stdout and stderr while it warms up). It then imports torch (a spare worker is warm before its
job arrives), says `ready` on the results pipe, reads its job, applies what the OS offers from inside (`rlimits`), writes the learner's
files into the job folder the keeper made, and runs `grader.isolation.worker` there. It ends
when its parent's job pipe closes (a watcher thread), whatever the learner's code is doing.
Only cross-platform Python here: no fork, no /proc, no Linux system calls.
"""

from __future__ import annotations

import faulthandler
import importlib
import json
import os
import signal
import struct
import sys
import threading

from grader.isolation import exits

READY = b"ready"
_LENGTH = struct.Struct(">Q")
MAX_REQUEST = 64 * 2**20
STACK_EARLY = 0.3  # seconds before the deadline at which the Python stack is written to stderr
WARM = ("numpy.random", "safetensors.torch", "grader.isolation.guard", "grader.isolation.worker", "grader.judging.channel",
        "grader.judging.probe", "grader.judging.schema", "grader.judging.transforms")  # what every job imports


def main() -> None:
    job_pipe, output = _plumb()
    _warm()
    first = _read_frame(job_pipe)
    if first is None:
        os._exit(0)  # its keeper ended before saying what else to import (a pre-started worker not needed)
    early = _before_ready(json.loads(first.decode("utf-8")))
    _write_results(_LENGTH.pack(len(READY)) + READY)
    request, extra = _read_request(job_pipe)
    if request is None:
        os._exit(0)  # the pool closed before giving us a job
    threading.Thread(target=_die_with_parent, args=(job_pipe,), daemon=True).start()
    for fd in (1, 2):  # from here on, what is printed is the job's
        os.dup2(output, fd)
    _run(request, extra, early)


def _plumb() -> tuple[int, int]:
    """fd 3: the results pipe; fd 0: /dev/null; fds 1 and 2: /dev/null while warming up (torch's own
    warnings are not the learner's output), the output pipe once the job is here. Returns the job
    pipe's fd and the output pipe's."""
    os.dup2(1, 3)  # first: at start-up only fds 0, 1 and 2 are open, so 3 is free
    job_pipe, output = os.dup(0), os.dup(2)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False, encoding="utf-8", errors="backslashreplace")
    sys.stderr = open(2, "w", buffering=1, closefd=False, encoding="utf-8", errors="backslashreplace")
    return job_pipe, output


def _warm() -> None:
    """torch and what every job imports, while no job is here yet (or while the trusted side computes the reference)."""
    from grader.isolation import torchsetup

    torchsetup.prepare()
    for name in WARM:
        importlib.import_module(name)


def _before_ready(first: dict) -> tuple | None:
    """The first frame on the job pipe (a pre-started worker is spawned before its exercise is known): the
    modules the exercise preloads (course.toml), and the exercise its job will likely be (a spare spawned
    after a job: the same one, in `watch`), whose checks module is loaded now. Returns (exercise, checks
    path, its file's signature, the module) or None."""
    from grader.isolation import torchsetup, worker
    from grader.judging.loader import file_signature

    for name in first.get("preload", ()):
        torchsetup.import_or_undo(str(name))
    hint = first.get("hint")
    if not hint:
        return None
    signature = file_signature(hint["checks"])
    try:
        return hint["exercise"], hint["checks"], signature, worker.prepare(hint)
    except BaseException:  # the job loads it again, and reports what is wrong then
        return None


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, have = [], 0
    while have < size:
        chunk = os.read(fd, min(size - have, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        have += len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int) -> bytes | None:
    head = _read_exact(fd, _LENGTH.size)
    if head is None:
        return None
    (size,) = _LENGTH.unpack(head)
    return _read_exact(fd, size) if size <= MAX_REQUEST else None


def _read_request(fd: int) -> tuple[dict | None, bytes]:
    """The job the keeper sent (trusted): its JSON and its input file."""
    head, extra = _read_frame(fd), None
    if head is not None:
        extra = _read_frame(fd)
    if head is None or extra is None:
        return None, b""
    return json.loads(head.decode("utf-8")), extra


def _die_with_parent(fd: int) -> None:
    """Block on the job pipe; when the keeper closes it (or dies), end this process and its group."""
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
    if hasattr(os, "killpg"):
        try:
            os.killpg(os.getpgid(0), 9)
        except OSError:
            pass
    os._exit(137)


def _run(request: dict, extra: bytes, early: tuple | None = None) -> None:
    """Prepare (load the checks, unless loaded for this exercise before the job came), apply the in-process
    limits, write the files, run the worker; exit."""
    from grader.isolation import rlimits, worker
    from grader.isolation.layers import Layers
    from grader.judging.loader import file_signature

    folder = request["folder"]
    try:
        same = early is not None and early[:3] == (request["exercise"], request["checks"], file_signature(request["checks"]))
        checks = early[3] if same else worker.prepare(request)  # loaded anew where its checks file changed since
        in_force, missing = rlimits.apply(request["limits"])
        _write_files(request, extra, folder)
        os.environ.update(request.get("env", {}))
        os.environ["HOME"] = os.environ["TMPDIR"] = os.environ["TEMP"] = os.environ["TMP"] = folder
        if "tempfile" in sys.modules:
            sys.modules["tempfile"].tempdir = None  # forget a temporary folder cached while warming up
        os.chdir(folder)
        layers = Layers(tuple(request.get("layers", ())) + in_force, tuple(map(tuple, request.get("missing", ()))) + missing, folder)
    except BaseException:
        _report_crash(125)
    _stack_on_request(float(request["limits"]["timeout"]))
    _finish(lambda: worker.run(request, checks, layers))


def _stack_on_request(timeout: float) -> None:
    """The Python stack to stderr when the keeper ends the job at its time limit (SIGUSR1, as on Linux)
    or the OS does (SIGXCPU, then on to its default: the end); where signals cannot carry that (Windows),
    just before the deadline."""
    if hasattr(faulthandler, "register") and hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1)
        faulthandler.register(signal.SIGXCPU, chain=True)
    else:
        faulthandler.dump_traceback_later(max(timeout - STACK_EARLY, 0.05))


def _write_files(request: dict, extra: bytes, folder: str) -> None:
    if request["kind"] == "learn":
        name, content = request["filename"], request["source"].encode("utf-8")
    else:
        name, content = "input.bin", extra
    with open(job_file(folder, name), "wb") as f:
        f.write(content)


def job_file(folder: str, name: str, pathmod=os.path) -> str:
    """The path of a file the job brings, in its folder; only a plain name is accepted (`pathmod`:
    ntpath or posixpath in the tests)."""
    if not name or pathmod.basename(name) != name or name in (".", "..") or ":" in name:
        raise ValueError(f"a job file must have a plain name, not {name!r}")
    return pathmod.join(folder, name)


def _finish(run) -> None:
    """Run the learner's part, then exit, as on Linux (`exits.run_and_exit`)."""
    exits.run_and_exit(run)


def _report_crash(code: int) -> None:
    exits.print_exception()
    os._exit(code)


def _write_results(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(3, view):]


if __name__ == "__main__":
    main()
