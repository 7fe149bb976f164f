"""A learner's source file as bytes: is it text the grader can read, and small enough to read?"""

from __future__ import annotations

import os
from pathlib import Path

from grader.errors import TutorError

# What the trusted process reads and parses of a submission, at most (its memory stays bounded:
# a notebook's cells are parsed with `ast` there, at worst about 500 bytes of tree per character).
MAX_NOTEBOOK = 16 * 2**20  # bytes of a notebook file, outputs included
MAX_SOURCE = 2 * 2**20  # bytes of a .py file, or characters of a notebook's code
MAX_CELL = 100_000  # characters of one code cell
SMALLER = "Keep large data out of the code: load it from a file, or clear the notebook's outputs and save it again."


def text_problem(data: bytes) -> str:
    """What is wrong with `data` as a learner's .py or .ipynb file, as the words after its name
    ("is not a text file"), or "" when it is UTF-8 text."""
    if b"\0" in data:
        return "is not a text file"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text (byte {exc.start})"
    return ""


def limit_for(name: str) -> tuple[int, str]:
    """(the most bytes read of a file named `name`, what to call it): a notebook, or a .py file."""
    return (MAX_NOTEBOOK, "notebook") if name.lower().endswith(".ipynb") else (MAX_SOURCE, "file")


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """At most `limit` bytes of `path`; a TutorError saying the size and the limit when it holds more."""
    with open(path, "rb") as f:
        data = f.read(limit + 1)
        if len(data) > limit:
            too_large(str(path), what, max(len(data), os.fstat(f.fileno()).st_size), limit)
    return data


def too_large(name: str, what: str, size: int, limit: int) -> None:
    """Raise "your notebook is too large to grade (17.2 MB; limit 16.8 MB)"."""
    raise TutorError(f"{name}: your {what} is too large to grade ({size / 1e6:.3g} MB; limit {limit / 1e6:.3g} MB).", hint=SMALLER)
