"""The learner's files: new course folders, resets with backups, file checks,
and the rows of `pytorch-tutor list`. Nothing here imports torch.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from grader.course import STATE_DIR, Course, Exercise, builtin_reference_dir
from grader.errors import TutorError
from grader.progress import NOT_STARTED, PASSED, Progress
from grader.submission.source import limit_for, read_limited, text_problem


def learner_file(course: Course, exercise: Exercise, file: str | Path | None) -> Path:
    """The file to grade, checked to be a readable UTF-8 Python file (or notebook) that is not the
    course's reference material."""
    path = Path(file).expanduser() if file else exercise.stub
    if not path.exists():
        raise TutorError(f"{path} does not exist.", hint="Give the path of your exercise file with --file.")
    if path.is_dir():
        raise TutorError(f"{path} is a folder, not a file.", hint=f"Try {path / (exercise.id + '.py')}.")
    if is_reference(course, exercise, path):
        raise TutorError(
            f"{path} is the course's reference material, not a learner's file, so it is not graded.",
            hint=f"Check your own file (`pytorch-tutor check {exercise.number:02d}`); course authors prove a reference "
            f"sound with `pytorch-tutor validate {exercise.number:02d}`.",
        )
    try:
        data = read_limited(path, *limit_for(path.name))
    except OSError as exc:
        raise TutorError(f"Cannot read {path}: {exc.strerror}.") from None
    problem = text_problem(data)
    if problem:
        hint = "Grade the .py file you edited." if "text file" in problem else "Save the file as UTF-8 in your editor."
        raise TutorError(f"{path} {problem}.", hint=hint)
    if path.suffix.lower() == ".ipynb":  # a notebook: graded on its code cells; a malformed one is a usage error now
        from grader.submission.notebook import parse_cells

        parse_cells(data.decode("utf-8"), str(path))
    return path


def is_reference(course: Course, exercise: Exercise, path: Path) -> bool:
    """`path` (by any name: relative, `..`, a symbolic or hard link) is inside the course's reference
    folder, or is one of its solution or checks files."""
    real = path.resolve()
    folders = {exercise.solution.resolve().parent, (course.root / "reference").resolve(), builtin_reference_dir().resolve()}
    if any(real == folder or folder in real.parents for folder in folders):
        return True
    return any(_same_file(path, ex.solution) or _same_file(path, ex.checks) for ex in course.exercises)


def is_own_file(course: Course, exercise: Exercise, path: Path) -> bool:
    """`path` is the exercise's own file, whose result is the learner's progress: its stub, or the
    notebook `pytorch-tutor notebook NN` writes for it. Grading any other file records nothing."""
    own = (exercise.stub, course.root / "notebooks" / f"{exercise.id}.ipynb")
    return any(path.resolve() == mine.resolve() or _same_file(path, mine) for mine in own)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


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
    """A fresh course folder with the pristine stubs (never a working copy someone edited: see
    `grader.stubs`); references stay in the installed package."""
    from grader.stubs import packaged_stubs

    exercises = target / "exercises"
    if exercises.exists() and any(exercises.iterdir()):
        raise TutorError(f"{exercises} already exists and is not empty; nothing was changed.")
    stubs = packaged_stubs()
    exercises.mkdir(parents=True, exist_ok=True)
    for name, text in stubs.items():
        (exercises / name).write_text(text, encoding="utf-8")
    state = target / STATE_DIR
    state.mkdir(exist_ok=True)
    (state / "course").write_text("pytorch-tutor course folder (references come from the installed package)\n")
    from grader.frontends.editors import write_editor_files

    write_editor_files(target)  # VS Code: a "check this exercise" task whose failures show in the Problems panel
    return target


def reset_exercise(course: Course, exercise: Exercise) -> Path | None:
    """Restore the stub, saving the learner's version first. Returns the backup path."""
    from grader.stubs import pristine_stub

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
