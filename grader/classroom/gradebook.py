"""The class gradebook: one entry per student and exercise, written as CSV and JSON.

An entry is plain data (status, score, max_score, and every check's name, passed,
score, message, hint, mistake) with no elapsed times and no absolute paths, so the
same submissions always give byte-identical files. Nothing here imports torch.
"""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from collections import Counter
from pathlib import Path

from grader.results import ERROR, PASSED, ExerciseResult

NOT_SUBMITTED = "not submitted"


def number(value: float) -> int | float:
    """6.0 -> 6, 2.5 -> 2.5: scores read as people write them, in CSV and JSON alike."""
    return int(value) if float(value).is_integer() else round(value, 6)


def entry_from_result(result: ExerciseResult, label: str, root: Path) -> dict:
    """A graded submission as gradebook data; `label` is its path relative to the submissions folder."""
    scrub = _scrubber(root)
    checks = []
    for c in result.checks:
        hint = c.hint or (result.hint if result.status == ERROR else "")
        checks.append(_check(c.name, c.passed, c.score, c.points, scrub(c.message), scrub(hint), c.mistake))
    return {
        "status": result.status, "score": number(result.score), "max_score": number(result.max_score),
        "file": label, "message": scrub(result.message), "hint": scrub(result.hint), "checks": checks,
    }


def missing_entry(exercise_id: str, checks: list[tuple[str, float]]) -> dict:
    """An exercise the student did not hand in: every check scores 0."""
    message = f"not submitted (expected a file named {exercise_id}.py)"
    rows = [_check(name, False, 0, points, message, "", "") for name, points in checks]
    return {"status": NOT_SUBMITTED, "score": 0, "max_score": number(sum(p for _, p in checks)),
            "file": "", "message": message, "hint": "", "checks": rows}


def failed_entry(exercise_id: str, checks: list[tuple[str, float]], label: str, reason: str) -> dict:
    """A submission the grader itself could not handle (recorded, scored 0, never cached)."""
    data = missing_entry(exercise_id, checks)
    message = f"the grader could not grade this file: {reason}"
    data.update(status=ERROR, file=label, message=message)
    for row in data["checks"]:
        row["message"] = message
    return data


def _check(name: str, passed: bool, score: float, points: float, message: str, hint: str, mistake: str) -> dict:
    return {"name": name, "passed": passed, "score": number(score), "max_score": number(points),
            "message": message, "hint": hint, "mistake": mistake}


def _scrubber(root: Path):
    prefixes = sorted({str(root) + os.sep, str(root.resolve()) + os.sep}, key=len, reverse=True)

    def scrub(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    return scrub


def write_gradebook(out: Path, course, exercises: list, book: dict[str, dict[str, dict]]) -> None:
    """grades.csv, grades.json and STUDENT/results.json (Gradescope's format) under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    ids = [ex.id for ex in exercises]
    write_text(out / "grades.csv", grades_csv(ids, book))
    write_text(out / "grades.json", json.dumps(grades_json(course, exercises, book), indent=2, ensure_ascii=False) + "\n")
    for student, entries in book.items():
        (out / student).mkdir(exist_ok=True)
        write_text(out / student / "results.json", json.dumps(gradescope(ids, entries), indent=2, ensure_ascii=False) + "\n")


def grades_csv(ids: list[str], book: dict[str, dict[str, dict]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *ids, "total"])
    for student, entries in book.items():
        scores = [entries[i]["score"] for i in ids]
        writer.writerow([student, *scores, number(sum(scores))])
    return buffer.getvalue()


def grades_json(course, exercises: list, book: dict[str, dict[str, dict]]) -> dict:
    maxima = {ex.id: _max(book, ex.id) for ex in exercises}
    students = {
        student: {"total": _total(entries, "score"), "max_total": _total(entries, "max_score"), "exercises": entries}
        for student, entries in book.items()
    }
    listed = [{"id": ex.id, "title": ex.title, "max_score": maxima[ex.id]} for ex in exercises]
    return {"course": course.name, "course_version": course.version, "exercises": listed, "students": students}


def gradescope(ids: list[str], entries: dict[str, dict]) -> dict:
    tests = []
    for ex_id in ids:
        for c in entries[ex_id]["checks"]:
            output = "\n".join(part for part in (c["message"], c["hint"] and f"hint: {c['hint']}") if part)
            tests.append({"name": f"{ex_id}: {c['name']}", "score": c["score"], "max_score": c["max_score"],
                          "output": output, "visibility": "visible"})
    return {"score": _total(entries, "score"), "max_score": _total(entries, "max_score"), "tests": tests}


def _total(entries: dict[str, dict], key: str) -> int | float:
    return number(sum(e[key] for e in entries.values()))


def _max(book: dict[str, dict[str, dict]], ex_id: str) -> int | float:
    return max((entries[ex_id]["max_score"] for entries in book.values()), default=0)


def write_text(path: Path, text: str) -> None:
    """Write whole or not at all: an interrupted run never leaves half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def summary(plan, run) -> dict:
    """What the instructor sees at the end of `grade` (and its --json): counts, per-exercise
    pass rates (passed / submitted) and mean scores of submitted files, and the known mistakes
    by how many students made them."""
    ids = [ex.id for ex in plan.exercises]
    entries = [e for per in run.book.values() for e in per.values()]
    return {
        "students": len(plan.students), "submissions": len(plan.submissions), "graded": run.graded,
        "cached": run.cached, "errors": sum(e["status"] == ERROR for e in entries),
        "not_submitted": sum(e["status"] == NOT_SUBMITTED for e in entries), "out": str(plan.out),
        "exercises": [_exercise_row(ex_id, run.book) for ex_id in ids],
        "mistakes": _mistakes(ids, run.book), "warnings": plan.warnings + run.warnings,
    }


def _exercise_row(ex_id: str, book: dict[str, dict[str, dict]]) -> dict:
    handed = [entries[ex_id] for entries in book.values() if entries[ex_id]["status"] != NOT_SUBMITTED]
    passed = sum(e["status"] == PASSED for e in handed)
    return {
        "exercise": ex_id, "submitted": len(handed), "passed": passed,
        "pass_rate": round(passed / len(handed), 3) if handed else None,
        "mean_score": number(round(sum(e["score"] for e in handed) / len(handed), 2)) if handed else None,
        "max_score": _max(book, ex_id), "errors": sum(e["status"] == ERROR for e in handed),
    }


def _mistakes(ids: list[str], book: dict[str, dict[str, dict]]) -> list[dict]:
    """Each known mistake counted once per student who made it, most frequent first."""
    counts = Counter(
        (ex_id, mistake)
        for entries in book.values() for ex_id in ids
        for mistake in {c["mistake"] for c in entries[ex_id]["checks"] if c["mistake"]}
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"exercise": e, "mistake": m, "students": n} for (e, m), n in ranked]
