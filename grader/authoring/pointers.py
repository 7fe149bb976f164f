"""Where-your-values-first-differ, measured on the course's own files (scripts/trace_accuracy.py and the
tests): the pointer each failing check of a file gets, computed in this process the way the engine
computes it across the boundary (the same recorder, the same trace schema, the same matching).

A known mistake marks the line that holds it with a `# MISTAKE` comment (on each function's line when
the same mistake is made in several functions); a mistake that is not on one line has no marker.
Only for course files: this runs the file in this process, with no boundary.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from grader.course import Exercise

MARKER = re.compile(r"#\s*MISTAKE\b")


def marked_lines(source: str) -> set[int]:
    return {i for i, line in enumerate(source.split("\n"), 1) if MARKER.search(line)}


def compose(exercise: Exercise, *paths: Path) -> str:
    """A learner's file: the reference, then each of `paths` on top (a style, a mistake ...), as
    `grader.judging.mistakes.composed_source` makes one."""
    text = exercise.solution.read_text(encoding="utf-8")
    for path in paths:
        text += f"\n\n# ---- {path.stem} ----\n\n" + path.read_text(encoding="utf-8")
    return text


def pointers(exercise: Exercise, file: Path, why: dict | None = None) -> dict[str, int | None]:
    """{check name: the line named, or None} for each check of `file` that failed on values; `why` gets
    each check's reason for no pointer."""
    from grader.judging.channel import frame, pack
    from grader.judging.loader import load_module
    from grader.judging.probe import run_checks, seed_everything
    from grader.judging.reference import TRUSTED, reference_outcomes
    from grader.judging.transforms import transformed
    from grader.judging.trace_run import trace_cases
    from grader.judging.where import correct_values, mark, wanted
    from grader.judging.verdict import judge_all
    from grader.submission.cells import split_lines

    with TRUSTED:
        checks, _, expected = reference_outcomes(exercise)
        seed_everything(0)
        ns = load_module(file, f"pytorch_tutor_pointer_{abs(hash(str(file)))}")
        raw = run_checks(checks.CHECKS, ns, str(file), learner=True)
        outcomes = {c.name: transformed(c, raw.get(c.name, [])) for c in checks.CHECKS}
        cases = wanted(checks.CHECKS, expected, outcomes)
        traces = trace_cases(checks.CHECKS, ns, str(file), cases)
        by_name = {c.name: c for c in checks.CHECKS}
        correct = {name: correct_values(exercise, by_name[name], i) for name, i in cases.items()}
    data = frame(json.dumps({"in_force": []}).encode()) + pack({"traces": traces})
    results = judge_all(checks.CHECKS, expected, outcomes)
    lines = split_lines(file.read_text(encoding="utf-8"))
    mark(results, by_name, correct, data, cases, (lines, lambda n: ("", n)), why)
    return {r.name: _line(r.differs_at) for r in results if r.name in cases}


def _line(text: str) -> int | None:
    found = re.match(r"line (\d+):", text)
    return int(found[1]) if found else None
