"""The trusted side's course material: the checks module, the reference solution, their
outcomes, and the book of known mistakes, each loaded once per version of its files.

Only the trusted process calls this. The reference and the mistakes never reach the
learner's process; the checks module is loaded there too, but only to build cases and
run probes.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType

from grader.course import Exercise
from grader.errors import TutorError
from grader.judging.loader import checks_module_name, load_module, reference_module_name
from grader.judging.mistakes import MistakeBook, mistake_files
from grader.judging.transforms import transformed

_modules: dict[tuple[str, float], ModuleType] = {}
_expected: dict[tuple[int, int], dict] = {}
_books: dict[tuple[int, int, tuple], MistakeBook] = {}
TRUSTED = threading.RLock()  # the trusted side seeds process-wide RNGs before each case: one thread at a time


def check_points(exercise: Exercise) -> list[tuple[str, float]]:
    """Each of the exercise's checks as (name, points), in order."""
    checks, _ = load_reference(exercise)
    return [(c.name, c.points) for c in checks.CHECKS]


def load_reference(exercise: Exercise) -> tuple[ModuleType, ModuleType]:
    """The checks module and the reference solution, loaded in this process."""
    with TRUSTED:
        return load_checks(exercise), _load(exercise.solution, reference_module_name(exercise.id))


def load_checks(exercise: Exercise) -> ModuleType:
    """The checks module alone, loaded in this process (as `load_reference` loads it)."""
    from grader.judging.probe import seed_everything

    with TRUSTED:
        seed_everything(0)  # as in the learner's process: cases built at import time agree
        checks = _load(exercise.checks, checks_module_name(exercise.id))
        if not isinstance(getattr(checks, "CHECKS", None), list):
            raise TutorError(f"{exercise.checks} must define CHECKS as a list.")
        if hasattr(checks, "MISTAKES"):
            raise TutorError(f"{exercise.checks} defines MISTAKES: known mistakes are files now, one per mistake, "
                             f"in {exercise.folder / 'mistakes'} (docs/authoring.md).")
        return checks


def reference_outcomes(exercise: Exercise) -> tuple[ModuleType, ModuleType, dict]:
    """The checks, the reference, and the reference's outcomes after each check's transform."""
    from grader.judging.probe import run_checks

    with TRUSTED:
        checks, reference = load_reference(exercise)
        key = (id(checks), id(reference))
        if key not in _expected:
            raw = run_checks(checks.CHECKS, reference, str(exercise.solution))
            _expected[key] = {c.name: transformed(c, raw[c.name]) for c in checks.CHECKS}
        return checks, reference, _expected[key]


def cached_outcomes(exercise: Exercise, folder: Path) -> tuple[ModuleType, dict]:
    """The checks and the reference's outcomes, as `reference_outcomes` computes them, read from the
    disk cache in `folder` when it holds them for these files and versions (`grader.judging.refcache`;
    then the reference solution is not even loaded), else computed and stored there."""
    from grader.judging import refcache

    with TRUSTED:
        wanted = refcache.key(exercise)
        found = refcache.load(folder, exercise, wanted)
        if found is not None:
            checks = load_checks(exercise)
            if refcache.fits(found, {c.name: c.case_count() for c in checks.CHECKS}):
                return checks, found
        checks, _, expected = reference_outcomes(exercise)
        refcache.store(folder, exercise, wanted, expected)
        return checks, expected


class LazyBook:
    """`mistake_book(exercise)`, made only when a verdict first asks for it (a passing check never does)."""

    def __init__(self, exercise: Exercise):
        self._exercise, self._book = exercise, None

    def __getattr__(self, name: str):
        if self._book is None:
            self._book = mistake_book(self._exercise)
        return getattr(self._book, name)


def mistake_book(exercise: Exercise) -> MistakeBook:
    """The known mistakes of `exercise`, with their outcomes cached for this version of its files."""
    checks, reference = load_reference(exercise)
    files = tuple((p, p.stat().st_mtime) for p in exercise.mistakes)
    key = (id(checks), id(reference), files)
    if key not in _books:
        reviewed = [m for m in mistake_files([p for p, _ in files]) if not m.unreviewed]
        _books[key] = MistakeBook(reviewed, exercise.solution, exercise.id, transformed)
    return _books[key]


def forget_exercise(folder: Path) -> None:
    """Drop every module, outcome and mistake book cached from files under `folder` (a long-lived
    process whose exercise's reference files changed in a way their modification times may not show)."""
    import os
    import sys

    with TRUSTED:
        inside = str(folder.resolve()) + os.sep
        stale = {k: m for k, m in _modules.items() if str(Path(k[0]).resolve()).startswith(inside)}
        ids = {id(m) for m in stale.values()}  # `stale` holds the modules: no id is reused meanwhile
        for key, module in stale.items():
            sys.modules.pop(module.__name__, None)
            del _modules[key]
        for key in [k for k in _expected if ids & set(k)]:
            del _expected[key]
        for key in [k for k in _books if ids & set(k[:2])]:
            del _books[key]


def _load(path: Path, name: str) -> ModuleType:
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        raise TutorError(f"The course file {path} is missing.") from None
    if key not in _modules:
        try:
            _modules[key] = load_module(path, name)
        except Exception as exc:
            raise TutorError(f"The course file {path} is broken: {type(exc).__name__}: {exc}") from None
    return _modules[key]
