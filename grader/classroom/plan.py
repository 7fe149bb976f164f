"""Find a class's submissions: which student handed in which exercise, and what was ignored.

Submissions are one folder per student (`alice/01_tensors.py`) or flat files
(`alice__01_tensors.py`). Grading them is `grader.classroom.grading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course, Exercise
from grader.errors import TutorError

LAYOUTS = (
    "Put one folder per student holding exercise files (alice/01_tensors.py or .ipynb), "
    "or files named like alice__01_tensors.py."
)


@dataclass(frozen=True)
class Submission:
    student: str
    exercise: Exercise
    path: Path
    label: str  # the path relative to the submissions folder: the gradebook never holds absolute paths


@dataclass
class Plan:
    root: Path
    out: Path
    exercises: list[Exercise]
    students: list[str] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_out(root: Path) -> Path:
    """`hw1/` is graded into `hw1-gradebook/` beside it: outside the submissions, one per assignment."""
    return root.parent / f"{root.name}-gradebook"


def plan(course: Course, submissions: Path, out: Path | None = None, only: str | None = None) -> Plan:
    """Every student and submission under `submissions`; usage errors as TutorError."""
    root = Path(submissions).expanduser()
    if not root.is_dir():
        raise TutorError(f"{root} is not a folder." if root.exists() else f"{root} does not exist.", hint=LAYOUTS)
    root = root.resolve()
    target = Path(out).expanduser().resolve() if out else default_out(root)
    if target == root:
        raise TutorError("The gradebook folder (--out) must not be the submissions folder itself.")
    found = discover(root, course, select(course, only), skip=target)
    found.out = target
    if not found.submissions:
        raise TutorError(f"No submissions found in {root}.", hint=LAYOUTS)
    return found


def select(course: Course, only: str | None) -> list[Exercise]:
    """The exercises to grade: those named in `only` ("01,02,nn_module"), else every one, in course order."""
    if only is None:
        return list(course.exercises)
    chosen = {course.resolve(q).id for q in only.split(",") if q.strip()}
    if not chosen:
        raise TutorError("--exercises names no exercise.", hint="For example: --exercises 01,02,03")
    return [ex for ex in course.exercises if ex.id in chosen]


def discover(root: Path, course: Course, exercises: list[Exercise], skip: Path | None = None) -> Plan:
    found = Plan(root, skip or default_out(root), exercises)
    students: set[str] = set()
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "__")) or entry.resolve() == skip:
            continue  # hidden files, __pycache__, __MACOSX, the gradebook itself
        if entry.is_dir():
            students.add(entry.name)
            for file in sorted(entry.iterdir()):
                if not file.name.startswith((".", "__")):
                    _add(found, course, entry.name, file.name, file)
            continue
        student, sep, name = entry.name.rpartition("__")
        if not (sep and student):
            found.ignored.append(entry.name)
        elif _add(found, course, student, name, entry):
            students.add(student)
    found.students = sorted(students, key=lambda s: (s.casefold(), s))
    if found.ignored:
        shown = ", ".join(found.ignored[:10]) + (f" and {len(found.ignored) - 10} more" if len(found.ignored) > 10 else "")
        found.warnings.insert(0, f"ignored {len(found.ignored)} file(s) that match no exercise: {shown}")
    return found


def _add(found: Plan, course: Course, student: str, name: str, path: Path) -> bool:
    """Record `path` as `student`'s file for the exercise it is named after; False if it names none."""
    label = path.relative_to(found.root).as_posix()
    ex = next((e for e in course.exercises if name in (f"{e.id}.py", f"{e.id}.ipynb") and path.is_file()), None)
    if ex is None:
        found.ignored.append(label + ("/" if path.is_dir() else ""))
        return False
    if ex not in found.exercises:
        return True  # an exercise left out with --exercises: skipped quietly
    twin = next((s for s in found.submissions if (s.student, s.exercise) == (student, ex)), None)
    if twin is not None:
        found.warnings.append(f"{student} has two files for {ex.id}: grading {twin.label}, not {label}")
        return True
    found.submissions.append(Submission(student, ex, path, label))
    return True
