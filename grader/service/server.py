"""`pytorch-tutor server run`: the warm grading server of one course folder and this user.

Started in the background by the first `check` (`python -m grader.service.server COURSE`), it
takes the lock beside its socket (a second server of the same course ends at once), makes itself
non-dumpable, imports torch and the course's preloads once and forks a warm zygote before any
course code is loaded, then answers one connection at a time: `status`, `stop`, `check`. Every
connection's peer must be this user; a request is one frame of at most REQUEST_CAP bytes, read
before a deadline and validated field by field. It ends after IDLE seconds without a request
(`$PYTORCH_TUTOR_SERVER_IDLE`, default 15 minutes), when its course folder disappears, when
the grader's code or torch changes under it, or when a client's stamp differs (it is stale).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from grader.course import find_course
from grader.errors import TutorError
from grader.isolation import protocol
from grader.service import jobs, transport
from grader.service.stamp import code_stamp
from grader.text import clean_line

IDLE_ENV = "PYTORCH_TUTOR_SERVER_IDLE"
IDLE = 15 * 60.0
TICK = 1.0  # seconds between looks at the course folder, the code and the idle time
REQUEST_CAP = 4 * 2**20  # a notebook's cells are the largest request
READ_SECONDS = 10.0


BUSY = 3  # the exit status when another server of the course holds the lock


def main(root: str, idle: float | None = None) -> int:
    """Serve the course at `root` until a reason to end; 0, or BUSY if another server holds the lock."""
    course_root = Path(root).resolve()
    try:
        path, base = transport.address(course_root), transport.files(course_root)
    except transport.Refused as exc:
        raise TutorError(f"The grading server cannot start: {exc}.") from None
    lock = _lock(base.with_suffix(".lock"))
    if lock is None:
        return BUSY
    signal.signal(signal.SIGTERM, _asked_to_stop)  # unwinds: the pool closes, the files go
    signal.signal(signal.SIGINT, _asked_to_stop)
    folder = tempfile.mkdtemp(prefix="pytorch-tutor-server-")
    tempfile.tempdir = os.environ["TMPDIR"] = folder  # the jobs' scratch folders go here too
    try:
        Server(course_root, path, idle).run()
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if isinstance(path, Path):
            path.unlink(missing_ok=True)  # ours: we hold the lock
        shutil.rmtree(folder, ignore_errors=True)
    return 0


_STOP_ASKED: list[int] = []  # for a signal whose SystemExit Python drops (one landing in an at-fork hook)


def _asked_to_stop(signum, frame) -> None:
    _STOP_ASKED.append(signum)
    sys.exit(0)


def _lock(path: Path, seconds: float = 10.0):
    """The open lock file once we hold it (a stale server may take a moment to let go), else None."""
    deadline = time.monotonic() + seconds
    while True:
        handle = transport.lock(path)
        if handle is not None or time.monotonic() > deadline:
            return handle
        time.sleep(0.2)


def idle_seconds(given: float | None = None) -> float:
    try:
        return float(given if given is not None else os.environ.get(IDLE_ENV, IDLE))
    except ValueError:
        return IDLE


class Server:
    def __init__(self, root: Path, path: Path, idle: float | None):
        from grader.service.cache import ReferenceCache

        self.root, self.path, self.idle = root, path, idle_seconds(idle)
        self.stamp = code_stamp()
        self.cache = ReferenceCache(self.stamp)
        self.started = self.last = time.time()
        self.served = self.refused = 0
        self.stopping = False

    def run(self) -> None:
        from grader.isolation import boundary, torchsetup
        from grader.isolation.pool import Pool

        course = find_course(self.root)
        boundary.harden_trusted()
        torchsetup.prepare(preload=tuple(sorted({m for ex in course.exercises for m in ex.preload})))
        import grader.engine  # noqa: F401
        from grader.frontends import render  # noqa: F401  (rich, once)

        with Pool() as pool, transport.listen(self.path) as listener:  # forked now: torch imported, no course code
            pool.warm()
            self.last = time.time()  # idle from now on, not from before torch was imported
            while not (self.stopping or _STOP_ASKED) and self.why_end() is None:
                try:
                    channel = listener.accept(TICK)
                except transport.Refused:  # a peer of another user
                    self.refused += 1
                    continue
                if channel is not None:
                    with channel:
                        self.serve(channel, pool)

    def why_end(self) -> str | None:
        if time.time() - self.last > self.idle:
            return "idle"
        if not (self.root / "exercises").is_dir():
            return "the course folder is gone"
        if code_stamp() != self.stamp:
            return "the grader or torch changed"
        return None

    def serve(self, channel, pool) -> None:
        try:
            request = channel.receive(time.monotonic() + READ_SECONDS, REQUEST_CAP)
        except protocol.Lost:
            return
        self.last = time.time()
        reply = self.answer(request, pool)
        try:
            channel.send(reply)
        except OSError:
            pass  # the client gave up (Ctrl-C): the job's result stays recorded
        self.last = time.time()

    def answer(self, request: dict, pool) -> dict:
        kind = request.get("kind")
        if kind == "status":
            return {"status": self.status()}
        if kind == "stop":
            self.stopping = True
            return {"stopped": True}
        if request.get("stamp") != self.stamp:
            self.stopping = True  # stale for this client: end, to be replaced
            return {"stale": True}
        if kind not in ("check", "all", "hint", "cells"):
            return {"error": {"message": "The grading server received an unknown request.", "hint": "", "exit": 2}}
        self.served += 1
        try:
            return self.job(kind, request, pool)
        except TutorError as exc:
            return jobs.error_reply(exc)
        except Exception as exc:  # a fault of ours: the client grades cold instead
            return {"fault": f"{type(exc).__name__}: {clean_line(exc, 500)}"}
        finally:
            os.chdir("/")

    def job(self, kind: str, request: dict, pool) -> dict:
        course = find_course(self.root)
        if kind == "hint":
            return jobs.run_hint(request, course)
        if kind == "cells":
            return jobs.run_cells(request, course, pool, self.cache)
        fields = jobs.check_fields(request)
        os.chdir(fields["cwd"] if os.path.isdir(fields["cwd"]) else "/")  # relative paths read as the client's
        return (jobs.run_all if kind == "all" else jobs.run_check)(fields, course, pool, self.cache)

    def status(self) -> dict:
        return {"pid": os.getpid(), "course": str(self.root), "started": self.started, "idle_s": self.idle,
                "served": self.served, "refused": self.refused, "dropped": self.cache.dropped, "stamp": self.stamp}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else None))
