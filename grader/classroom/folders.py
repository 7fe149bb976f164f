"""Each student's folder under the gradebook's `students/`: one path component per student, never
shared by two (a name cut to fit, or clashing with another's when letter case is ignored, ends in
`~` and 8 hex digits of a hash of the full name)."""

from __future__ import annotations

import hashlib

from grader.text import clean_line

FOLDER_BYTES = 200  # a student's folder name, well under the 255 bytes of most file systems


def folder_names(students: list[str]) -> dict[str, str]:
    """Each student's folder under `students/`: the name as one path component of at most
    FOLDER_BYTES bytes; a name that had to be cut, or that would clash with another's (letter case
    ignored), ends in `~` and 8 hex digits of its full name's SHA-256, so no two students share one."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for student in students:
        whole = _component(student)
        name = whole if len(whole.encode()) <= FOLDER_BYTES else _suffixed(whole, student, 0)
        attempt = 0
        while name.casefold() in taken:
            name, attempt = _suffixed(whole, student, attempt), attempt + 1
        taken.add(name.casefold())
        names[student] = name
    return names


def _component(student: str) -> str:
    name = clean_line(student, 10_000).replace("/", "\\x2f")
    return name if name not in ("", ".", "..") else f"_{name}"


def _suffixed(whole: str, student: str, attempt: int) -> str:
    tag = "~" + hashlib.sha256(f"{attempt}:{student}".encode()).hexdigest()[:8]
    head = whole.encode()[: FOLDER_BYTES - len(tag)].decode(errors="ignore")  # never half a character
    return head + tag
