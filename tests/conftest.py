"""Shared fixtures: the repository's own course, and a way to grade a file through the real pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grader.course import find_course  # noqa: E402
from grader.engine import check_exercise  # noqa: E402

COURSE = find_course(ROOT)


def copy_course(target: Path) -> Path:
    """A copy of the repository's course (exercises and references) in `target`, for tests that change it."""
    import shutil

    for name in ("exercises", "reference"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="session")
def course():
    return COURSE


_POOL = None


def warm_pool():
    """One pool of warm workers for the whole test session (learner code still runs in a fresh fork)."""
    global _POOL
    if _POOL is None:
        from grader.pool import Pool

        _POOL = Pool().__enter__()
    return _POOL


def pytest_sessionfinish(session, exitstatus):
    if _POOL is not None:
        _POOL.close()


def grade(exercise_id: str, file: Path | None = None, mistake: str = "", cold: bool = False, **limits):
    """Grade `file` for an exercise of the repository's course, in a real learner process."""
    from grader.sandbox import Limits

    exercise = COURSE.resolve(exercise_id)
    lim = Limits(timeout=limits.pop("timeout", exercise.timeout), **limits)
    return check_exercise(COURSE, exercise, file, limits=lim, mistake=mistake, pool=None if cold else warm_pool())
