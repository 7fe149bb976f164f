"""The attempt history: each check and hint adds a line (no code), the file stays bounded, and
`grade` reads a handed-in history back as hostile input, into learner-reported columns."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import COURSE, ROOT, cli
from grader import history
from grader.classroom import attempts
from grader.classroom import plan as classroom
from grader.progress import Progress
from grader.results import CheckResult, ExerciseResult


def lines_of(state: Path) -> list[dict]:
    return [json.loads(line) for line in (state / history.NAME).read_text().splitlines()]


def test_a_check_and_a_hint_each_add_a_line_with_names_only(course_dir):
    (course_dir / "exercises" / "01_tensors.py").write_text(
        (ROOT / "reference" / "01_tensors" / "solution.py").read_text().replace("float32", "int64") + "\nSECRET_CODE = 1\n")
    assert cli(course_dir, "check", "01").exit_code == 1
    assert cli(course_dir, "hint", "01").exit_code == 0
    state = course_dir / ".pytorch-tutor"
    check, hint = lines_of(state)
    assert check["kind"] == "check" and check["exercise"] == "01_tensors" and check["verdict"] == "failed"
    assert check["failing"] and check["t"].endswith("+00:00")
    assert hint == {"t": hint["t"], "kind": "hint", "exercise": "01_tensors", "function": hint["function"], "level": 1}
    text = (state / history.NAME).read_text()
    assert "SECRET_CODE" not in text and "int64" not in text and "def " not in text


def test_a_line_holds_the_known_mistake_but_never_the_learners_message():
    result = ExerciseResult("03_nn_module", "t", "failed", checks=[
        CheckResult("count_parameters", False, message="got `self.secret = 1`", hint="use numel", mistake="counts_frozen"),
        CheckResult("forward", True)])
    line = history.check_line(result)
    assert (line["verdict"], line["failing"], line["mistake"], line["hints"]) == (
        "failed", ["count_parameters"], "counts_frozen", 1)
    assert "secret" not in json.dumps(line)


def test_the_history_keeps_its_last_lines_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(history, "MAX_LINES", 5)
    for n in range(12):
        history.append(tmp_path, history.hint_line("01_tensors", "f", n + 1))
    kept = lines_of(tmp_path)
    assert [line["level"] for line in kept] == [8, 9, 10, 11, 12]
    assert sorted(os.listdir(tmp_path)) == ["history.jsonl", "history.lock"]


def test_a_history_that_cannot_be_written_costs_the_history_not_the_check(tmp_path):
    (tmp_path / "state").write_text("a file where the folder should be")
    history.append(tmp_path / "state", history.hint_line("01_tensors", "f", 1))  # no exception
    Progress(tmp_path / "ok").record_result("01_tensors", ExerciseResult("01_tensors", "t", "passed"))
    assert lines_of(tmp_path / "ok")[0]["verdict"] == "passed"


GOOD = {"t": "2026-01-01T10:00:00+00:00", "kind": "check", "exercise": "01_tensors", "verdict": "failed",
        "failing": ["tensor_from_list"], "mistake": "int_dtype_from_list", "hints": 1}


@pytest.mark.parametrize("bad", [
    "not json", "[1, 2]", "[" * 100_000, json.dumps({**GOOD, "exercise": "99_nope"}),
    json.dumps({**GOOD, "hints": True}), json.dumps({**GOOD, "hints": -1}), json.dumps({**GOOD, "verdict": "won"}),
    json.dumps({**GOOD, "failing": "tensor_from_list"}), json.dumps({**GOOD, "failing": ["x"] * 51}),
    json.dumps({**GOOD, "mistake": "\x1b[2J<script>"}), json.dumps({**GOOD, "t": "yesterday"}),
    json.dumps({**GOOD, "t": "2026-01-01T10:00:00"}), json.dumps({**GOOD, "mistake": "m" * 5000}),
    json.dumps({**GOOD, "kind": "hint"}),
])
def test_a_handed_in_history_is_validated_line_by_line(bad):
    lines, refused = history.parse(f"{json.dumps(GOOD)}\n{bad}\n".encode(), {"01_tensors"})
    assert lines == [GOOD] and refused == 1


def test_a_history_too_large_is_not_read():
    assert history.parse(b"x" * (history.MAX_BYTES + 1), {"01_tensors"}) == ([], 1)


def line(t: str, verdict: str, mistake: str = "", ex: str = "01_tensors", kind: str = "check") -> str:
    if kind == "hint":
        return json.dumps({"t": f"2026-01-01T10:{t}+00:00", "kind": "hint", "exercise": ex, "function": "f", "level": 1})
    return json.dumps({**GOOD, "t": f"2026-01-01T10:{t}+00:00", "verdict": verdict, "exercise": ex,
                       "mistake": mistake, "failing": [] if verdict == "passed" else ["tensor_from_list"]})


def test_grade_reads_each_students_history_into_learner_reported_columns(tmp_path):
    hw = tmp_path / "hw"
    for name in ("ann", "ben", "cy"):
        (hw / name).mkdir(parents=True)
        (hw / name / "01_tensors.py").write_text("x = 1\n")
    (hw / "ann" / "history.jsonl").write_text("\n".join([
        line("00:00", "failed", "int_dtype_from_list"), line("01:00", "error"), line("01:30", "x", kind="hint"),
        line("02:00", "failed", "numpy_copied"), line("05:00", "passed"), line("06:00", "failed", "late_one"),
        "garbage"]) + "\n")
    (hw / "ben" / "history.jsonl").write_text(line("00:00", "failed", "int_dtype_from_list") + "\n")
    (hw / "cy" / "history.jsonl").symlink_to(hw / "ann" / "history.jsonl")
    found = classroom.plan(COURSE, hw, tmp_path / "book", "01")
    assert not found.warnings  # history.jsonl is not an unknown file
    files, block = attempts.report(found)
    data = json.loads(files["history.json"])
    assert data["note"].startswith("learner-reported") and data["refused_lines"] == {"ann": 1}
    assert set(data["students"]) == {"ann", "ben"}  # cy's is a symbolic link: never followed
    assert data["students"]["ann"]["01_tensors"] == {
        "checks": 5, "attempts_to_pass": 4, "mistakes_before_pass": ["int_dtype_from_list", "numpy_copied"],
        "hints_requested": 1, "hints_shown_before_pass": 3, "seconds_to_pass": 300}
    assert data["students"]["ben"]["01_tensors"]["attempts_to_pass"] is None
    assert block["mistakes_before_pass"][0] == {"exercise": "01_tensors", "mistake": "int_dtype_from_list", "students": 2}
    assert "learner-reported" in files["history.csv"].splitlines()[1]


def test_no_history_handed_in_adds_nothing(tmp_path):
    (tmp_path / "hw" / "ann").mkdir(parents=True)
    (tmp_path / "hw" / "ann" / "01_tensors.py").write_text("x = 1\n")
    assert attempts.report(classroom.plan(COURSE, tmp_path / "hw", tmp_path / "book", "01")) == ({}, None)
