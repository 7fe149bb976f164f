"""A class's submissions compared for copying (`grader.classroom.similarity` does the comparing).

Per exercise: the code of each submission (a notebook's code cells), the names its stub gives
every learner (kept as they are), and the boilerplate no pair may be judged on: every run of
tokens of the stub, the reference solution, its styles and its mistakes (drafts too).
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.classroom.similarity import Doc, Pair, compare, grams, tokens, winnow


def class_pairs(plan) -> list[Pair]:
    """Every exercise's pairs of the class's submissions (the bytes read at plan time), highest first."""
    found: list[Pair] = []
    for exercise in plan.exercises:
        subs = [s for s in plan.submissions if s.exercise == exercise and not s.problem and s.data]
        if len(subs) < 2:
            continue
        try:
            stub = exercise.stub.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            stub = ""
        kept, given = boilerplate(exercise, stub)
        docs = []
        for sub in subs:
            doc = Doc(sub.student, sub.label, source_of(sub.data, sub.rel))
            doc.tokens, doc.spans = tokens(doc.text, kept)
            doc.prints = winnow(grams(doc.tokens))
            docs.append(doc)
        found += compare(exercise.id, docs, given)
    return found


def source_of(data: bytes, name: str) -> str:
    """The code of a submission's bytes: the text of a .py file, the code cells of a notebook ("" if unreadable)."""
    text = data.decode("utf-8", errors="replace")
    if not name.endswith(".ipynb"):
        return text
    from grader.errors import TutorError
    from grader.submission.notebook import parse_cells

    try:
        return "\n".join(f"# {label}\n{source}" for label, source in parse_cells(text, name))
    except TutorError:
        return ""


def stub_names(stub_text: str) -> frozenset[str]:
    """The names a stub gives every learner: what it imports and the classes, functions and methods it defines."""
    try:
        tree = ast.parse(stub_text)
    except (SyntaxError, ValueError):
        return frozenset()
    names = {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))}
    return frozenset(names)


def boilerplate(exercise, stub_text: str) -> tuple[frozenset[str], set[int]]:
    """The stub's names, and every hashed run of the stub, reference solution, styles and mistakes (drafts too)."""
    kept = stub_names(stub_text)
    given = set(grams(tokens(stub_text, kept)[0]))
    folder = Path(exercise.folder)
    for path in [folder / "solution.py", *sorted(folder.glob("styles/*.py")), *sorted(folder.glob("mistakes/*.py"))]:
        try:
            given.update(grams(tokens(path.read_text(encoding="utf-8"), kept)[0]))
        except (OSError, UnicodeDecodeError):
            continue
    return kept, given
