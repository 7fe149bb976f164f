"""What one Ray task runs on its worker: grade one student's files, return the entries as JSON text.

The task is the trusted side, as the `grade` process is on one machine: it runs no learner code
itself. Each file is graded by `grader.classroom.grading.grade_one`, in a learner process forked
from a warm zygote of this worker's pool (kept for the worker's life, so later tasks on it start
warm), inside the same OS boundary. The course arrives as a tar of its `exercises/` and
`reference/` folders, unpacked once per worker into a private folder; the submissions arrive as
the bytes read at plan time, so workers need not share the driver's file system. Nothing here
imports ray: `grader.classroom.onray` wraps `grade_student` as a remote function.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
import tempfile
import threading
from pathlib import Path

from grader.classroom.cache import tool_version
from grader.errors import TutorError

PRIVATE = "pytorch-tutor-ray-private-"  # + the worker's pid: the snapshots of the file it grades
_lock = threading.Lock()
_state: dict = {"pool": None, "courses": {}}  # this worker's warm pool, and the courses it has unpacked


def grade_student(course_tar: bytes, items: list[dict], timeout: float | None, version: str, unsafe: bool,
                  hidden: list[str] = ()) -> str:
    """Grade `items` (one student's files: exercise, rel, label, data, checks) in order, no learner process
    reading `hidden` (the driver's submissions and gradebook folders); JSON text:
    {"entries": [[entry, cacheable], ...]} in the order of `items`, or {"fatal": message}.

    JSON text, not objects, crosses back to the driver: it parses and validates it as data."""
    try:
        with _lock:  # one task at a time per worker process (Ray's default); a lock costs nothing
            return json.dumps({"entries": _grade(course_tar, items, timeout, version, unsafe, hidden)})
    except TutorError as exc:  # the course or this worker is unfit: no file of the class can be graded here
        return json.dumps({"fatal": exc.message})


def _grade(course_tar: bytes, items: list[dict], timeout, version: str, unsafe: bool, hidden) -> list:
    from grader.classroom import gradebook
    from grader.classroom.grading import grade_one
    from grader.classroom.plan import Submission

    mine = tool_version()
    if mine != version:
        raise TutorError(f"a Ray worker has pytorch-tutor {mine}, the driver {version}: install the same version on every node")
    _require_boundary(unsafe)
    course = _course(course_tar)
    pool = _pool()
    rows = []
    _sweep()
    with tempfile.TemporaryDirectory(prefix=f"{PRIVATE}{os.getpid()}-", ignore_cleanup_errors=True) as folder:
        private = Path(folder)
        for index, item in enumerate(items):
            exercise = course.resolve(item["exercise"])
            sub = Submission("", exercise, item["rel"], item["label"], item["data"])
            checks = {exercise.id: [tuple(c) for c in item["checks"]]}
            walls = (private, course.root, *map(Path, hidden))
            entry, cacheable = grade_one(course, private, walls, index, sub, timeout, pool, checks)
            rows.append([entry, cacheable and gradebook.is_entry(entry)])
    return rows


def _sweep() -> None:
    """Remove the private folders of this node's workers that were killed (a task past its deadline)."""
    from grader.isolation.keeper import sweep

    sweep(prefix=PRIVATE, accept=lambda path: _ours(Path(path)))


def _require_boundary(unsafe: bool) -> None:
    from grader.isolation.backend import detect, file_system_wall

    layers = _state.setdefault("layers", detect())
    if not file_system_wall(layers) and not unsafe:
        why = layers.why_missing("landlock") or "not supported here"
        raise TutorError(f"a Ray worker has no file-system boundary around learner code (Landlock: {why})")


def _course(course_tar: bytes):
    """The course of `course_tar`, unpacked once per node and version into a folder only this user may enter
    (`pytorch-tutor-ray-course-DIGEST` in the temporary folder), shared by this node's workers and later runs."""
    from grader.course import load_course

    digest = hashlib.sha256(course_tar).hexdigest()
    if digest not in _state["courses"]:
        root = Path(tempfile.gettempdir()) / f"pytorch-tutor-ray-course-{digest[:24]}"
        if not _ours(root):
            fresh = Path(tempfile.mkdtemp(prefix=f"{root.name}-", dir=root.parent))
            with tarfile.open(fileobj=io.BytesIO(course_tar)) as tar:  # made by the driver, never by a learner
                tar.extractall(fresh, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))  # 3.11.4+
            try:
                fresh.rename(root)  # in one step: another worker sees all of it or none
            except OSError:  # another worker was first
                shutil.rmtree(fresh, ignore_errors=True)
            if not _ours(root):
                raise TutorError(f"{root} is not a folder of this user's alone, so the course was not unpacked there")
        _state["courses"][digest] = load_course(root)
    return _state["courses"][digest]


def _ours(folder: Path) -> bool:
    """`folder` is a real folder (not a link) of this user's, which no one else may enter."""
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077


def _pool():
    """This worker's pool of one warm zygote, started by its first task and kept for the next ones."""
    if _state["pool"] is None:
        from grader.isolation import torchsetup
        from grader.isolation.backend import Pool

        torchsetup.prepare()
        _state["pool"] = Pool(1).__enter__()  # ends with the worker: the zygote dies when its socket closes
    return _state["pool"]


def pack_course(course) -> bytes:
    """The course's `exercises/` and `reference/` folders as a tar (no __pycache__), for the workers."""
    buffer = io.BytesIO()
    reference = course.exercises[0].folder.parent if course.exercises else course.root / "reference"
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, folder in (("exercises", course.root / "exercises"), ("reference", reference)):
            tar.add(folder, arcname=name, filter=_no_caches)
    return buffer.getvalue()


def _no_caches(info: tarfile.TarInfo):
    parts = info.name.split("/")
    if "__pycache__" in parts or info.issym() or info.islnk():
        return None
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    return info
