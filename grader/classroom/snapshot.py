"""Private snapshots of a class's submissions: what is graded is what was read at plan time.

Each file is read once, when the class is planned, through file descriptors that follow no
symbolic link below the submissions folder (O_NOFOLLOW at every step) and never open anything
but a regular file. A hard link (a file with several names, or the same device and inode as a
reference file or another student's) is refused: it could be anyone's work. Its bytes are kept
in the plan; for grading, each is written into this run's own 0700 folder just before its check
and removed right after, so a student who edits or swaps a file during the run, or a classmate
who overwrites it, cannot change what is graded.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from grader.errors import TutorError
from grader.submission.source import MAX_NOTEBOOK, limit_for, text_problem, too_large

MAX_BYTES = MAX_NOTEBOOK  # a larger file is not read: it would fill the grader's memory, not hold an exercise
LINK = "is a symbolic link, and links are never followed"
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | _CLOEXEC  # a FIFO swapped in never blocks


def read_private(root: Path, rel: str, label: str, same: Callable[[os.stat_result], str] | None = None) -> tuple[bytes, str]:
    """The bytes of `root/rel` ("alice/01_tensors.py"), or (b"", why not) in words that start
    with `label`: a symbolic link, not a regular file, a hard link, vanished, unreadable or too
    large. `same(stat)` names the file it is the same file as (device and inode), "" for none."""
    fds: list[int] = []
    try:
        fds.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC))
        *folders, name = rel.split("/")
        for folder in folders:
            fds.append(os.open(folder, _FOLDER, dir_fd=fds[-1]))
        kind = file_kind(os.stat(name, dir_fd=fds[-1], follow_symlinks=False).st_mode)
        if kind:  # never opened: opening a device or a FIFO can block or have effects
            return b"", f"{label} {LINK}" if kind == "a symbolic link" else f"{label} is {kind}, not a regular file"
        fds.append(os.open(name, _FILE, dir_fd=fds[-1]))
        return _read_regular(fds[-1], label, same)
    except OSError as exc:
        return b"", f"{label} {_why(exc)}"
    finally:
        for fd in fds:
            os.close(fd)


def file_kind(mode: int) -> str:
    """"" for a regular file, else what it is ("a symbolic link", "a folder", "a named pipe (FIFO)", ...)."""
    kinds = ((stat.S_ISREG, ""), (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
             (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))
    return next((kind for test, kind in kinds if test(mode)), "a device")


def _read_regular(fd: int, label: str, same: Callable[[os.stat_result], str] | None) -> tuple[bytes, str]:
    info = os.fstat(fd)
    kind = file_kind(info.st_mode)  # swapped between the look and the open
    if kind:
        return b"", f"{label} is {kind}, not a regular file"
    problem = shared_problem(info, label, same(info) if same else "")
    if problem:
        return b"", problem
    chunks, size = [], 0
    while size <= MAX_BYTES:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), ""
        chunks.append(chunk)
        size += len(chunk)
    return b"", f"{label} is larger than {MAX_BYTES >> 20} MiB, so it was not read"


def shared_problem(info: os.stat_result, label: str, twin: str) -> str:
    """Why a file that is another file too is not graded: the same file (device and inode) as
    `twin`, or one of several names (hard links) of a file, which could be anyone's."""
    if twin:
        return f"{label} is the same file as {twin} (a hard link), so it was not graded: hand in a file of your own"
    if info.st_nlink > 1:
        return (f"{label} is a hard link ({info.st_nlink} names for one file), so it was not graded: "
                "hand in a file of your own")
    return ""


def course_files(course) -> dict[tuple[int, int], str]:
    """The course's reference files by (device, inode): a submission that is one of them is refused."""
    files = {}
    for ex in course.exercises:
        for path in (ex.solution, ex.checks, *ex.mistakes, *ex.styles):
            try:
                info = os.stat(path)
            except OSError:
                continue
            files[(info.st_dev, info.st_ino)] = f"a reference file of the course ({ex.id}/{path.name})"
    return files


def same_file(seen: dict[tuple[int, int], str], label: str, info: os.stat_result) -> str:
    """What this file already is (a reference file, another student's), remembering it as `label`."""
    key = (info.st_dev, info.st_ino)
    twin = seen.get(key, "")
    seen.setdefault(key, label)
    return twin


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link: the file, or a folder swapped for one
        return LINK
    if exc.errno == errno.ENOENT:
        return "vanished before it could be read"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    return f"cannot be read ({exc.strerror or exc})"


def content_problem(label: str, data: bytes) -> str:
    """Why these bytes cannot be graded as the file `label` ("" when they can): not UTF-8 text,
    or a notebook that is malformed or has no code."""
    problem = text_problem(data)
    if problem:
        return f"{label} {problem}"
    limit, what = limit_for(label)
    if len(data) > limit:
        try:
            too_large(label, what, len(data), limit)
        except TutorError as exc:
            return exc.message
    if label.lower().endswith(".ipynb"):
        from grader.submission.notebook import parse_cells

        try:
            parse_cells(data.decode("utf-8"), label)
        except TutorError as exc:
            return exc.message
    return ""


@contextlib.contextmanager
def private_folder() -> Iterator[Path]:
    """A folder of this run's own (mode 0700), removed at the end whatever happens, Ctrl-C included."""
    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-class-", ignore_cleanup_errors=True) as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def materialised(folder: Path, index: int, rel: str, data: bytes) -> Iterator[Path]:
    """`data` written to `folder/index/rel` (read-only, in folders only this user may enter) for
    as long as it is graded."""
    own = folder / str(index)
    path = own / rel
    path.parent.mkdir(mode=0o700, parents=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | _CLOEXEC, 0o400)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        yield path
    finally:
        shutil.rmtree(own, ignore_errors=True)
