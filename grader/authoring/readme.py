"""The README's course table, made from course.toml and the pristine stubs, so it can never drift.

`python scripts/course_table.py` (and `pytorch-tutor new`) rewrites the table between the two
markers below; `validate` names an exercise whose row is stale, and a test
(tests/test_course_size.py) fails when the README's table is not the generated one. A stub is
read as committed to git (a learner's solved working copy never shows), or as it is when it was
never committed (a new exercise being written).
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.course import Course, Exercise

START = "<!-- course table: made by `python scripts/course_table.py` from reference/course.toml -->"
END = "<!-- end of course table -->"


def course_table(course: Course) -> str:
    rows = ["| # | exercise | topic | you write |", "|---|----------|-------|-----------|"]
    return "\n".join(rows + [course_row(ex) for ex in course.exercises])


def course_row(ex: Exercise) -> str:
    names = ", ".join(f"`{n}`" for n in _targets(ex.stub))
    topic = ex.topic.replace("__", "\\_\\_").replace("|", "\\|")  # markdown would bold __len__
    return f"| {ex.number:02d} | {ex.title} | {topic} | {names} |"


def stale_row(root: Path, ex: Exercise) -> str:
    """Why the README's row for `ex` is stale; empty when it is the one made now, or there is no course table."""
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8", errors="replace") if readme.is_file() else ""
    if START not in text or END not in text:
        return ""
    table = text.split(START, 1)[1].split(END, 1)[0]
    if course_row(ex) in table.splitlines():
        return ""
    return ("its row in the README's course table is stale or missing (it is made from course.toml and the "
            "committed stub): remake the table with `python scripts/course_table.py`")


def _stub_text(stub: Path) -> str:
    from grader.stubs import committed_text, in_git_tree

    committed = committed_text(stub) if in_git_tree(stub.parent) else None
    return committed if committed is not None else stub.read_text(encoding="utf-8")


def _targets(stub: Path) -> list[str]:
    """The stub's top-level functions and classes that raise NotImplementedError: what the learner
    writes (what the stub gives, a model or a data set to work with, is not listed)."""
    try:
        tree = ast.parse(_stub_text(stub))
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
