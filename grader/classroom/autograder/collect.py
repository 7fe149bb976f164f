"""Which of the uploaded files is which exercise.

A file counts when its name is an exercise's own file name, `01_tensors.py` or `01_tensors.ipynb`,
anywhere up to three folders deep in the upload (so a zip or a repository of the course folder,
with its `exercises/`, works as well as the bare files). Symbolic links are never followed; hidden
files, `__MACOSX` and `__pycache__` are skipped. Two files for one exercise: the one nearest the top
(then the first by name) is graded, and the results say so. Each chosen file is read once, through
`grader.classroom.snapshot` (regular files only, O_NOFOLLOW, 32 MiB at most, UTF-8).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from grader.classroom.snapshot import content_problem, read_private
from grader.text import clean_line

MAX_DEPTH = 3
MAX_ENTRIES = 5000  # an upload of more files than this is not walked further


@dataclass
class Found:
    files: dict[str, tuple[str, str, bytes, str]] = field(default_factory=dict)  # id -> (rel, label, data, problem)
    notes: list[str] = field(default_factory=list)
    seen: int = 0  # files looked at

    @property
    def readable(self) -> bool:
        """At least one exercise's file could be read (PrairieLearn's `gradable`)."""
        return any(not problem for *_, problem in self.files.values())


def collect(inbox: Path, exercise_ids: list[str]) -> Found:
    found = Found()
    names = {f"{ex_id}{suffix}": ex_id for ex_id in exercise_ids for suffix in (".py", ".ipynb")}
    if not inbox.is_dir():
        found.notes.append("no submission folder was found")
        return found
    for rel in sorted(_walk(inbox, found, names), key=lambda r: (r.count("/"), r)):
        ex_id = names[rel.rsplit("/", 1)[-1]]
        label = clean_line(rel, 300)
        if ex_id in found.files:
            found.notes.append(f"two files for {ex_id}: graded {found.files[ex_id][1]}, not {label}")
            continue
        data, problem = read_private(inbox, rel, label)
        problem = problem or content_problem(label, data)
        found.files[ex_id] = (rel, label, b"" if problem else data, problem)
    return found


def _walk(inbox: Path, found: Found, names: dict, rel: str = "", depth: int = 0):
    """Relative paths of the entries named like an exercise's file, links included (refused when read)."""
    try:
        entries = sorted(os.scandir(inbox / rel if rel else inbox), key=lambda e: e.name)
    except OSError:
        found.notes.append(f"the folder {clean_line(rel or '.')} could not be read")
        return
    for entry in entries:
        found.seen += 1
        if found.seen == MAX_ENTRIES + 1:
            found.notes.append(f"the upload holds more than {MAX_ENTRIES} files: only the first were looked at")
        if found.seen > MAX_ENTRIES or entry.name.startswith(".") or entry.name in ("__MACOSX", "__pycache__"):
            continue
        path = f"{rel}/{entry.name}" if rel else entry.name
        if entry.is_dir(follow_symlinks=False):
            if depth < MAX_DEPTH:
                yield from _walk(inbox, found, names, path, depth + 1)
        elif entry.name in names:
            yield path

