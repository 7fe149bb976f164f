"""`pytorch-tutor new NN_name`: a new exercise that is a small, sound, worked example.

Writes the stub, and `reference/NN_name/` with the solution, the checks, two known
mistakes and three correct styles, plus one entry in course.toml. `pytorch-tutor
validate NN` accepts the result as it is; the author then replaces the example function
with their own, keeping the same shape (docs/authoring.md, quick start).
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.authoring.templates import CHECKS, MISTAKES, SOLUTION, STUB, STYLES
from grader.course import Course
from grader.errors import TutorError

ID_PATTERN = re.compile(r"^(\d{2})_[a-z][a-z0-9_]*$")


def new_exercise(course: Course, ex_id: str, title: str, topic: str = "") -> list[Path]:
    """Create the files of a new exercise and its course.toml entry; returns the files written."""
    match = ID_PATTERN.match(ex_id)
    if not match:
        raise TutorError(f"{ex_id!r} is not a valid exercise id.", "Use two digits, an underscore and a lowercase name, e.g. 08_losses.")
    _refuse_clashes(course, ex_id, match.group(1))
    meta = course.root / "reference" / "course.toml"
    if not meta.is_file():
        raise TutorError(f"{course.root} has no reference/course.toml to add the exercise to.")
    fields = {"id": ex_id, "title": title, "number": match.group(1)}
    folder = course.root / "reference" / ex_id
    files = {course.root / "exercises" / f"{ex_id}.py": STUB, folder / "solution.py": SOLUTION, folder / "checks.py": CHECKS}
    files.update({folder / "mistakes" / f"{name}.py": text for name, text in MISTAKES.items()})
    files.update({folder / "styles" / f"{name}.py": text for name, text in STYLES.items()})
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(**fields), encoding="utf-8")
    with meta.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[exercise]]\nid = "{ex_id}"\ntitle = {_toml_str(title)}\ntopic = {_toml_str(topic or "TODO: one line")}\n')
    return list(files) + _refresh_readme(course.root)


def _refresh_readme(root: Path) -> list[Path]:
    """The course's README table (when the README has one), made again with the new exercise."""
    from grader.authoring.readme import END, START, with_table
    from grader.course import load_course

    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    if START not in text or END not in text:
        return []
    readme.write_text(with_table(text, load_course(root)), encoding="utf-8")
    return [readme]


def _refuse_clashes(course: Course, ex_id: str, number: str) -> None:
    for ex in course.exercises:
        if ex.id.split("_", 1)[0] == number:
            raise TutorError(f"Exercise number {number} is taken by {ex.id}.", "Pick the next free number.")
    for path in (course.root / "exercises" / f"{ex_id}.py", course.root / "reference" / ex_id):
        if path.exists():
            raise TutorError(f"{path} already exists; nothing was written.")


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
