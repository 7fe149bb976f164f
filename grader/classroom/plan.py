"""Find a class's submissions: which student handed in which exercise, and what was ignored.

Submissions are one folder per student (`alice/01_tensors.py`) or flat files
(`alice__01_tensors.py`). Each file is read here, once, and its bytes are what is graded
(`grader.classroom.snapshot`); a symbolic link, a hard link (to a reference file, a
classmate's or anything), a file that is not regular, unreadable,
not UTF-8 or a malformed notebook is a submission with a `problem`, graded 0 with that
reason. Grading them is `grader.classroom.grading`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from grader.classroom.bookfiles import foreign_names
from grader.classroom.snapshot import LINK, content_problem, course_files, read_private, same_file
from grader.course import Course, Exercise
from grader.errors import TutorError
from grader.text import clean_line

HISTORY = "history.jsonl"  # `grader.history.NAME`, handed in beside the exercise files

LAYOUTS = (
    "Put one folder per student holding exercise files (alice/01_tensors.py or .ipynb), "
    "or files named like alice__01_tensors.py."
)


@dataclass(frozen=True, eq=False)
class Submission:
    student: str  # the student's name as shown (control characters escaped)
    exercise: Exercise
    rel: str  # the file's path relative to the submissions folder, as on disk ("alice/01_tensors.py")
    label: str  # `rel` as shown: the gradebook never holds absolute paths
    data: bytes = field(default=b"", repr=False)  # its bytes, read once at plan time: what is graded
    problem: str = ""  # why it is not graded (a symbolic link, not UTF-8, ...), "" when it is


@dataclass
class Plan:
    root: Path
    out: Path
    exercises: list[Exercise]
    students: list[str] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)  # (device, inode) -> what it is


def default_out(root: Path) -> Path:
    """`hw1/` is graded into `hw1-gradebook/` beside it: outside the submissions, one per assignment."""
    return root.parent / f"{root.name}-gradebook"


def plan(course: Course, submissions: Path, out: Path | None = None, only: str | None = None) -> Plan:
    """Every student and submission under `submissions`, each file read once; usage errors as TutorError."""
    root = Path(submissions).expanduser()
    if not root.is_dir():
        raise TutorError(f"{root} is not a folder." if root.exists() else f"{root} does not exist.", hint=LAYOUTS)
    root = root.resolve()
    target = Path(out).expanduser().resolve() if out else default_out(root)
    if target == root:
        raise TutorError("The gradebook folder (--out) must not be the submissions folder itself.")
    check_target(target)
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
    found = Plan(root, skip or default_out(root), exercises, seen=course_files(course))
    students: set[str] = set()
    for entry in _entries(root):
        if entry.name.startswith((".", "__")) or Path(os.path.realpath(entry.path)) == skip:
            continue  # hidden files, __pycache__, __MACOSX, the gradebook itself
        if entry.is_dir(follow_symlinks=False):
            students.add(entry.name)
            _folder(found, course, entry)
        elif entry.is_symlink() and entry.is_dir() and "__" not in entry.name:
            students.add(entry.name)
            _whole_folder_refused(found, entry.name, f"{LINK}: nothing in it was graded")
        elif _add(found, course, *_flat(entry.name), entry):
            students.add(_flat(entry.name)[0])
    _name_students(found, students)
    if found.ignored:
        shown = ", ".join(found.ignored[:10]) + (f" and {len(found.ignored) - 10} more" if len(found.ignored) > 10 else "")
        found.warnings.insert(0, f"ignored {len(found.ignored)} file(s) that match no exercise: {shown}")
    return found


def _entries(root: Path) -> list[os.DirEntry]:
    try:
        return sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise TutorError(f"Cannot read the submissions folder {root}: {exc.strerror}.") from None


def _folder(found: Plan, course: Course, folder: os.DirEntry) -> None:
    """A student's folder: each file named after an exercise is that student's submission."""
    try:
        files = sorted(os.scandir(folder.path), key=lambda e: e.name)
    except OSError as exc:
        _whole_folder_refused(found, folder.name, f"cannot be read ({exc.strerror}): nothing in it was graded")
        return
    for file in files:
        if not file.name.startswith((".", "__")):
            _add(found, course, folder.name, file.name, file)


def _flat(name: str) -> tuple[str, str]:
    """("alice", "01_tensors.py") for "alice__01_tensors.py"; ("", name) for a name of no student."""
    student, sep, rest = name.rpartition("__")
    return (student, rest) if sep and student else ("", name)


def _add(found: Plan, course: Course, student: str, name: str, entry: os.DirEntry) -> bool:
    """Record `student`'s file for the exercise it is named after, read now; False if it names none."""
    rel = Path(entry.path).relative_to(found.root).as_posix()
    if name == HISTORY and student:
        return True  # the student's attempt history: read at the end (`grader.classroom.attempts`), not graded
    ex = next((e for e in course.exercises if name in (f"{e.id}.py", f"{e.id}.ipynb")), None)
    if ex is None or not student:
        found.ignored.append(clean_line(rel) + ("/" if entry.is_dir(follow_symlinks=False) else ""))
        return False
    if ex not in found.exercises:
        return True  # an exercise left out with --exercises: skipped quietly, never read
    label = clean_line(rel)
    twin = next((s for s in found.submissions if (s.student, s.exercise) == (student, ex)), None)
    if twin is not None:
        found.warnings.append(f"{clean_line(student)} has two files for {ex.id}: grading {twin.label}, not {label}")
        return True
    data, problem = read_private(found.root, rel, label, partial(same_file, found.seen, label))
    problem = problem or content_problem(label, data)
    found.submissions.append(Submission(student, ex, rel, label, b"" if problem else data, problem))
    return True


def _whole_folder_refused(found: Plan, name: str, why: str) -> None:
    """A student folder that is not read (a symbolic link, unreadable): every exercise is an error, saying `why`."""
    label = clean_line(name)
    for ex in found.exercises:
        found.submissions.append(Submission(name, ex, name, label, problem=f"{label} {why}"))


def _name_students(found: Plan, raw: set[str]) -> None:
    """Students by their shown names (control characters escaped), sorted; two names that would
    show alike stay apart ("name~2")."""
    shown: dict[str, str] = {}
    for name in sorted(raw):
        base = candidate = clean_line(name, 200)
        n = 1
        while candidate in shown.values():
            n += 1
            candidate = f"{base}~{n}"
        shown[name] = candidate
    found.submissions = [replace(s, student=shown[s.student]) for s in found.submissions]
    found.students = sorted(shown.values(), key=lambda s: (s.casefold(), s))


def check_target(out: Path) -> None:
    """Refuse a gradebook folder that holds anything but a gradebook: it is replaced whole at the end."""
    if out.exists() and not out.is_dir():
        raise TutorError(f"The gradebook folder {out} is a file.", hint="Name a folder with --out.")
    strangers = foreign_names(out)
    if strangers:
        shown = ", ".join(clean_line(n) for n in strangers[:5]) + (" ..." if len(strangers) > 5 else "")
        raise TutorError(
            f"{out} holds files that are not part of a gradebook ({shown}); grading would replace the folder, "
            "so nothing was done.",
            hint="Choose an empty or new folder with --out, or the folder of an earlier gradebook.",
        )
