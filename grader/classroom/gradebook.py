"""The class gradebook's entries: one per student and exercise, as plain data.

An entry holds status, score, max_score, file, message, hint, where (the learner frames of
an error: file, line, function, code), isolation (the OS layers the engine reported for the
learner's process; null when no process ran) and every check's name, passed, score, call (what
a failing check called, with what: how the student reproduces it), message, hint, mistake and where
(and differs_at, where the values first differ, when known). No elapsed times and no absolute paths, so the same submissions
always give byte-identical files; every learner-derived string is passed through
`grader.text.clean_line`. Writing the files is `grader.classroom.bookfiles`. Nothing here
imports torch.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.results import ERROR, ExerciseResult
from grader.text import clean_line

NOT_SUBMITTED = "not submitted"
LIMITS = ("time limit", "memory limit", "process limit", "wall-clock limit")  # stopped by a limit: scored 0, a status of its own
MAX_FRAMES = 5  # the innermost learner frames kept for `where` (a deep recursion has hundreds)


def number(value: float) -> int | float:
    """6.0 -> 6, 2.5 -> 2.5: scores read as people write them, in CSV and JSON alike."""
    return int(value) if float(value).is_integer() else round(value, 6)


def entry_from_result(result: ExerciseResult, label: str, root: Path) -> dict:
    """A graded submission as gradebook data; `label` is its path relative to the submissions folder,
    and `root` the folder its graded copy lay in (removed from every path and message)."""
    scrub = scrubber(root)
    where = frames_where(result.traceback, scrub)
    checks = []
    for c in result.checks:
        hint = c.hint or (result.hint if result.status == ERROR else "")
        at = frames_where(c.traceback, scrub) or (where if result.status == ERROR else [])
        call = scrub(c.call) if not c.passed and result.status != ERROR else ""  # how to reproduce the failing case
        checks.append(_check(c.name, c.passed, c.score, c.points, scrub(c.message), scrub(hint), c.mistake, at, call))
        if getattr(c, "differs_at", ""):  # where the values first differ: a line of the student's file
            checks[-1]["differs_at"] = clean_line(scrub(c.differs_at))
    layers = getattr(result, "isolation", None)  # the engine does not report it yet: [] until it does
    layers = list(layers) if isinstance(layers, (list, tuple)) else []
    status = f"{result.limit} limit" if result.status == ERROR and f"{result.limit} limit" in LIMITS else result.status
    return {
        "status": clean_line(status), "score": number(result.score), "max_score": number(result.max_score),
        "file": clean_line(label), "message": clean_line(scrub(result.message)), "hint": clean_line(scrub(result.hint)),
        "where": where, "isolation": [clean_line(layer, 40) for layer in layers if isinstance(layer, str)],
        "checks": checks,
    }


def frames_where(frames, scrub) -> list[dict]:
    """The innermost learner frames as {file, line, function, code}, the file relative to the submissions."""
    rows = []
    for frame in list(frames or [])[-MAX_FRAMES:]:
        if not (isinstance(frame, (list, tuple)) and len(frame) == 4):
            continue
        file, line, function, code = frame
        rows.append({"file": clean_line(scrub(str(file)), 300), "line": line if type(line) is int else 0,
                     "function": clean_line(function, 200), "code": clean_line(code, 300)})
    return rows


def missing_entry(exercise_id: str, checks: list[tuple[str, float]]) -> dict:
    """An exercise the student did not hand in: every check scores 0."""
    message = f"not submitted (expected a file named {exercise_id}.py)"
    rows = [_check(name, False, 0, points, message, "", "", []) for name, points in checks]
    return {"status": NOT_SUBMITTED, "score": 0, "max_score": number(sum(p for _, p in checks)),
            "file": "", "message": message, "hint": "", "where": [], "isolation": None, "checks": rows}


def failed_entry(exercise_id: str, checks: list[tuple[str, float]], label: str, reason: str) -> dict:
    """A submission the grader itself could not handle (recorded, scored 0, never cached)."""
    return _error_entry(exercise_id, checks, label, f"the grader could not grade this file: {reason}")


def rejected_entry(exercise_id: str, checks: list[tuple[str, float]], label: str, problem: str) -> dict:
    """A submission refused before grading (a symbolic link, not a regular file, not UTF-8 ...): 0, with why."""
    return _error_entry(exercise_id, checks, label, f"not graded: {problem}")


def _error_entry(exercise_id: str, checks: list[tuple[str, float]], label: str, message: str) -> dict:
    data = missing_entry(exercise_id, checks)
    message = clean_line(message)
    data.update(status=ERROR, file=clean_line(label), message=message)
    for row in data["checks"]:
        row["message"] = message
    return data


def _check(name: str, passed: bool, score: float, points: float, message: str, hint: str, mistake: str,
           where: list[dict], call: str = "") -> dict:
    return {"name": clean_line(name), "passed": bool(passed), "score": number(score), "max_score": number(points),
            "call": clean_line(call), "message": clean_line(message), "hint": clean_line(hint),
            "mistake": clean_line(mistake), "where": where}


def scrubber(root: Path):
    """A function that removes `root/` (as given and resolved) from text: paths relative to it."""
    prefixes = sorted({str(root) + os.sep, str(root.resolve()) + os.sep}, key=len, reverse=True)

    def scrub(text: str) -> str:
        text = text if isinstance(text, str) else str(text)
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    return scrub


def is_entry(data: object) -> bool:
    """`data` has every field of an entry, with its type (a cache file may have been edited by hand)."""
    fields = {"status": str, "file": str, "message": str, "hint": str, "where": list, "checks": list}
    row_fields = {"name": str, "passed": bool, "message": str, "hint": str, "mistake": str, "where": list}
    return (isinstance(data, dict) and _typed(data, fields) and _scored(data)
            and (data.get("isolation") is None or isinstance(data["isolation"], list))
            and all(isinstance(r, dict) and _typed(r, row_fields) and _scored(r) for r in data["checks"]))


def _typed(data: dict, fields: dict) -> bool:
    return all(isinstance(data.get(key), kind) for key, kind in fields.items())


def _scored(data: dict) -> bool:
    return all(type(data.get(key)) in (int, float) for key in ("score", "max_score"))


def layers_in_force(book: dict[str, dict[str, dict]]) -> list[str]:
    """The isolation layers reported for every submission that ran, in the engine's order ([] if none)."""
    ran = [e["isolation"] for per in book.values() for e in per.values() if e.get("isolation") is not None]
    return [layer for layer in ran[0] if all(layer in other for other in ran[1:])] if ran else []
