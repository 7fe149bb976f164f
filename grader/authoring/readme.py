"""The README's course table, made from course.toml and the stubs, so it can never drift.

`python scripts/course_table.py` rewrites the table between the two markers below;
a test (tests/test_course_size.py) fails when the README's table is not the generated one.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.course import Course

START = "<!-- course table: made by `python scripts/course_table.py` from reference/course.toml -->"
END = "<!-- end of course table -->"


def course_table(course: Course) -> str:
    rows = ["| # | exercise | topic | you write |", "|---|----------|-------|-----------|"]
    for ex in course.exercises:
        names = ", ".join(f"`{n}`" for n in _targets(ex.stub))
        topic = ex.topic.replace("__", "\\_\\_").replace("|", "\\|")  # markdown would bold __len__
        rows.append(f"| {ex.number:02d} | {ex.title} | {topic} | {names} |")
    return "\n".join(rows)


def _targets(stub: Path) -> list[str]:
    """The stub's top-level functions and classes that raise NotImplementedError: what the learner
    writes (what the stub gives, a model or a data set to work with, is not listed)."""
    try:
        tree = ast.parse(stub.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
            and not n.name.startswith("_") and _unwritten(n)]


def _unwritten(node: ast.AST) -> bool:
    for raised in (n.exc for n in ast.walk(node) if isinstance(n, ast.Raise) and n.exc is not None):
        named = raised.func if isinstance(raised, ast.Call) else raised
        if isinstance(named, ast.Name) and named.id == "NotImplementedError":
            return True
    return False


def with_table(readme: str, course: Course) -> str:
    """`readme` with the text between the markers replaced by the generated table."""
    if START not in readme or END not in readme:
        raise ValueError(f"the README has no course table markers ({START} ... {END})")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{course_table(course)}\n{END}{tail}"
