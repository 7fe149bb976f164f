"""The gradebook's files: OUT/grades.csv, OUT/grades.json, OUT/students/STUDENT/results.json
(Gradescope's format) and OUT/.cache.json.

They are built in a new folder beside OUT and put in OUT's place at the end, so an interrupted
or crashed run leaves the previous gradebook as it was, never half of one. Per-student files
live under `students/`, so no student's name can clash with the gradebook's own files. CSV
cells that a spreadsheet would run as a formula are given a leading `'`, and those holding a
separator of any locale are quoted too (OWASP's advice).
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import threading
from pathlib import Path

from grader.classroom.folders import folder_names
from grader.classroom.gradebook import layers_in_force, number
from grader.text import clean_line

CACHE_FILE = ".cache.json"
STUDENTS = "students"
BOOK_FILES = ("grades.csv", "grades.json", CACHE_FILE, "similarity.csv", "similarity.html", "history.csv",
              "history.json")
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet cell may start a formula with
SEPARATORS = (",", ";", "\t")  # a CSV reader's separator, by locale


def write_gradebook(out: Path, course, exercises: list, book: dict[str, dict[str, dict]], cache_text: str = "",
                    unsafe: bool = False, extra: dict[str, str] | None = None) -> None:
    """Every file of the gradebook of `book`, then (in one step) in `out`'s place; `cache_text` is
    the cache to carry over into it, `extra` more files by name (the similarity report)."""
    new = _new_folder(out)
    try:
        ids = [ex.id for ex in exercises]
        write_text(new / "grades.csv", grades_csv(ids, book))
        write_text(new / "grades.json", _json(grades_json(course, exercises, book, unsafe)))
        (new / STUDENTS).mkdir()
        folders = folder_names(list(book))
        for student, entries in book.items():
            folder = new / STUDENTS / folders[student]
            folder.mkdir()
            write_text(folder / "results.json", _json(gradescope(ids, entries)))
        if cache_text:
            write_text(new / CACHE_FILE, cache_text)
        for name, text in (extra or {}).items():
            write_text(new / name, text)
        _put_in_place(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def _new_folder(out: Path) -> Path:
    """An empty folder beside `out`, hidden, named so that no earlier run's can be in the way."""
    out.parent.mkdir(parents=True, exist_ok=True)
    while True:
        new = out.parent / f".{out.name}.new-{secrets.token_hex(6)}"
        try:
            os.mkdir(new)
            return new
        except FileExistsError:
            continue


def _put_in_place(new: Path, out: Path) -> None:
    """`new` becomes `out`; the previous `out` is removed only once the new one is there."""
    if not os.path.lexists(out):
        os.rename(new, out)
        return
    old = out.parent / f".{out.name}.old-{secrets.token_hex(6)}"
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def foreign_names(out: Path) -> list[str]:
    """What in `out` is not a gradebook's (an earlier layout's STUDENT/results.json counts as one)."""
    if not out.is_dir():
        return []
    strangers = []
    for entry in sorted(os.scandir(out), key=lambda e: e.name):
        if entry.name in BOOK_FILES and entry.is_file(follow_symlinks=False) or _leftover(entry.name):
            continue
        if entry.name == STUDENTS and entry.is_dir(follow_symlinks=False):
            strangers += [f"{STUDENTS}/{e.name}" for e in os.scandir(entry.path) if not _results_only(e)]
        elif not _results_only(entry):
            strangers.append(entry.name)
    return strangers


def _results_only(entry: os.DirEntry) -> bool:
    return entry.is_dir(follow_symlinks=False) and all(
        name == "results.json" or _leftover(name) for name in os.listdir(entry.path))


def _leftover(name: str) -> bool:
    """A temporary file of an interrupted write_text."""
    return name.startswith(".") and name.endswith(".tmp")


def grades_csv(ids: list[str], book: dict[str, dict[str, dict]]) -> str:
    """A row per student: each exercise's score and its status (passed, failed, error, timed out, not
    submitted: zeros for different reasons read differently), the total and the points possible."""
    buffer = io.StringIO()
    writer = _Writer(buffer)
    statuses = [f"{i} status" for i in ids]  # after the scores: a sheet that reads the first columns reads them still
    writer.writerow([_cell(name) for name in ("student", *ids, "total", "points possible", *statuses)])
    for student, entries in book.items():
        scores = [entries[i]["score"] for i in ids]
        possible = number(sum(entries[i]["max_score"] for i in ids))
        writer.writerow([_cell(student), *scores, number(sum(scores)), possible, *(_cell(entries[i]["status"]) for i in ids)])
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Text for a CSV cell: control characters escaped, and a leading `'` where a spreadsheet would see a
    formula, in this cell or in one a reader splits it into at a separator of its locale (`,` `;` tab)."""
    shown = clean_line(text)
    risky = text.startswith(FORMULA) or shown.startswith(FORMULA) or any(c in text for c in SEPARATORS)
    return f"'{shown}" if risky else shown


class _Writer:
    """csv.writer's rows, but a text cell holding a separator of any common locale, a quote or a line
    break is quoted (csv.writer quotes only at its own separator, so `x;=1+2` would split in a `;` locale)."""

    def __init__(self, buffer: io.StringIO):
        self.buffer = buffer

    def writerow(self, row: list) -> None:
        self.buffer.write(",".join(map(_field, row)) + "\n")


def _field(value: object) -> str:
    if not isinstance(value, str):
        return str(value)  # a score
    quote = any(c in value for c in (*SEPARATORS, '"', "\n", "\r"))
    return '"' + value.replace('"', '""') + '"' if quote else value


def grades_json(course, exercises: list, book: dict[str, dict[str, dict]], unsafe: bool = False) -> dict:
    maxima = {ex.id: _max(book, ex.id) for ex in exercises}
    students = {
        clean_line(student): {"total": _total(entries, "score"), "max_total": _total(entries, "max_score"),
                              "exercises": entries}
        for student, entries in book.items()
    }
    listed = [{"id": ex.id, "title": ex.title, "max_score": maxima[ex.id]} for ex in exercises]
    return {"course": course.name, "course_version": course.version, "isolation": layers_in_force(book),
            "unsafe_no_sandbox": unsafe, "exercises": listed, "students": students}


def gradescope(ids: list[str], entries: dict[str, dict]) -> dict:
    tests = []
    for ex_id in ids:
        for c in entries[ex_id]["checks"]:
            tests.append({"name": f"{ex_id}: {c['name']}", "score": c["score"], "max_score": c["max_score"],
                          "output": _output(c), "visibility": "visible"})
    return {"score": _total(entries, "score"), "max_score": _total(entries, "max_score"), "tests": tests}


def _output(check: dict) -> str:
    """A check as Gradescope shows it: the message, where in the file, and the hint."""
    where = [f"where: {w['file']}, line {w['line']}" + (f": {w['code']}" if w["code"] else "") for w in check["where"]]
    where += [f"values first differ at {check['differs_at']}"] if check.get("differs_at") else []
    call = check.get("call") or ""  # a cache written before calls were kept has none
    parts = [call and f"called: {call}", check["message"], *where, check["hint"] and f"hint: {check['hint']}"]
    return "\n".join(clean_line(part) for part in parts if part)


def _total(entries: dict[str, dict], key: str) -> int | float:
    return number(sum(e[key] for e in entries.values()))


def _max(book: dict[str, dict[str, dict]], ex_id: str) -> int | float:
    return max((entries[ex_id]["max_score"] for entries in book.values()), default=0)


def _json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_text(path: Path, text: str) -> None:
    """Write whole or not at all: an interrupted run never leaves half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)
