"""Course discovery: where the course lives and which exercises it has.

A course folder holds `exercises/` (the stubs learners edit) and either
`reference/course.toml` (a full course, such as a clone of this repository)
or `.pytorch-tutor/` (a folder made by `pytorch-tutor init`, whose reference
material is read from the installed package). Each exercise's reference
material is one folder, `reference/<id>/`: `solution.py`, `checks.py`,
`mistakes/*.py` and `styles/*.py`. Nothing here imports torch.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.errors import TutorError

COURSE_ENV = "PYTORCH_TUTOR_COURSE"
STATE_DIR = ".pytorch-tutor"
DEFAULT_TIMEOUT = 30.0
_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


@dataclass(frozen=True)
class Exercise:
    id: str  # "03_nn_module"
    title: str
    topic: str
    timeout: float
    stub: Path  # the learner's file
    folder: Path  # reference/<id>/: everything only the grader reads
    preload: tuple[str, ...] = ()  # modules a cold check imports before forking the learner's process

    @property
    def solution(self) -> Path:
        return self.folder / "solution.py"

    @property
    def checks(self) -> Path:
        return self.folder / "checks.py"

    @property
    def mistakes(self) -> list[Path]:
        """Known mistakes: one learner-style file each, named after the mistake."""
        return sorted(p for p in (self.folder / "mistakes").glob("*.py") if not p.name.startswith("_"))

    @property
    def styles(self) -> list[Path]:
        """Correct solutions in other styles, which must pass."""
        return sorted(p for p in (self.folder / "styles").glob("*.py") if not p.name.startswith("_"))

    @property
    def number(self) -> int:
        return int(self.id.split("_", 1)[0])

    @property
    def name(self) -> str:
        return self.id.split("_", 1)[1]


@dataclass(frozen=True)
class Course:
    root: Path
    name: str
    version: str
    exercises: tuple[Exercise, ...]

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def resolve(self, query: str) -> Exercise:
        """Find an exercise by `3`, `03`, `nn_module` or `03_nn_module`."""
        q = query.strip().lower().removesuffix(".py")
        for ex in self.exercises:
            if q in (ex.id, ex.name) or (q.isdigit() and int(q) == ex.number):
                return ex
        known = [ex.id for ex in self.exercises]
        close = difflib.get_close_matches(q, known + [e.name for e in self.exercises], n=1)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        raise TutorError(
            f"There is no exercise {query!r}.",
            hint=hint + "Exercises: " + ", ".join(known),
        )


def builtin_reference_dir() -> Path:
    import reference  # the package that ships with pytorch-tutor

    return Path(reference.__file__).parent


def find_course(explicit: str | os.PathLike | None = None, start: Path | None = None) -> Course:
    """The course named by `--course`, by $PYTORCH_TUTOR_COURSE, or found by walking up."""
    given = explicit or os.environ.get(COURSE_ENV)
    if given:
        root = Path(given).expanduser().resolve()
        if not _is_course(root):
            raise TutorError(
                f"{root} is not a course folder.",
                hint="A course folder has exercises/ and reference/course.toml (or was made by `pytorch-tutor init`).",
            )
        return load_course(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_course(folder):
            return load_course(folder)
    raise TutorError(
        "No course folder here or in any folder above.",
        hint="Run this inside a clone of pytorch-tutor, or create one with `pytorch-tutor init DIR`.",
    )


def _is_course(folder: Path) -> bool:
    return (folder / "exercises").is_dir() and (
        (folder / "reference" / "course.toml").is_file() or (folder / STATE_DIR / "course").is_file()
    )


def load_course(root: Path) -> Course:
    ref_dir = root / "reference"
    if not (ref_dir / "course.toml").is_file():
        ref_dir = builtin_reference_dir()
    meta_file = ref_dir / "course.toml"
    try:
        meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TutorError(f"Cannot read the course file {meta_file}: {exc}") from None
    entries = meta.get("exercise", [])
    exercises = tuple(_exercise(root, ref_dir, meta_file, e) for e in entries)
    _check_unique(exercises, meta_file)
    info = meta.get("course", {})
    return Course(root, str(info.get("name", root.name)), str(info.get("version", "0")), exercises)


def _exercise(root: Path, ref_dir: Path, meta_file: Path, entry: dict) -> Exercise:
    ex_id = str(entry.get("id", ""))
    number, _, name = ex_id.partition("_")
    if not (number.isdigit() and name):
        raise TutorError(f"{meta_file}: exercise id {ex_id!r} must look like '03_nn_module'.")
    return Exercise(
        id=ex_id,
        title=str(entry.get("title", name.replace("_", " "))),
        topic=str(entry.get("topic", "")),
        timeout=float(entry.get("timeout", DEFAULT_TIMEOUT)),
        stub=root / "exercises" / f"{ex_id}.py",
        folder=ref_dir / ex_id,
        preload=_preload(entry.get("preload", []), meta_file, ex_id),
    )


def _preload(value, meta_file: Path, ex_id: str) -> tuple[str, ...]:
    names = value if isinstance(value, list) else [value]
    if not all(isinstance(n, str) and _MODULE.fullmatch(n) for n in names):
        raise TutorError(f"{meta_file}: preload of {ex_id!r} must be a list of module names, like [\"torch.export._trace\"].")
    return tuple(names)


def _check_unique(exercises: tuple[Exercise, ...], meta_file: Path) -> None:
    seen: dict[int, str] = {}
    for ex in exercises:
        if ex.number in seen:
            raise TutorError(f"{meta_file}: exercises {seen[ex.number]!r} and {ex.id!r} share number {ex.number}.")
        seen[ex.number] = ex.id
