"""results.json for Gradescope and for PrairieLearn, from gradebook entries (plain data).

Each check of each graded exercise is one test. Its output is the problem, where in the file and
the hint, as text (`output_format: text`: learner-derived text is never rendered as Markdown or
HTML); what the learner's code printed is added only when the zip was built with
`--show-stdout`. Every string is already cleaned of control characters (the gradebook entries are);
the learner's output is cleaned here. A results file is kept under `MAX_BYTES` (PrairieLearn's 1 MB)
by shortening the tests' outputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from grader.classroom.autograder.config import GRADESCOPE
from grader.classroom.gradebook import number
from grader.text import clean_block

MAX_BYTES = 1_000_000
MAX_PRINTED = 20_000  # characters of learner output kept per exercise, when shown


@dataclass
class Graded:
    """One exercise's outcome: its gradebook entry, and what the learner's code printed."""
    exercise_id: str
    title: str
    entry: dict
    printed: str = ""


@dataclass
class Run:
    graded: list[Graded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the top-level output
    message: str = ""  # why the run is incomplete or not gradable ("" when it finished)
    gradable: bool = True
    elapsed: float = 0.0
    isolation: list[str] = field(default_factory=list)


def results(fmt: str, config, run: Run) -> dict:
    data = gradescope(config, run) if fmt == GRADESCOPE else prairielearn(config, run)
    return fit(data)


def gradescope(config, run: Run) -> dict:
    tests = []
    for g in run.graded:
        for n, c in enumerate(g.entry["checks"], 1):
            tests.append({
                "name": f"{g.exercise_id}: {c['name']}", "number": f"{int(g.exercise_id.split('_')[0])}.{n}",
                "score": c["score"], "max_score": c["max_score"], "status": "passed" if c["passed"] else "failed",
                "output": check_output(c, g.printed if n == 1 and config.show_stdout else ""),
                "output_format": "text", "visibility": config.visibility_of(g.exercise_id, c["name"]),
            })
    return {"score": _total(run, "score"), "execution_time": round(run.elapsed, 2), "output": summary(run),
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def prairielearn(config, run: Run) -> dict:
    tests = []
    for g in run.graded:
        for n, c in enumerate(g.entry["checks"], 1):
            tests.append({
                "name": f"{g.exercise_id}: {c['name']}", "description": g.title, "points": c["score"],
                "max_points": c["max_score"], "message": c["message"],
                "output": check_output(c, g.printed if n == 1 and config.show_stdout else ""),
            })
    top = _total(run, "max_score")
    score = min(1.0, max(0.0, _total(run, "score") / top)) if top else 0.0
    return {"gradable": run.gradable, "score": score, "message": run.message or _headline(run),
            "output": summary(run), "tests": tests}


def check_output(check: dict, printed: str) -> str:
    """A check as the student reads it: the problem, where in the file, the hint (and the output, if shown)."""
    where = [f"where: {w['file']}, line {w['line']}" + (f": {w['code']}" if w["code"] else "") for w in check["where"]]
    where += [f"values first differ at {check['differs_at']}"] if check.get("differs_at") else []
    call = check.get("call") or ""
    parts = ["passed" if check["passed"] else f"problem: {check['message'] or 'failed'}", call and f"called: {call}",
             *where, check["hint"] and f"hint: {check['hint']}"]
    if printed:
        parts.append("your code printed:\n" + clean_block(printed, MAX_PRINTED))
    return "\n".join(p for p in parts if p)


def summary(run: Run) -> str:
    lines = [run.message] if run.message else []
    lines.append(_headline(run))
    for g in run.graded:
        e = g.entry
        passed = sum(c["passed"] for c in e["checks"])
        why = f": {e['message']}" if e["status"] not in ("passed", "failed") and e["message"] else ""
        lines.append(f"{g.exercise_id}: {e['status']}, {passed} of {len(e['checks'])} checks, "
                     f"{e['score']} of {e['max_score']} points{why}")
    lines += [f"note: {n}" for n in run.notes]
    return "\n".join(lines)  # the isolation layers are for the instructor: the autograder's log, not the student's page


def _headline(run: Run) -> str:
    return f"Score {_total(run, 'score')} of {_total(run, 'max_score')}."


def _total(run: Run, key: str) -> int | float:
    return number(sum(g.entry[key] for g in run.graded))


def fit(data: dict, limit: int = MAX_BYTES) -> dict:
    """`data` with its longest texts (each test's output and message, then the top-level ones) shortened
    until the whole file is under `limit` bytes."""
    cap = 100_000
    while len(encode(data)) > limit and cap >= 50:
        for row in [*data["tests"], data]:
            for key in ("output", "message"):
                if isinstance(row.get(key), str) and len(row[key]) > cap:
                    row[key] = row[key][:cap] + "\n[... shortened: the results file has a size limit]"
        cap //= 2
    return data


def encode(data: dict) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=True) + "\n").encode("ascii")
