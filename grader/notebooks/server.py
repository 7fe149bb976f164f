"""The trusted grading server behind `check("03")` in a notebook kernel.

The kernel is the learner's own process: whatever a cell did (`torch.allclose = lambda
*a: True`) lives in it, so nothing is graded or decided there. The first `check()` starts
this server as a fresh process, `python -m grader.notebooks.server FD PID`, on one end of
a socketpair that only the kernel holds (no named socket: nothing else can connect). The
server makes itself non-dumpable (the kernel cannot ptrace it or read its memory), dies
with the kernel (PR_SET_PDEATHSIG, and when the socket closes), imports torch once and
forks a warm zygote (`grader.isolation.pool`) before any course code is loaded. Each
request then runs exactly what `pytorch-tutor check NN --file x.ipynb` runs: the engine
grades the cells in a fresh learner process behind the same boundary, and the result is
recorded as the learner's progress. The reference outcomes stay cached between checks.
Everything it writes (the cells' notebook, the jobs' folders) is under one private
temporary folder, removed when it ends.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path

from grader.course import find_course
from grader.errors import TutorError
from grader.isolation import protocol
from grader.progress import Progress
from grader.results import ExerciseResult
from grader.submission.cells import split_cell
from grader.text import clean_line

_LABEL = re.compile(r"In \[(\d{1,9})\]")


def main(fd: int | str, parent: int) -> None:
    """Serve the kernel `parent` on the socketpair end `fd` until it closes or the kernel ends ("share": the
    socket comes as socket.share()'s bytes on stdin, on Windows)."""
    _become_server(parent)
    folder = tempfile.mkdtemp(prefix="pytorch-tutor-server-")
    tempfile.tempdir = os.environ["TMPDIR"] = os.environ["TEMP"] = folder  # the jobs' scratch folders go here too
    try:
        _serve(socket.fromshare(sys.stdin.buffer.read()) if fd == "share" else socket.socket(fileno=int(fd)))
    finally:
        _remove(folder)


def _remove(folder: str) -> None:
    """The server's folder, whatever else ends now: the kernel's death sends SIGTERM just as its closed
    socket ends `_serve`, and a SystemExit in the middle of rmtree would leave the folder behind."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    shutil.rmtree(folder, ignore_errors=True)  # the pool has ended: no process of it writes here any more


def _become_server(parent: int) -> None:
    from grader.isolation import backend

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # unwinds: the pool closes, the folder goes
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupted kernel ends us itself
    if sys.platform == "linux":
        from grader.isolation import syscalls

        syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGTERM)  # the kernel died, however it died
    if os.getppid() != parent:  # it died before we asked to be told (elsewhere: its socket's close ends us)
        sys.exit(0)
    backend.harden_trusted()


def _serve(sock: socket.socket) -> None:
    import numpy  # noqa: F401  (what every check needs, imported once, before the zygote is forked)

    from grader.isolation import torchsetup
    from grader.isolation.backend import Pool

    torchsetup.prepare()
    import grader.engine  # noqa: F401

    with Pool(1) as pool:  # forked now: torch imported, no course code loaded
        pool.warm()
        protocol.send_json(sock, hello())
        while True:
            try:
                request, _ = protocol.receive_json(sock)
            except protocol.Lost:
                return  # the kernel closed its end: it shut down or restarted
            protocol.send_json(sock, answer(request, pool))


def hello() -> dict:
    """What the server says once it is ready: who it is, and how it is protected (for tests and doctor-like checks)."""
    dumpable = None
    if sys.platform == "linux":
        from grader.isolation import syscalls

        dumpable = syscalls.get_dumpable()
    return {"ready": True, "pid": os.getpid(), "parent": os.getppid(), "dumpable": dumpable}


def answer(request: dict, pool) -> dict:
    """{"result": the result as JSON} or {"error": {"message", "hint"}} for one check request."""
    try:
        root, exercise, cells, name = request_fields(request)
        course = find_course(root)
        ex = course.resolve(exercise)
        result = for_notebook(grade_cells(course, ex, cells, pool), name)
        Progress(course.state_dir).record_result(ex.id, result)
        return {"result": result.to_dict()}
    except TutorError as exc:
        return {"error": {"message": exc.message, "hint": exc.hint}}
    except Exception as exc:  # a fault of ours: say so in the notebook, keep serving
        return {"error": {"message": f"the grading server failed: {type(exc).__name__}: {clean_line(exc, 500)}", "hint": ""}}


def request_fields(request: dict) -> tuple[str, str, list[tuple[str, str]], str]:
    root, exercise, cells, name = (request.get(k) for k in ("course", "exercise", "cells", "notebook"))
    pairs = cells if isinstance(cells, list) else None
    if not (isinstance(root, str) and isinstance(exercise, str) and isinstance(name, str) and pairs is not None
            and all(isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c) for c in pairs)):
        raise TutorError("The kernel sent the grading server a malformed request.")
    return root, exercise, [(label, source) for label, source in pairs], clean_line(name, 200)


def grade_cells(course, exercise, cells: list[tuple[str, str]], pool) -> ExerciseResult:
    """Grade the cells as `check NN --file cells.ipynb` does, each cell keeping its `In [n]`."""
    from grader.engine import check_exercise

    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-kernel-") as tmp:
        path = Path(tmp) / "notebook.ipynb"
        path.write_text(json.dumps(cells_notebook(cells)), encoding="utf-8")
        return check_exercise(course, exercise, path, pool=pool)


def cells_notebook(cells: list[tuple[str, str]]) -> dict:
    """A version 4 notebook of the cells; each `In [n]` becomes the cell's execution count."""
    def cell(label: str, source: str) -> dict:
        found = _LABEL.fullmatch(label)
        return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                "execution_count": int(found[1]) if found else None}

    return {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [cell(label, source) for label, source in cells]}


def for_notebook(result: ExerciseResult, name: str) -> ExerciseResult:
    """Frames named `NAME [In [n]]`, and "your notebook" where the command line says "your file"."""
    for frames in [result.traceback] + [c.traceback for c in result.checks]:
        for frame in frames:
            cell = split_cell(frame[0])[1]
            frame[0] = f"{name} [{cell}]" if cell else frame[0]
    result.file = name
    result.message = result.message.replace("your file", "your notebook")
    for c in result.checks:
        c.message, c.hint = c.message.replace("your file", "your notebook"), c.hint.replace("your file", "your notebook")
    return result


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
