"""`pytorch-tutor grade`: a whole class graded into a gradebook, end to end.

The class below holds correct files, untouched stubs, known mistakes, other correct styles,
a syntax error, a hanging file, two crashing ones, the flat `student__NN_name.py` layout and
missing exercises. Its gradebook must equal the golden files in tests/golden/grade/ exactly.
After a deliberate change to grading or to the course's checks, regenerate them with

    UPDATE_GOLDEN=1 python -m pytest tests/test_grade.py

and read the diff of tests/golden/grade/ (every score, status and message) before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT, cli, copy_course
from grader.classroom import grading, plan as classroom

GOLDEN = ROOT / "tests" / "golden" / "grade"
EXERCISES = "01,02,03"
M, S = ROOT / "tests" / "mistakes", ROOT / "tests" / "styles"

CLASS = {  # student -> file name in the class folder -> its content (a Path to copy, or text)
    "alice": {"01_tensors.py": ROOT / "reference/01_tensors/solution.py", "02_autograd.py": ROOT / "reference/02_autograd/solution.py",
              "03_nn_module.py": ROOT / "reference/03_nn_module/solution.py", "notes.txt": "my notes\n"},
    "bob": {"01_tensors.py": ROOT / "exercises/01_tensors.py", "02_autograd.py": ROOT / "exercises/02_autograd.py"},
    "carol": {"01_tensors.py": M / "01_tensors/int_dtype_from_list.py",
              "02_autograd.py": M / "02_autograd/forgot_requires_grad.py",
              "03_nn_module.py": M / "03_nn_module/no_super_init.py"},
    "dave": {"01_tensors.py": S / "01_tensors/as_tensor_and_generator.py", "02_autograd.py": S / "02_autograd/func_grad.py",
             "03_nn_module.py": S / "03_nn_module/modulelist_loop.py"},
    "erin": {"01_tensors.py": "import torch\n\ndef tensor_from_list(data)\n    return data\n",
             "02_autograd.py": ROOT / "reference/02_autograd/solution.py"},
    "frank": {"01_tensors.py": "while True: pass\n", "02_autograd.py": S / "02_autograd/autograd_grad.py"},
    "grace": {"01_tensors.py": "import os\n\nos._exit(1)\n",
              "02_autograd.py": "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n"},
    "ivan": {"02_autograd.py": M / "02_autograd/grads_as_tensors.py"},
    "judy": {"01_tensors.py": M / "01_tensors/numpy_copied.py", "02_autograd.py": M / "02_autograd/forgot_requires_grad.py"},
    "ken": {"readme.txt": "I could not finish, sorry\n"},
}
FLAT = {  # files directly in the class folder
    "heidi__01_tensors.py": M / "01_tensors/numpy_copied.py",
    "heidi__02_autograd.py": M / "02_autograd/b_counted_once.py",
    "zed__99_unknown.py": "x = 1\n",
    "README.md": "submissions for homework 1\n",
    ".DS_Store": "",
}
SUBMITTED = sum(name.endswith(".py") for files in CLASS.values() for name in files) + 2


def write_files(folder: Path, files: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content.read_text(encoding="utf-8") if isinstance(content, Path) else content
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    return copy_course(tmp_path_factory.mktemp("course"))


def grade(course_dir: Path, *args: str):
    started = time.monotonic()
    result = cli(course_dir, "grade", *args)
    result.seconds = time.monotonic() - started
    return result


@pytest.fixture(scope="module")
def graded(course_dir, tmp_path_factory):
    """The class graded once (the first run fills the cache)."""
    base = tmp_path_factory.mktemp("class")
    for student, files in CLASS.items():
        write_files(base / "hw1" / student, files)
    write_files(base / "hw1", FLAT)
    (base / "hw1" / "__MACOSX").mkdir()
    result = grade(course_dir, str(base / "hw1"), "--exercises", EXERCISES, "--timeout", "2")
    return base, result


def gradebook_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ["grades.csv", "grades.json"])
def test_the_class_gradebook_matches_the_golden_files(graded, name):
    base, result = graded
    assert result.exit_code == 0, result.output
    written = (base / "hw1-gradebook" / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


def test_the_gradebook_holds_no_absolute_paths_or_times(graded):
    base, _ = graded
    text = (base / "hw1-gradebook" / "grades.json").read_text()
    assert str(base) not in text and "/tmp" not in text and "elapsed" not in text
    students = json.loads(text)["students"]
    assert list(students) == sorted(CLASS.keys() | {"heidi"})
    assert "zed" not in students and "__MACOSX" not in students


def test_every_problem_is_scored_zero_with_its_reason_and_the_run_continues(graded):
    base, result = graded
    book = json.loads((base / "hw1-gradebook" / "grades.json").read_text())["students"]
    reasons = {
        ("erin", "01_tensors"): "cannot be graded yet: SyntaxError, line 3",
        ("frank", "01_tensors"): "time limit: your code was still running after 2 s",
        ("grace", "01_tensors"): "your code exited (exit status 1)",
        ("grace", "02_autograd"): "your code crashed (SIGKILL)",
        ("ivan", "01_tensors"): "not submitted",
        ("ken", "03_nn_module"): "not submitted",
    }
    for (student, exercise), reason in reasons.items():
        entry = book[student]["exercises"][exercise]
        assert entry["score"] == 0 and reason in entry["message"], (student, exercise, entry["message"])
        assert all(reason in c["message"] and c["score"] == 0 for c in entry["checks"])
    assert book["erin"]["exercises"]["02_autograd"]["status"] == "passed"  # after her broken 01
    assert book["frank"]["exercises"]["02_autograd"]["status"] == "passed"  # after his hanging 01
    assert book["alice"]["total"] == book["alice"]["max_total"] == book["dave"]["total"]
    assert f"{SUBMITTED} submissions: {SUBMITTED} graded, 0 unchanged" in result.output


def test_unmatched_files_are_listed_in_a_warning(graded):
    _, result = graded
    line = next(line for line in result.output.splitlines() if "match no exercise" in line)
    for name in ("README.md", "alice/notes.txt", "ken/readme.txt", "zed__99_unknown.py"):
        assert name in line
    assert ".DS_Store" not in line and "__MACOSX" not in line


def test_results_json_is_in_gradescope_format(graded):
    base, _ = graded
    carol = json.loads((base / "hw1-gradebook" / "carol" / "results.json").read_text())
    assert set(carol) == {"score", "max_score", "tests"}
    assert carol["score"] == sum(t["score"] for t in carol["tests"])
    assert carol["max_score"] == sum(t["max_score"] for t in carol["tests"])
    assert all(set(t) == {"name", "score", "max_score", "output", "visibility"} for t in carol["tests"])
    assert all(t["visibility"] == "visible" for t in carol["tests"])
    first = carol["tests"][0]
    assert first["name"] == "01_tensors: tensor_from_list" and first["score"] == 0
    assert "dtype differs" in first["output"] and "\nhint: " in first["output"]
    ken = json.loads((base / "hw1-gradebook" / "ken" / "results.json").read_text())
    assert ken["score"] == 0 and ken["max_score"] == carol["max_score"]
    assert all(t["output"].startswith("not submitted") for t in ken["tests"])


def test_a_second_run_takes_unchanged_results_from_the_cache(graded, course_dir):
    base, first = graded
    out = base / "hw1-gradebook"
    before = gradebook_files(out)
    again = grade(course_dir, str(base / "hw1"), "--exercises", EXERCISES, "--timeout", "2", "--json")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert (summary["graded"], summary["cached"]) == (0, SUBMITTED)
    assert gradebook_files(out) == before  # byte for byte, the cache included
    assert again.seconds < min(10, first.seconds / 2), (again.seconds, first.seconds)


def test_the_summary_counts_pass_rates_and_known_mistakes(graded, course_dir):
    base, _ = graded
    result = grade(course_dir, str(base / "hw1"), "--exercises", EXERCISES, "--timeout", "2", "--json")
    summary = json.loads(result.stdout)
    rows = {row["exercise"]: row for row in summary["exercises"]}
    assert (rows["01_tensors"]["passed"], rows["01_tensors"]["submitted"], rows["01_tensors"]["errors"]) == (2, 9, 3)
    assert (rows["03_nn_module"]["passed"], rows["03_nn_module"]["submitted"]) == (2, 3)
    assert summary["mistakes"][:2] == [
        {"exercise": "01_tensors", "mistake": "numpy_copied", "students": 2},
        {"exercise": "02_autograd", "mistake": "forgot_requires_grad", "students": 2},
    ]
    assert {"exercise": "02_autograd", "mistake": "b_counted_once", "students": 1} in summary["mistakes"]
    table = grade(course_dir, str(base / "hw1"), "--exercises", EXERCISES, "--timeout", "2").output
    assert "most frequent known mistakes" in table and "numpy_copied" in table
    row = next(line for line in table.splitlines() if line.startswith("| 01_tensors"))
    assert [cell.strip() for cell in row.strip("|").split("|")] == ["01_tensors", "2 / 9", "22%", "3 / 6", "3"]


def test_force_grades_again_and_gives_the_same_grades(graded, course_dir, tmp_path):
    base, _ = graded
    out = tmp_path / "book"
    shutil.copytree(base / "hw1-gradebook", out)
    result = grade(course_dir, str(base / "hw1"), "-e", "03", "--timeout", "2", "--out", str(out), "--force", "--json")
    assert result.exit_code == 0, result.output
    assert (json.loads(result.stdout)["graded"], json.loads(result.stdout)["cached"]) == (3, 0)
    golden = [[row[0], row[3]] for row in (r.split(",") for r in (GOLDEN / "grades.csv").read_text().splitlines())]
    assert [line.split(",")[:2] for line in (out / "grades.csv").read_text().splitlines()] == golden


def test_changed_files_are_graded_again(course_dir, tmp_path):
    subs = tmp_path / "subs"
    write_files(subs / "amy", {"01_tensors.py": ROOT / "exercises/01_tensors.py"})
    write_files(subs / "ben", {"01_tensors.py": ROOT / "exercises/01_tensors.py"})
    first = grade(course_dir, str(subs), "-e", "1", "-j", "1", "--json")
    assert json.loads(first.stdout)["graded"] == 2
    (subs / "ben" / "01_tensors.py").write_text((ROOT / "reference/01_tensors/solution.py").read_text())
    (subs / "amy" / "01_tensors.py").touch()  # a newer time but the same content: still cached
    second = json.loads(grade(course_dir, str(subs), "-e", "1", "-j", "1", "--json").stdout)
    assert (second["graded"], second["cached"]) == (1, 1)
    assert (tmp_path / "subs-gradebook" / "grades.csv").read_text() == "student,01_tensors,total\namy,0,0\nben,6,6\n"


def test_discovery_takes_both_layouts_and_warns_about_two_files_for_one_exercise(course, tmp_path):
    write_files(tmp_path / "subs" / "amy", {"01_tensors.py": "x = 1\n", "02_autograd.py": "x = 2\n"})
    write_files(tmp_path / "subs", {"amy__01_tensors.py": "x = 3\n", "bo__03_nn_module.py": "", "._bo__01_tensors.py": ""})
    plan = classroom.plan(course, tmp_path / "subs", only="01,03")
    assert plan.out == tmp_path / "subs-gradebook"
    assert plan.students == ["amy", "bo"]
    assert [s.label for s in plan.submissions] == ["amy/01_tensors.py", "bo__03_nn_module.py"]
    assert plan.warnings == ["amy has two files for 01_tensors: grading amy/01_tensors.py, not amy__01_tensors.py"]


@pytest.mark.parametrize("case", ["missing", "a file", "no submissions", "unknown exercise", "out is the input"])
def test_usage_errors_exit_2(course_dir, tmp_path, case):
    write_files(tmp_path / "subs" / "amy", {"notes.txt": "hello\n"})
    if case != "no submissions":
        write_files(tmp_path / "subs" / "amy", {"01_tensors.py": "x = 1\n"})
    args, message = {
        "missing": ([str(tmp_path / "nope")], "does not exist"),
        "a file": ([str(tmp_path / "subs" / "amy" / "notes.txt")], "is not a folder"),
        "no submissions": ([str(tmp_path / "subs")], "No submissions found"),
        "unknown exercise": ([str(tmp_path / "subs"), "-e", "01,99"], "There is no exercise '99'"),
        "out is the input": ([str(tmp_path / "subs"), "-o", str(tmp_path / "subs")], "must not be the submissions folder"),
    }[case]
    result = grade(course_dir, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "subs-gradebook").exists()


def test_correct_files_graded_side_by_side_all_pass(course_dir, tmp_path):
    """Threads computing references at once must not disturb each other's seeded random state
    (exercise 04 builds its models from torch's global generator): every copy scores full marks."""
    for n in range(6):
        write_files(tmp_path / "subs" / f"s{n}", {"04_training_loop.py": ROOT / "reference/04_training_loop/solution.py"})
    result = grade(course_dir, str(tmp_path / "subs"), "-e", "04", "-j", "2", "--json")
    row = json.loads(result.stdout)["exercises"][0]
    assert (row["passed"], row["submitted"]) == (6, 6), result.stdout


def test_a_grader_failure_on_one_file_costs_that_file_only_and_a_damaged_cache_is_not_fatal(course, tmp_path, monkeypatch):
    from grader import engine
    from grader.classroom import gradebook

    for student in ("amy", "ben"):
        write_files(tmp_path / "subs" / student, {"01_tensors.py": ROOT / "exercises/01_tensors.py"})
    real = engine.check_exercise

    def flaky(course, exercise, file, *args, **kwargs):
        if "ben" in str(file):
            raise RuntimeError("boom")
        return real(course, exercise, file, *args, **kwargs)

    monkeypatch.setattr(engine, "check_exercise", flaky)
    plan = classroom.plan(course, tmp_path / "subs", only="01")
    plan.out.mkdir()
    (plan.out / ".cache.json").write_text("{ damaged")
    run = grading.grade_class(course, plan, jobs=1)
    assert run.graded == 2 and "could not be read" in run.warnings[0]
    ben = run.book["ben"]["01_tensors"]
    assert ben["status"] == "error" and ben["score"] == 0 and ben["file"] == "ben/01_tensors.py"
    assert ben["message"] == "the grader could not grade this file: RuntimeError: boom"
    assert run.book["amy"]["01_tensors"]["status"] == "failed"
    assert gradebook.summary(plan, run)["errors"] == 1
    cached = json.loads((plan.out / ".cache.json").read_text())["entries"]
    assert list(cached) == ["amy/01_tensors"]


def test_notebook_submissions_are_graded_like_files(course_dir, tmp_path):
    import nbformat

    subs = tmp_path / "subs"
    right = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%matplotlib inline"),
                                            nbformat.v4.new_code_cell((ROOT / "reference/01_tensors/solution.py").read_text())])
    wrong = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch\n"),
                                            nbformat.v4.new_code_cell("def tensor_from_list(data)\n    return data\n")])
    (subs / "amy").mkdir(parents=True)
    nbformat.write(right, subs / "amy" / "01_tensors.ipynb")
    nbformat.write(wrong, subs / "ben__01_tensors.ipynb")
    result = grade(course_dir, str(subs), "-e", "1", "-j", "1", "--json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "subs-gradebook" / "grades.csv").read_text() == "student,01_tensors,total\namy,6,6\nben,0,0\n"
    book = json.loads((tmp_path / "subs-gradebook" / "grades.json").read_text())
    assert "cell 2, line 1" in json.dumps(book)
