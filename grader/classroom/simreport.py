"""The similarity report's files in the gradebook: similarity.csv (every pair scoring at least
FLOOR) and similarity.html (the pairs at or above the threshold side by side, the runs they
share highlighted), and the summary's top pairs. Every learner string (names, file labels,
code) is stripped of control characters and HTML-escaped; the page loads nothing.
"""

from __future__ import annotations

import csv
import html
import io

from grader.classroom.similarity import K, THRESHOLD, Doc, Pair
from grader.text import clean_block, clean_line

FLOOR = 0.25  # pairs below it are not listed in similarity.csv
SHOWN = 30  # pairs per exercise drawn side by side in similarity.html
TOP = 10  # pairs named in the summary
FILES = ("similarity.csv", "similarity.html")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def summary_rows(pairs: list[Pair], threshold: float = THRESHOLD) -> list[dict]:
    """The highest pairs at or above `threshold`, as the summary lists them."""
    return [{"exercise": p.exercise, "students": [clean_line(p.a.student), clean_line(p.b.student)],
             "score": p.score, "shared": p.shared} for p in pairs if p.score >= threshold][:TOP]


def csv_text(pairs: list[Pair]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["exercise", "student_a", "student_b", "score", "shared_fingerprints", "file_a", "file_b"])
    for p in pairs:
        if p.score >= FLOOR:
            writer.writerow([_cell(p.exercise), _cell(p.a.student), _cell(p.b.student), p.score, p.shared,
                             _cell(p.a.label), _cell(p.b.label)])
    return buffer.getvalue()


def _cell(text: str) -> str:
    shown = clean_line(text)
    return f"'{shown}" if shown.startswith(_FORMULA) else shown


_STYLE = """body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;
padding:2px 6px}.pair{display:flex;gap:1em}.side{flex:1;min-width:0}pre{background:#f7f7f7;padding:6px;
overflow-x:auto;font-size:12px}mark{background:#ffd54f}"""


def html_text(pairs: list[Pair], threshold: float = THRESHOLD) -> str:
    """A page with every exercise's pairs at or above `threshold`, side by side, shared runs highlighted."""
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>similarity</title>",
             f"<style>{_STYLE}</style></head><body><h1>Similar submissions</h1>",
             f"<p>Pairs scoring at least {threshold:g} (shared fingerprints over the smaller file's, after the stub, "
             "the reference, its styles and mistakes, and what most of the class shares, are set aside). "
             "A high score asks for a look, not a verdict.</p>"]
    shown = [p for p in pairs if p.score >= threshold]
    if not shown:
        parts.append("<p>No pair reaches the threshold.</p>")
    for exercise in dict.fromkeys(p.exercise for p in shown):
        mine = [p for p in shown if p.exercise == exercise][:SHOWN]
        parts.append(f"<h2>{_e(exercise)}</h2>")
        for p in mine:
            parts.append(_pair(p))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _pair(p: Pair) -> str:
    a_marks, b_marks = _marks(p.a, p.b), _marks(p.b, p.a)
    head = f"<h3>{_e(p.a.student)} &amp; {_e(p.b.student)}: score {p.score:g}, {p.shared} shared fingerprints</h3>"
    sides = "".join(f"<div class='side'><b>{_e(d.label)}</b><pre>{_highlight(d.text, m)}</pre></div>"
                    for d, m in ((p.a, a_marks), (p.b, b_marks)))
    return f"{head}<div class='pair'>{sides}</div>"


def _marks(doc: Doc, other: Doc) -> list[tuple[int, int]]:
    """The character ranges of `doc` covered by runs it shares with `other`, merged."""
    ranges = []
    for h, starts in doc.prints.items():
        if h in other.prints:
            for at in starts:
                last = min(at + K - 1, len(doc.spans) - 1)
                ranges.append((doc.spans[at][0], doc.spans[last][1]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _highlight(text: str, marks: list[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in marks:
        out.append(_code(text[at:start]))
        out.append(f"<mark>{_code(text[start:end])}</mark>")
        at = end
    out.append(_code(text[at:]))
    return "".join(out)


def _code(text: str) -> str:
    return html.escape(clean_block(text), quote=True)


def _e(text: str) -> str:
    return html.escape(clean_line(text), quote=True)


def report(plan, wanted: bool | None) -> tuple[dict[str, str], list[dict] | None]:
    """The report's files and the summary's top pairs for `plan`'s submissions (the bytes read at plan
    time, so the same with --ray); ({}, None) when not `wanted`, by default for a class under 3 students."""
    from grader.classroom.copies import class_pairs

    if wanted is False or (wanted is None and len(plan.students) < 3):
        return {}, None
    pairs = class_pairs(plan)
    return {"similarity.csv": csv_text(pairs), "similarity.html": html_text(pairs)}, summary_rows(pairs)
