"""Mistakes the course does not know yet, mined from a graded class (`pytorch-tutor mine`).

The failing submissions of an exercise that matched no known mistake are grouped by how they
fail: the same checks failing, with the same result key and the same wrong values on the same
cases (each failing check's message, its numbers rounded to 4 significant digits; an exception
counts by its type). For each group of at least `least` students, the smallest submission of
the group, stripped of what the stub gave (docstrings, comments, functions left unimplemented),
without the definitions it shares word for word with the reference or a style, becomes a
draft learner-style mistake file, `reference/ID/mistakes/draft_SIGNATURE.py`, with
`HINT = "TODO"` and a comment naming the group's students and failing checks. It is a student's
code: the grader never runs a draft still saying TODO, and `validate` refuses the course until
the instructor has read it and written the hint. An existing draft is left as it is.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

from grader.classroom.gradebook import is_entry
from grader.classroom.copies import source_of
from grader.classroom.snapshot import read_private
from grader.errors import TutorError
from grader.text import clean_line

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_RAISED = re.compile(r"^your code raised (\w+)")
UNWRITTEN = "not implemented yet"


def signature(entry: dict) -> tuple[tuple[str, str], ...]:
    """How a failing entry fails: each failing check's name and the shape of its message."""
    return tuple(sorted((c["name"], _shape(c["message"])) for c in entry["checks"] if not c["passed"]))


def _shape(message: str) -> str:
    raised = _RAISED.match(message)
    if raised:
        return f"raised {raised.group(1)}"
    return _NUMBER.sub(lambda m: f"{float(m.group()):.4g}", message)


def unknown_failure(entry: dict) -> bool:
    """A submission that ran, failed, matched no known mistake, and is more than an untouched stub."""
    failing = [c for c in entry["checks"] if not c["passed"]]
    return (entry["status"] == "failed" and bool(failing) and not any(c["mistake"] for c in entry["checks"])
            and not all(c["message"].startswith(UNWRITTEN) for c in failing))


def groups(book: dict, ex_id: str, least: int = 2) -> list[dict]:
    """The groups of at least `least` students failing `ex_id` alike with no known mistake, largest first."""
    found: dict[tuple, list[str]] = defaultdict(list)
    for student, data in book.items():
        entry = data.get("exercises", {}).get(ex_id) if isinstance(data, dict) else None
        if is_entry(entry) and unknown_failure(entry):
            found[signature(entry)].append(student)
    ranked = sorted(((sig, sorted(who)) for sig, who in found.items() if len(who) >= least),
                    key=lambda g: (-len(g[1]), g[0]))
    return [{"signature": sig, "students": who, "files": {s: book[s]["exercises"][ex_id]["file"] for s in who}}
            for sig, who in ranked]


def stripped(source: str, stub: str, correct: tuple[str, ...] = ()) -> str | None:
    """`source` without what the stub gave (docstrings, comments, functions still unimplemented) and without the
    definitions it shares word for word with a `correct` solution (None if it is not Python)."""
    tree = _parsed(source)
    if tree is None:
        return None
    given = {ast.dump(n) for text in (stub, *correct) for n in getattr(_parsed(text), "body", [])
             if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    tree.body = [n for n in tree.body if ast.dump(n) not in given and not _unwritten(n)]
    return ast.unparse(tree) + "\n"


def _parsed(source: str) -> ast.Module | None:
    """The tree of `source` with every docstring taken out."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body and \
                isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return tree


def _unwritten(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef) and len(node.body) == 1 and isinstance(node.body[0], ast.Raise)


def draft_text(ex_id: str, group: dict, code: str, origin: str) -> str:
    names = ", ".join(clean_line(s, 80) for s in group["students"])
    checks = "\n".join(f"#   {clean_line(name, 120)}: {clean_line(shape, 200)}" for name, shape in group["signature"])
    return (f"# Draft mistake of {ex_id}, mined by `pytorch-tutor mine` from {clean_line(origin, 200)}.\n"
            f"# Students ({len(group['students'])}): {names}\n# Failing checks:\n{checks}\n"
            "# The smallest of their files, without the stub's text and the definitions the reference has word for\n"
            "# word: a student's code. Read all of it, keep only what makes the mistake, write HINT (what a learner\n"
            "# making it is told),\n"
            "# rename the file after the mistake (without draft_), then run `pytorch-tutor validate`.\n"
            f'\nHINT = "TODO"\n\n{code}')


def mine(course, gradebook: Path, submissions: Path, exercise_ids: list[str], least: int = 2) -> list[dict]:
    """Write a draft for each group of each exercise; what was found, as plain data."""
    book = read_book(gradebook)
    report = []
    for ex in [course.resolve(e) for e in exercise_ids]:
        stub = ex.stub.read_text(encoding="utf-8") if ex.stub.is_file() else ""
        correct = tuple(p.read_text(encoding="utf-8") for p in (ex.solution, *ex.styles) if p.is_file())
        for group in groups(book, ex.id, least):
            path, code = _draft(ex, group, submissions, (stub, correct))
            if path is not None and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(draft_text(ex.id, group, code, gradebook.name), encoding="utf-8")
                written = True
            else:
                written = False
            report.append({"exercise": ex.id, "students": [clean_line(s) for s in group["students"]],
                           "failing": [f"{clean_line(n)}: {clean_line(m)}" for n, m in group["signature"]],
                           "draft": str(path) if path else "", "written": written})
    return report


def _draft(ex, group: dict, submissions: Path, given: tuple) -> tuple[Path | None, str]:
    """Where the group's draft goes and its code: the smallest readable submission, stripped."""
    codes = []
    for student, rel in group["files"].items():
        safe = rel and all(part not in ("", ".", "..") for part in rel.split("/"))  # a hand-edited gradebook stays inside
        data, problem = read_private(submissions, rel, clean_line(rel)) if safe else (b"", "no file")
        code = None if problem else stripped(source_of(data, rel), *given)
        if code:
            codes.append(code)
    if not codes:
        return None, ""
    digest = hashlib.sha256(json.dumps(group["signature"]).encode()).hexdigest()[:8]
    return Path(ex.folder) / "mistakes" / f"draft_{digest}.py", min(codes, key=lambda c: (len(c), c))


def submissions_of(gradebook: Path, given: Path | None) -> Path:
    """The class's submissions folder: `given`, else the one the gradebook is named after (hw1-gradebook -> hw1)."""
    gradebook = Path(gradebook).expanduser().resolve()
    folder = Path(given).expanduser() if given else gradebook.with_name(gradebook.name.removesuffix("-gradebook"))
    if folder == gradebook or not folder.is_dir():
        raise TutorError(f"Cannot find the submissions of {gradebook.name}: {folder} is not a folder.",
                         hint="Name it with --submissions.")
    return folder.resolve()


def read_book(gradebook: Path) -> dict:
    """The students of a gradebook's grades.json (entries are checked field by field later)."""
    path = Path(gradebook) / "grades.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise TutorError(f"Cannot read the gradebook {path}: {exc}.",
                         hint="Name the folder `pytorch-tutor grade` wrote (hw1-gradebook/).") from None
    students = data.get("students") if isinstance(data, dict) else None
    if not isinstance(students, dict):
        raise TutorError(f"{path} is not a pytorch-tutor gradebook.")
    return students
