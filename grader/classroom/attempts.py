"""How each student got there, from the attempt history they handed in (learner-reported).

A student may hand in `history.jsonl` (from the course's `.pytorch-tutor/`) beside the
exercise files: `alice/history.jsonl` or `alice__history.jsonl`. It is read once at the end
of `grade`, through the same private, link-refusing reads as the submissions, and parsed as
hostile input (`grader.history.parse`). The gradebook gets history.csv and history.json: per
student and exercise, the checks run, the attempts up to the first pass, the known mistakes
met before it, the hints asked for (and shown by failing checks) and the time from the first check to the pass; the summary,
per exercise, the mistakes most met before passing. A student can edit the file, so all of it
is labelled learner-reported, and none of it touches a score.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from grader import history
from grader.classroom.snapshot import read_private
from grader.text import clean_line

NOTE = "learner-reported: read from the history.jsonl each student handed in, which a student can edit; no score uses it"
FILES = ("history.csv", "history.json")


def read_histories(plan) -> dict[str, tuple[list[dict], int]]:
    """Each student's valid history lines and how many were refused, for the students who handed one in."""
    ids = {ex.id for ex in plan.exercises}
    found = {}
    for student, raw in _raw_names(plan).items():
        for rel in (f"{raw}/{history.NAME}", f"{raw}__{history.NAME}"):
            data, problem = read_private(plan.root, rel, clean_line(rel))
            if not problem:
                found[student] = history.parse(data, ids)
                break
    return found


def _raw_names(plan) -> dict[str, str]:
    """Each student's name as shown -> as on disk (the folder, or the part before `__`)."""
    names = {}
    for sub in plan.submissions:
        first = sub.rel.split("/")[0]
        names.setdefault(sub.student, first if "/" in sub.rel else first.rpartition("__")[0] or first)
    return names


def per_exercise(lines: list[dict], ex_id: str) -> dict | None:
    """One student's path through one exercise, or None if the history never mentions it."""
    checks = [line for line in lines if line["exercise"] == ex_id and line["kind"] == "check"]
    hints = [line for line in lines if line["exercise"] == ex_id and line["kind"] == "hint"]
    if not checks and not hints:
        return None
    first_pass = next((n for n, line in enumerate(checks) if line["verdict"] == "passed"), None)
    before = checks if first_pass is None else checks[:first_pass]
    seconds = None
    if first_pass is not None and checks:
        delta = history.time_of(checks[first_pass]["t"]) - history.time_of(checks[0]["t"])
        seconds = max(0, int(delta.total_seconds()))
    return {"checks": len(checks), "attempts_to_pass": None if first_pass is None else first_pass + 1,
            "mistakes_before_pass": sorted({clean_line(line["mistake"], 120) for line in before if line["mistake"]}),
            "hints_requested": len(hints), "hints_shown_before_pass": sum(line["hints"] for line in before),
            "seconds_to_pass": seconds}


def table(plan, histories: dict) -> dict[str, dict[str, dict]]:
    """student -> exercise id -> that student's path (exercises the history never mentions left out)."""
    out = {}
    for student, (lines, _) in sorted(histories.items()):
        rows = {ex.id: per_exercise(lines, ex.id) for ex in plan.exercises}
        out[student] = {ex_id: row for ex_id, row in rows.items() if row is not None}
    return out


def report(plan) -> tuple[dict[str, str], dict | None]:
    """The gradebook's history files and the summary's block; ({}, None) when no student handed a history in."""
    histories = read_histories(plan)
    if not histories:
        return {}, None
    rows = table(plan, histories)
    refused = {clean_line(s): n for s, (_, n) in sorted(histories.items()) if n}
    data = {"note": NOTE, "refused_lines": refused, "students": {clean_line(s): r for s, r in rows.items()}}
    files = {"history.json": json.dumps(data, indent=2, ensure_ascii=False) + "\n", "history.csv": _csv(rows)}
    return files, {"note": NOTE, "students": len(histories), "mistakes_before_pass": _before_pass(rows)}


def _csv(rows: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "exercise", "checks", "attempts_to_pass", "mistakes_before_pass", "hints_requested",
                     "hints_shown_before_pass", "seconds_to_pass", "source"])
    for student, per in rows.items():
        for ex_id, r in per.items():
            name = clean_line(student)
            writer.writerow(["'" + name if name.startswith(("=", "+", "-", "@")) else name, ex_id, r["checks"],
                             _blank(r["attempts_to_pass"]), " ".join(r["mistakes_before_pass"]), r["hints_requested"],
                             r["hints_shown_before_pass"], _blank(r["seconds_to_pass"]), "learner-reported"])
    return buffer.getvalue()


def _blank(value) -> str:
    return "" if value is None else str(value)


def _before_pass(rows: dict) -> list[dict]:
    """Per exercise, the known mistakes students met before passing, by how many students met each."""
    counts = Counter((ex_id, m) for per in rows.values() for ex_id, r in per.items() for m in r["mistakes_before_pass"])
    ranked = sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
    return [{"exercise": e, "mistake": m, "students": n} for (e, m), n in ranked]
