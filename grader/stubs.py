"""Pristine stubs: the exercise files as the course ships them, never a working copy that a learner
(or an author trying their own exercises) has edited.

Where a stub lies in a git work tree (a clone, or the checkout behind an editable install), the
pristine text is the one committed at HEAD; elsewhere it is the installed package's own file (a
wheel's files are not where learners work: `init` copies them out). Nothing here imports torch.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

import grader.course as courses
from grader.course import Course, Exercise
from grader.errors import TutorError


def packaged_stubs() -> dict[str, str]:
    """Every stub the installed package ships, by file name, as committed (an editable install) or as installed."""
    folder = courses.builtin_reference_dir().parent / "exercises"
    names = sorted(p.name for p in folder.glob("[0-9][0-9]_*.py"))
    texts = {name: packaged_stub(name) for name in names}
    return {name: text for name, text in texts.items() if text is not None}


def packaged_stub(name: str) -> str | None:
    """The installed package's stub `name`: as committed where the package is a git checkout (an editable
    install), else the file (a wheel's, also one installed into a virtual environment inside some repository)."""
    path = courses.builtin_reference_dir().parent / "exercises" / name
    committed = committed_text(path) if in_git_tree(path.parent) else None
    if committed is not None:
        return committed
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def pristine_stub(course: Course, exercise: Exercise) -> str:
    """The untouched stub of `exercise`: for a course with its own references (a clone, an author's course),
    as committed in its git repository; else (a folder made by `init`, a clone without git) the package's.
    A TutorError that says why when there is none (a new exercise not committed yet)."""
    stub = exercise.stub
    own = (course.root / "reference" / "course.toml").is_file()  # a clone, or an author's course: its stubs are its own
    if own and in_git_tree(stub.parent):
        text = committed_text(stub)
        if text is None:
            raise TutorError(
                f"{stub.name} is not committed to git yet, so there is no untouched copy of it to restore.",
                hint=f"Commit the stub as learners should get it (`git add exercises/{stub.name} && git commit`); "
                "reset then restores that version.")
        return text
    text = packaged_stub(stub.name)
    if text is None:
        raise TutorError(f"No untouched copy of {stub.name} was found: the installed package has no such stub, "
                         "and the course is not in a git repository.")
    return text


@lru_cache(maxsize=32)
def _work_tree(folder: str) -> bool:
    try:
        done = subprocess.run(["git", "-C", folder, "rev-parse", "--is-inside-work-tree"],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False  # no git here: the files are all there is
    return done.returncode == 0 and done.stdout.strip() == "true"


def in_git_tree(folder: Path) -> bool:
    return folder.is_dir() and _work_tree(str(folder.resolve()))


def committed_text(path: Path) -> str | None:
    """`path`'s text at HEAD of its git work tree; None when it was never committed there."""
    try:
        done = subprocess.run(["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
                              capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None
