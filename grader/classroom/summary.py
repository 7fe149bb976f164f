"""What the instructor sees at the end of `grade` (and its --json): counts, per-exercise pass
rates and mean scores, the known mistakes by how many students made them, and the isolation
layers in force. Plain data, from the gradebook's entries; nothing here imports torch.
"""

from __future__ import annotations

from collections import Counter

from grader.classroom.gradebook import LIMITS, NOT_SUBMITTED, layers_in_force, number
from grader.results import ERROR, PASSED
from grader.text import clean_line


def summary(plan, run) -> dict:
    """Counts (errors: scored 0 for an error in the file; limits: scored 0, stopped by a time, memory or
    process limit), pass rates (passed / submitted) and mean scores of submitted files, the most frequent
    known mistakes, the isolation layers reported for every file that ran, and the warnings."""
    ids = [ex.id for ex in plan.exercises]
    entries = [e for per in run.book.values() for e in per.values()]
    return {
        "students": len(plan.students), "submissions": len(plan.submissions), "graded": run.graded,
        "cached": run.cached, "errors": sum(e["status"] == ERROR for e in entries),
        "limits": sum(e["status"] in LIMITS for e in entries),
        "not_submitted": sum(e["status"] == NOT_SUBMITTED for e in entries), "out": str(plan.out),
        "isolation": layers_in_force(run.book), "unsafe_no_sandbox": getattr(run, "unsafe", False),
        "exercises": [_exercise_row(ex_id, run.book) for ex_id in ids],
        "mistakes": _mistakes(ids, run.book), "warnings": [clean_line(w) for w in plan.warnings + run.warnings],
    }


def _exercise_row(ex_id: str, book: dict[str, dict[str, dict]]) -> dict:
    handed = [entries[ex_id] for entries in book.values() if entries[ex_id]["status"] != NOT_SUBMITTED]
    passed = sum(e["status"] == PASSED for e in handed)
    return {
        "exercise": ex_id, "submitted": len(handed), "passed": passed,
        "pass_rate": round(passed / len(handed), 3) if handed else None,
        "mean_score": number(round(sum(e["score"] for e in handed) / len(handed), 2)) if handed else None,
        "max_score": max((entries[ex_id]["max_score"] for entries in book.values()), default=0),
        "errors": sum(e["status"] == ERROR for e in handed),
        "limits": sum(e["status"] in LIMITS for e in handed),
    }


def _mistakes(ids: list[str], book: dict[str, dict[str, dict]]) -> list[dict]:
    """Each known mistake counted once per student who made it, most frequent first."""
    counts = Counter(
        (ex_id, mistake)
        for entries in book.values() for ex_id in ids
        for mistake in {c["mistake"] for c in entries[ex_id]["checks"] if c["mistake"]}
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"exercise": e, "mistake": clean_line(m), "students": n} for (e, m), n in ranked]
