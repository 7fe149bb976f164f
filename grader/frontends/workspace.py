"""The learner's files: new course folders, resets with backups, file checks,
and the rows of `pytorch-tutor list`. Nothing here imports torch.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from grader.course import STATE_DIR, Course, Exercise, builtin_reference_dir
from grader.errors import TutorError
from grader.progress import NOT_STARTED, PASSED, Progress


def learner_file(exercise: Exercise, file: str | Path | None) -> Path:
    """The file to grade, checked to be a readable UTF-8 Python file."""
    path = Path(file).expanduser() if file else exercise.stub
    if not path.exists():
        raise TutorError(f"{path} does not exist.", hint="Give the path of your exercise file with --file.")
    if path.is_dir():
        raise TutorError(f"{path} is a folder, not a file.", hint=f"Try {path / (exercise.id + '.py')}.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TutorError(f"Cannot read {path}: {exc.strerror}.") from None
    if b"\0" in data:
        raise TutorError(f"{path} is not a text file.", hint="Grade the .py file you edited.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TutorError(f"{path} is not UTF-8 text (byte {exc.start}).", hint="Save the file as UTF-8 in your editor.") from None
    if path.suffix.lower() == ".ipynb":  # a notebook: graded on its code cells; a malformed one is a usage error now
        from grader.submission.notebook import read_cells

        read_cells(path)
    return path


def list_rows(course: Course, progress: Progress) -> list[dict]:
    state = progress.read()
    rows = []
    for ex in course.exercises:
        entry = state.get(ex.id, {})
        rows.append(
            {
                "number": f"{ex.number:02d}",
                "id": ex.id,
                "title": ex.title,
                "topic": ex.topic,
                "status": entry.get("status", NOT_STARTED),
                "attempts": entry.get("attempts", 0),
                "last_checked": entry.get("last_checked", "").replace("T", " ")[:16],
            }
        )
    return rows


def init_course(target: Path) -> Path:
    """A fresh course folder with the stubs; references stay in the installed package."""
    source = builtin_reference_dir().parent / "exercises"
    stubs = sorted(source.glob("[0-9][0-9]_*.py"))
    exercises = target / "exercises"
    if exercises.exists() and any(exercises.iterdir()):
        raise TutorError(f"{exercises} already exists and is not empty; nothing was changed.")
    exercises.mkdir(parents=True, exist_ok=True)
    for stub in stubs:
        shutil.copyfile(stub, exercises / stub.name)
    state = target / STATE_DIR
    state.mkdir(exist_ok=True)
    (state / "course").write_text("pytorch-tutor course folder (references come from the installed package)\n")
    return target


def pristine_stub(course: Course, exercise: Exercise) -> str:
    """The untouched stub: from the installed package, or from git for a clone of the repository."""
    packaged = builtin_reference_dir().parent / "exercises" / exercise.stub.name
    if packaged.is_file() and packaged.resolve() != exercise.stub.resolve():
        return packaged.read_text(encoding="utf-8")
    try:
        out = subprocess.run(
            ["git", "-C", str(exercise.stub.parent), "show", f"HEAD:./{exercise.stub.name}"],
            capture_output=True, text=True, check=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        raise TutorError(f"No untouched copy of {exercise.stub.name} was found (not in the package, not in git).") from None
    return out.stdout


def reset_exercise(course: Course, exercise: Exercise) -> Path | None:
    """Restore the stub, saving the learner's version first. Returns the backup path."""
    original = pristine_stub(course, exercise)
    backup = None
    if exercise.stub.exists():
        folder = course.state_dir / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        backup = folder / f"{exercise.id}-{time.strftime('%Y%m%d-%H%M%S')}.py"
        shutil.copy2(exercise.stub, backup)
    exercise.stub.write_text(original, encoding="utf-8")
    return backup


def solution_allowed(progress: Progress, exercise: Exercise, force: bool) -> bool:
    return force or progress.entry(exercise.id).get("status") == PASSED
