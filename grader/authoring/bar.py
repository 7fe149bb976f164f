"""The bar every exercise clears, read from its files without running anything: enough known
mistakes and correct styles, a stub whose every target says `raise NotImplementedError` under a
`# TODO`, every forbidden call stated in the stub's text, and the README's course table row up to
date. `validate` reports these, and tests/test_course_content.py asks `validate`: one definition of
sound. `warnings` are what validate points out without calling the exercise unsound.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from grader.course import Course, Exercise

MIN_MISTAKES = 4  # known mistakes, each with its own hint
MIN_STYLES = 3  # correct solutions in other styles


def bar_problems(course: Course, exercise: Exercise, checks: Any, problem) -> list:
    found = []
    if len(exercise.mistakes) < MIN_MISTAKES:
        found.append(problem(exercise.folder / "mistakes", "", f"has {len(exercise.mistakes)} known mistakes; "
                             f"at least {MIN_MISTAKES} are needed, each a file with its own HINT"))
    if len(exercise.styles) < MIN_STYLES:
        found.append(problem(exercise.folder / "styles", "", f"has {len(exercise.styles)} correct styles; "
                             f"at least {MIN_STYLES} are needed, each a correct solution written another way"))
    try:
        stub = exercise.stub.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return found + [problem(exercise.stub, "", "the stub is missing or unreadable")]
    found += _stub_problems(exercise, checks, stub, problem)
    from grader.authoring.readme import stale_row

    stale = stale_row(course.root, exercise)
    return found + ([problem(course.root / "README.md", "course table", stale)] if stale else [])


def _stub_problems(exercise: Exercise, checks: Any, stub: str, problem) -> list:
    from grader.authoring.readme import _unwritten

    found = [] if "# TODO" in stub else [problem(exercise.stub, "", "the stub has no `# TODO` telling the learner what to write")]
    try:
        tree = ast.parse(stub)
    except SyntaxError as exc:
        return found + [problem(exercise.stub, "", f"the stub is not valid Python (line {exc.lineno})")]
    defined = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    for target in dict.fromkeys(c.target for c in checks.CHECKS):
        if target not in defined:
            found.append(problem(exercise.stub, target, "the stub does not define this target of the checks"))
        elif not _unwritten(defined[target]):
            found.append(problem(exercise.stub, target, "this target does not `raise NotImplementedError`: "
                                 "an untouched stub must say \"not implemented yet\""))
    for name in sorted({n for c in checks.CHECKS for n in c.forbid}):
        if not stated(name, stub):
            found.append(problem(exercise.stub, "", f"forbids {name!r} without saying so: name it in the stub's text "
                                 f"(as `{_short(name)}`), so a learner knows it is not allowed"))
    return found


def stated(name: str, text: str) -> bool:
    """`text` names the dotted `name`: as an attribute (`F.batch_norm`, `torch._softmax`, `.log_softmax`)
    or in a slash list of alternatives (`softmax`/`log_softmax`)."""
    last = re.escape(name.rsplit(".", 1)[-1].lstrip("_"))
    return re.search(rf"(\.|/`?)_?{last}\b", text) is not None


def _short(name: str) -> str:
    return "F." + name.rsplit(".", 1)[-1] if name.startswith("torch.nn.functional.") else name


def warnings(exercise: Exercise, checks: Any, problem) -> list:
    """A check with no `hint=` (and no `hints=`) tells a learner with a wrong value only the generic hint."""
    return [problem(exercise.checks, f"CHECKS {c.name!r}", "has no hint=: a wrong value gets only the generic hint; "
                    "say what the check wants, in one sentence") for c in checks.CHECKS if not c.hint and not c.hints]
