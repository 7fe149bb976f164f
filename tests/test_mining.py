"""`pytorch-tutor mine`: failing submissions that match no known mistake are grouped by how they
fail, each group of two or more becomes a draft mistake, and `validate` refuses a draft until
its hint is written. The class is graded once (exercise 09) with two planted unknown mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, cli, copy_course
from grader.classroom import mining
from grader.judging.mistakes import composed_source, mistake_files

SOLUTION = (ROOT / "reference" / "09_evaluation" / "solution.py").read_text()
LOSS = ("return total_loss / seen, correct / seen", "return total_loss, correct / seen")  # summed, not averaged
ORDER = ("return precision.mean().item(), recall.mean().item(), f1.mean().item()",
         "return f1.mean().item(), precision.mean().item(), recall.mean().item()")  # f1 first
SWAP = ("return total_loss / seen, correct / seen", "return correct / seen, total_loss / seen")


def planted(change: tuple[str, str], extra: str = "") -> str:
    assert change[0] in SOLUTION
    return SOLUTION.replace(change[0], change[1]) + extra


CLASS = {
    "ann": SOLUTION,
    "ben": planted(LOSS),
    "cy": planted(LOSS, "\n\ndef helper_of_mine(values):\n    return sum(values) / len(values)\n"),
    "dan": planted(ORDER, "\n# I think this is right\nDEBUG = False\n"),
    "eve": planted(ORDER),
    "fay": composed_source(ROOT / "reference/09_evaluation/mistakes/no_eval.py", ROOT / "reference/09_evaluation/solution.py"),
    "gus": planted(SWAP),  # an unknown mistake of one student only: no draft
    "hal": (ROOT / "exercises" / "09_evaluation.py").read_text(),  # the untouched stub: not a mistake
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("mine")
    course = copy_course(base / "course")
    for student, text in CLASS.items():
        (base / "hw1" / student).mkdir(parents=True)
        (base / "hw1" / student / "09_evaluation.py").write_text(text)
    result = cli(course, "grade", str(base / "hw1"), "-e", "09", "--no-similarity", "--unsafe-no-sandbox")
    assert result.exit_code == 0, result.output
    return base, course


@pytest.mark.slow
def test_unknown_failures_are_grouped_by_how_they_fail(graded):
    base, _ = graded
    book = mining.read_book(base / "hw1-gradebook")
    assert book["fay"]["exercises"]["09_evaluation"]["checks"]  # a known mistake: left out below
    found = mining.groups(book, "09_evaluation")
    assert [g["students"] for g in found] == [["ben", "cy"], ["dan", "eve"]]
    assert mining.groups(book, "09_evaluation", least=1)[-1]["students"] in (["gus"],)


@pytest.mark.slow
def test_mine_writes_drafts_that_validate_refuses_until_their_hint_is_written(graded):
    base, course = graded
    result = cli(course, "mine", str(base / "hw1-gradebook"), "-e", "09", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [(g["students"], g["written"]) for g in found] == [(["ben", "cy"], True), (["dan", "eve"], True)]
    drafts = sorted((course / "reference" / "09_evaluation" / "mistakes").glob("draft_*.py"))
    assert len(drafts) == 2
    loss = next(d for d in drafts if "total_loss, correct / seen" in d.read_text())
    text = loss.read_text()
    assert "ben, cy" in text and 'HINT = "TODO"' in text and "helper_of_mine" not in text  # ben's is the smaller
    assert "def evaluate" in text and "def precision_recall_f1" not in text  # only what differs from the reference
    assert "Evaluation and metrics" not in text and "# Remember the mode" not in text  # the stub's and comments gone
    assert [m.unreviewed for m in mistake_files(drafts)] == [True, True]
    again = cli(course, "mine", str(base / "hw1-gradebook"), "-e", "09", "--json")
    assert [g["written"] for g in json.loads(again.stdout)] == [False, False]  # a draft is never overwritten

    refused = cli(course, "validate", "09", "--quick")
    assert refused.exit_code != 0 and "draft mined from a class" in refused.output
    for draft, hint in zip(drafts, ("Average the loss over the samples.", "Return precision, recall, then F1.")):
        draft.write_text(draft.read_text().replace('HINT = "TODO"', f"HINT = {hint!r}"))
    accepted = cli(course, "validate", "09", "--quick")
    assert accepted.exit_code == 0, accepted.output


def test_a_draft_keeps_the_students_code_without_the_stubs_text():
    stub = (ROOT / "exercises" / "09_evaluation.py").read_text()
    code = mining.stripped(planted(LOSS), stub)
    assert "return (total_loss, correct / seen)" in code and '"""' not in code and "#" not in code
    only = mining.stripped(planted(LOSS), stub, (SOLUTION,))  # what it shares with the reference is left out
    assert "def evaluate" in only and "def confusion_matrix" not in only and "import torch" in only
    assert mining.stripped("def f(:\n", stub) is None


def entry(*checks: tuple[str, bool, str, str], status: str = "failed") -> dict:
    rows = [{"name": n, "passed": p, "score": int(p), "max_score": 1, "message": m, "hint": "", "mistake": k, "where": []}
            for n, p, m, k in checks]
    return {"status": status, "score": 0, "max_score": len(rows), "file": "", "message": "", "hint": "", "where": [],
            "isolation": None, "checks": rows}


def test_groups_take_the_same_wrong_values_on_the_same_checks_and_leave_out_the_rest():
    wrong = ("evaluate", False, "result[0]: expected 0.693147, got 2.77259 (error 2.07944)", "")
    book = {name: {"exercises": {"09": e}} for name, e in {
        "a": entry(wrong, ("f1", True, "", "")),
        "b": entry(("evaluate", False, "result[0]: expected 0.6931472, got 2.772589 (error 2.079442)", ""), ("f1", True, "", "")),
        "c": entry(("evaluate", False, "result[0]: expected 0.693147, got 1.5 (error 0.8)", "")),  # other values
        "d": entry(("evaluate", False, "your code raised ValueError: bad x", "")),
        "e": entry(("evaluate", False, "your code raised ValueError: bad y", "")),  # raised alike: a group
        "f": entry(("evaluate", False, "result[0]: expected 1, got 2", "no_eval")),  # a known mistake
        "g": entry(("evaluate", False, "not implemented yet: evaluate", "")),  # the stub
        "h": entry(wrong, status="error"),  # did not run
        "i": "not an entry",
    }.items()}
    found = mining.groups(book, "09")
    assert sorted(g["students"] for g in found) == [["a", "b"], ["d", "e"]]
