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
from pathlib import Path

import pytest

from conftest import COURSE, ROOT, cli, copy_course
from grader.classroom import grading, plan as classroom

GOLDEN = ROOT / "tests" / "golden" / "grade"
EXERCISES = "01,02,03"


def M(ex_id: str, name: str) -> str:
    """A known mistake as a learner would hand it in: the reference with the mistake's definitions."""
    from grader.judging.mistakes import composed_source

    folder = ROOT / "reference" / ex_id
    return composed_source(folder / "mistakes" / f"{name}.py", folder / "solution.py")


def S(ex_id: str, name: str) -> Path:
    return ROOT / "reference" / ex_id / "styles" / f"{name}.py"



CLASS = {  # student -> file name in the class folder -> its content (a Path to copy, or text)
    "alice": {"01_tensors.py": ROOT / "reference/01_tensors/solution.py", "02_autograd.py": ROOT / "reference/02_autograd/solution.py",
              "03_nn_module.py": ROOT / "reference/03_nn_module/solution.py", "notes.txt": "my notes\n"},
    "bob": {"01_tensors.py": ROOT / "exercises/01_tensors.py", "02_autograd.py": ROOT / "exercises/02_autograd.py"},
    "carol": {"01_tensors.py": M("01_tensors", "int_dtype_from_list"),
              "02_autograd.py": M("02_autograd", "forgot_requires_grad"),
              "03_nn_module.py": M("03_nn_module", "no_super_init")},
    "dave": {"01_tensors.py": S("01_tensors", "as_tensor_and_generator"), "02_autograd.py": S("02_autograd", "func_grad"),
             "03_nn_module.py": S("03_nn_module", "modulelist_loop")},
    "erin": {"01_tensors.py": "import torch\n\ndef tensor_from_list(data)\n    return data\n",
             "02_autograd.py": ROOT / "reference/02_autograd/solution.py"},
    "frank": {"01_tensors.py": "while True: pass\n", "02_autograd.py": S("02_autograd", "autograd_grad")},
    "grace": {"01_tensors.py": "import os\n\nos._exit(1)\n",
              "02_autograd.py": "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n"},
    "ivan": {"02_autograd.py": M("02_autograd", "grads_as_tensors")},
    "judy": {"01_tensors.py": M("01_tensors", "numpy_copied"), "02_autograd.py": M("02_autograd", "forgot_requires_grad")},
    "ken": {"readme.txt": "I could not finish, sorry\n"},
}
FLAT = {  # files directly in the class folder
    "heidi__01_tensors.py": M("01_tensors", "numpy_copied"),
    "heidi__02_autograd.py": M("02_autograd", "b_counted_once"),
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
    return cli(course_dir, "grade", *args)


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


def scores_of(out: Path) -> str:
    """grades.csv's student, score and total columns (the points possible and the statuses follow them)."""
    lines = (out / "grades.csv").read_text().splitlines()
    width = lines[0].split(",").index("total") + 1
    return "".join(",".join(line.split(",")[:width]) + "\n" for line in lines)


def gradebook_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ["grades.csv", "grades.json"])
def test_the_class_gradebook_matches_the_golden_files(graded, name):
    base, result = graded
    assert result.exit_code == 0, result.output
    written = _machine_independent((base / "hw1-gradebook" / name).read_text(encoding="utf-8"), name)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


def _machine_independent(text: str, name: str) -> str:
    """The gradebook with the OS layers in force (which differ by machine) set to a placeholder."""
    if not name.endswith(".json"):
        return text

    def scrub(node):
        if isinstance(node, dict):
            return {k: (["<layers>"] if k == "isolation" and node[k] else scrub(v)) for k, v in node.items()}
        return [scrub(v) for v in node] if isinstance(node, list) else node

    return json.dumps(scrub(json.loads(text)), indent=2, ensure_ascii=False) + "\n"


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
    assert book["frank"]["exercises"]["01_tensors"]["status"] == "time limit"  # not a verdict on the code: its own status
    erin = book["erin"]["exercises"]["01_tensors"]
    assert erin["status"] == "error" and "(01_tensors.py, line 3)" in erin["message"]  # her file, not an internal name
    assert "submission.py" not in erin["message"] and "traceback" not in erin["hint"] and "line 3 of 01_tensors.py" in erin["hint"]
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
    carol = json.loads((base / "hw1-gradebook" / "students" / "carol" / "results.json").read_text())
    assert set(carol) == {"score", "max_score", "tests"}
    assert carol["score"] == sum(t["score"] for t in carol["tests"])
    assert carol["max_score"] == sum(t["max_score"] for t in carol["tests"])
    assert all(set(t) == {"name", "score", "max_score", "output", "visibility"} for t in carol["tests"])
    assert all(t["visibility"] == "visible" for t in carol["tests"])
    first = carol["tests"][0]
    assert first["name"] == "01_tensors: tensor_from_list" and first["score"] == 0
    assert "dtype differs" in first["output"] and "\nhint: " in first["output"]
    ken = json.loads((base / "hw1-gradebook" / "students" / "ken" / "results.json").read_text())
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


def test_the_summary_counts_pass_rates_and_known_mistakes(graded, course_dir):
    base, _ = graded
    result = grade(course_dir, str(base / "hw1"), "--exercises", EXERCISES, "--timeout", "2", "--json")
    summary = json.loads(result.stdout)
    rows = {row["exercise"]: row for row in summary["exercises"]}
    assert (rows["01_tensors"]["passed"], rows["01_tensors"]["submitted"], rows["01_tensors"]["errors"]) == (2, 9, 2)
    assert rows["01_tensors"]["limits"] == 1 and summary["limits"] == 1  # frank's hanging file: its own status
    assert (rows["03_nn_module"]["passed"], rows["03_nn_module"]["submitted"]) == (2, 3)
    assert summary["mistakes"][:2] == [
        {"exercise": "01_tensors", "mistake": "numpy_copied", "students": 2},
        {"exercise": "02_autograd", "mistake": "forgot_requires_grad", "students": 2},
    ]
    assert {"exercise": "02_autograd", "mistake": "b_counted_once", "students": 1} in summary["mistakes"]
    table = grade(course_dir, str(base / "hw1"), "--exercises", EXERCISES, "--timeout", "2").output
    assert "most frequent known mistakes" in table and "numpy_copied" in table
    row = next(line for line in table.splitlines() if line.startswith("| 01_tensors"))
    assert [cell.strip() for cell in row.strip("|").split("|")] == ["01_tensors", "2 / 9", "22%", "3 / 6", "2", "1"]
    assert "could not be graded" not in table and "1 stopped by a time, memory or process limit" in table


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
    assert scores_of(tmp_path / "subs-gradebook") == "student,01_tensors,total\namy,0,0\nben,6,6\n"


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


@pytest.mark.slow
def test_every_reference_solution_of_the_course_scores_full_marks_in_a_fresh_grade(course_dir, tmp_path):
    """In a process of its own (this one may have set torch up already): the trusted side computes the
    references with torch set up as the learner's side is (one thread), or 07 and 13 disagree with themselves."""
    import subprocess
    import sys

    write_files(tmp_path / "hw" / "amy", {f"{ex.id}.py": ex.solution for ex in COURSE.exercises})
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--course", str(course_dir), "grade", str(tmp_path / "hw"),
                           "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout)["exercises"]
    assert len(rows) == len(COURSE.exercises) and [r["exercise"] for r in rows if r["passed"] != 1] == [], done.stdout


def test_a_grader_failure_on_one_file_costs_that_file_only_and_a_damaged_cache_is_not_fatal(course, tmp_path, monkeypatch):
    from grader import engine
    from grader.classroom.bookfiles import write_gradebook
    from grader.classroom.summary import summary

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
    assert summary(plan, run)["errors"] == 1
    write_gradebook(plan.out, course, plan.exercises, run.book, run.cache_text)
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
    assert scores_of(tmp_path / "subs-gradebook") == "student,01_tensors,total\namy,6,6\nben,0,0\n"
    book = json.loads((tmp_path / "subs-gradebook" / "grades.json").read_text())
    assert "cell 2, line 1" in json.dumps(book)
    where = book["students"]["ben"]["exercises"]["01_tensors"]["where"]
    assert [(w["file"], w["line"], w["code"]) for w in where] == [
        ("ben__01_tensors.ipynb [cell 2]", 1, "def tensor_from_list(data)")]


# --- hostile and broken classes -------------------------------------------------------------------

REF01, STUB01 = (ROOT / "reference/01_tensors/solution.py").read_text(), (ROOT / "exercises/01_tensors.py").read_text()


def book_of(out: Path) -> dict:
    return json.loads((out / "grades.json").read_text())["students"]


def class_temp_folders() -> set[Path]:
    import tempfile

    return set(Path(tempfile.gettempdir()).glob("pytorch-tutor-class-*"))


def spy_on_engine(monkeypatch, before=None):
    """Wrap engine.check_exercise: call `before(file)` first; return the list of files it was given."""
    from grader import engine

    real, given = engine.check_exercise, []

    def spy(course, exercise, file, *args, **kwargs):
        given.append(Path(file))
        if before:
            before(Path(file))
        return real(course, exercise, file, *args, **kwargs)

    monkeypatch.setattr(engine, "check_exercise", spy)
    return given


def test_the_bytes_read_at_plan_time_are_graded_from_a_private_folder_removed_at_the_end(course, tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    write_files(subs / "amy", {"01_tensors.py": STUB01})
    write_files(subs / "ben", {"01_tensors.py": REF01})
    plan = classroom.plan(course, subs, only="01")
    (subs / "amy" / "01_tensors.py").write_text(REF01)  # amy edits her file once the run has started
    (subs / "ben" / "01_tensors.py").unlink()  # ben's is swapped for a link to the stub
    (subs / "ben" / "01_tensors.py").symlink_to(ROOT / "exercises/01_tensors.py")
    modes = {}

    def classmate_overwrites(file: Path):  # and while one is graded, someone overwrites every original
        modes[file] = (oct(file.parents[2].stat().st_mode & 0o777), file.read_text())
        for student in ("amy", "ben"):
            target = subs / student / "01_tensors.py"
            target.unlink()
            target.write_text("raise SystemExit\n")

    before = class_temp_folders()
    given = spy_on_engine(monkeypatch, classmate_overwrites)
    run = grading.grade_class(course, plan, jobs=1)
    assert (run.book["amy"]["01_tensors"]["score"], run.book["ben"]["01_tensors"]["score"]) == (0, 6)
    assert all(subs not in file.parents for file in given)
    assert sorted(text == REF01 for _, text in modes.values()) == [False, True]
    assert {mode for mode, _ in modes.values()} == {"0o700"}
    assert class_temp_folders() == before and not any(file.exists() for file in given)


def test_ctrl_c_removes_the_private_folder_and_leaves_the_previous_gradebook_intact(course_dir, course, tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    for student in ("amy", "ben", "cat"):
        write_files(subs / student, {"01_tensors.py": STUB01})
    assert grade(course_dir, str(subs), "-e", "1", "-j", "1").exit_code == 0
    out = tmp_path / "subs-gradebook"
    previous = {k: v for k, v in gradebook_files(out).items() if k != ".cache.json"}
    for student in ("amy", "ben", "cat"):
        write_files(subs / student, {"01_tensors.py": REF01})  # every file changed: all graded again

    def interrupt(file: Path):
        if "ben" in str(file):
            raise KeyboardInterrupt

    before = class_temp_folders()
    given = spy_on_engine(monkeypatch, interrupt)
    with pytest.raises(KeyboardInterrupt):
        grading.grade_class(course, classroom.plan(course, subs, only="01"), jobs=1)
    assert {k: v for k, v in gradebook_files(out).items() if k != ".cache.json"} == previous
    private = {file.parents[2] for file in given}  # private/N/ben/01_tensors.py
    assert [p.name.startswith("pytorch-tutor-class-") for p in private] == [True]
    assert class_temp_folders() == before and not any(p.exists() for p in private)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subs", "subs-gradebook"]


def test_a_crash_while_writing_leaves_the_previous_gradebook_not_half_of_a_new_one(course_dir, tmp_path, monkeypatch):
    from grader.classroom import bookfiles

    subs = tmp_path / "subs"
    write_files(subs / "amy", {"01_tensors.py": STUB01})
    assert grade(course_dir, str(subs), "-e", "1").exit_code == 0
    out = tmp_path / "subs-gradebook"
    previous = gradebook_files(out)
    write_files(subs / "amy", {"01_tensors.py": REF01})
    write_files(subs / "bo", {"01_tensors.py": REF01})
    monkeypatch.setattr(bookfiles, "gradescope", lambda ids, entries: 1 / 0)  # after grades.csv and grades.json
    result = grade(course_dir, str(subs), "-e", "1")
    assert isinstance(result.exception, ZeroDivisionError)
    assert {k: v for k, v in gradebook_files(out).items() if k != ".cache.json"} == {
        k: v for k, v in previous.items() if k != ".cache.json"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subs", "subs-gradebook"]
    monkeypatch.undo()
    again = grade(course_dir, str(subs), "-e", "1", "--json")
    assert json.loads(again.stdout)["cached"] == 2  # the interrupted run's grades were kept in the cache
    assert scores_of(out) == "student,01_tensors,total\namy,6,6\nbo,6,6\n"


def test_a_gradebook_folder_holding_other_files_is_refused_before_grading(course_dir, tmp_path):
    write_files(tmp_path / "subs" / "amy", {"01_tensors.py": STUB01})
    write_files(tmp_path / "docs", {"thesis.tex": "years of work\n"})
    result = grade(course_dir, str(tmp_path / "subs"), "-o", str(tmp_path / "docs"))
    assert result.exit_code == 2 and "holds files that are not part of a gradebook (thesis.tex)" in result.output
    assert os.listdir(tmp_path / "docs") == ["thesis.tex"]
    parent = grade(course_dir, str(tmp_path / "subs"), "-o", str(tmp_path))  # the submissions' own parent
    assert parent.exit_code == 2 and "not part of a gradebook" in parent.output


def test_no_symbolic_link_or_special_file_is_followed_or_graded(course_dir, tmp_path):
    subs, elsewhere = tmp_path / "subs", tmp_path / "elsewhere"
    write_files(elsewhere / "bob", {"01_tensors.py": REF01})
    write_files(subs / "fay", {"01_tensors.py": REF01})
    (subs / "amy").mkdir()
    (subs / "amy" / "01_tensors.py").symlink_to(course_dir / "reference" / "01_tensors" / "solution.py")
    (subs / "bob").symlink_to(elsewhere / "bob", target_is_directory=True)
    (subs / "cat__01_tensors.py").symlink_to("/etc/passwd")
    (subs / "dan").mkdir()
    os.mkfifo(subs / "dan" / "01_tensors.py")  # opening it to read would block the run
    (subs / "eve" / "01_tensors.py").mkdir(parents=True)
    (subs / "gil").mkdir()
    (subs / "gil" / "02_autograd.py").symlink_to(subs / "fay" / "01_tensors.py")  # a classmate's file
    result = grade(course_dir, str(subs), "-e", "01,02", "-j", "1")
    assert result.exit_code == 0, result.output
    book = book_of(tmp_path / "subs-gradebook")
    expected = {("amy", "01_tensors"): "amy/01_tensors.py is a symbolic link",
                ("bob", "01_tensors"): "bob is a symbolic link", ("bob", "02_autograd"): "bob is a symbolic link",
                ("cat", "01_tensors"): "cat__01_tensors.py is a symbolic link",
                ("dan", "01_tensors"): "dan/01_tensors.py is a named pipe (FIFO), not a regular file",
                ("eve", "01_tensors"): "eve/01_tensors.py is a folder, not a regular file",
                ("gil", "02_autograd"): "gil/02_autograd.py is a symbolic link"}
    for (student, exercise), message in expected.items():
        entry = book[student]["exercises"][exercise]
        assert (entry["status"], entry["score"]) == ("error", 0), (student, entry)
        assert entry["message"].startswith("not graded: " + message), (student, entry["message"])
    assert book["fay"]["exercises"]["01_tensors"]["score"] == 6
    assert "root:" not in (tmp_path / "subs-gradebook" / "grades.json").read_text()


def test_bad_files_cost_their_students_only_and_the_gradebook_is_written(course_dir, tmp_path):
    subs = tmp_path / "subs"
    markdown_only = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "my answer is in my head"}]}
    write_files(subs / "amy", {"01_tensors.ipynb": json.dumps(markdown_only)})
    write_files(subs / "ben", {"01_tensors.ipynb": '{"nbformat": 4, "cells": ' + "[" * 100_000 + "]" * 100_000 + "}"})
    write_files(subs, {"cat__01_tensors.ipynb": "{ not json"})
    (subs / "dan").mkdir()
    (subs / "dan" / "01_tensors.py").write_bytes("# caf\xe9\n".encode("latin-1"))
    (subs / "eve").mkdir()
    (subs / "eve" / "01_tensors.py").write_bytes(b"x = 1\0\n")
    write_files(subs / "fay", {"01_tensors.py": REF01})
    result = grade(course_dir, str(subs), "-e", "1", "-j", "1")
    assert result.exit_code == 0, result.output
    book = book_of(tmp_path / "subs-gradebook")
    expected = {"amy": "amy/01_tensors.ipynb has no code cells to grade",
                "ben": "ben/01_tensors.ipynb is not a valid notebook: its JSON is nested too deeply",
                "cat": "cat__01_tensors.ipynb is not a valid notebook: it is not JSON",
                "dan": "dan/01_tensors.py is not UTF-8 text (byte 5)", "eve": "eve/01_tensors.py is not a text file"}
    for student, message in expected.items():
        entry = book[student]["exercises"]["01_tensors"]
        assert (entry["status"], entry["score"]) == ("error", 0) and message in entry["message"], (student, entry)
    assert book["fay"]["exercises"]["01_tensors"]["status"] == "passed"
    assert scores_of(tmp_path / "subs-gradebook").splitlines()[-1] == "fay,6,6"


@pytest.mark.parametrize("case", ["vanished", "unreadable", "too large"])
def test_a_file_that_cannot_be_read_is_a_clear_reason_not_a_crash(tmp_path, monkeypatch, case):
    from grader.classroom import snapshot

    (tmp_path / "amy").mkdir()
    if case != "vanished":
        (tmp_path / "amy" / "01_tensors.py").write_text(REF01)
    if case == "unreadable":  # chmod 000 does not stop root, so the refusal comes from the open itself
        real = os.open
        monkeypatch.setattr(snapshot.os, "open", lambda name, *a, **k: (
            (_ for _ in ()).throw(PermissionError(13, "Permission denied")) if name == "01_tensors.py" else real(name, *a, **k)))
    if case == "too large":
        monkeypatch.setattr(snapshot, "MAX_BYTES", 100)
    data, problem = snapshot.read_private(tmp_path, "amy/01_tensors.py", "amy/01_tensors.py")
    assert data == b"" and problem == {
        "vanished": "amy/01_tensors.py vanished before it could be read",
        "unreadable": "amy/01_tensors.py cannot be read (permission denied)",
        "too large": "amy/01_tensors.py is larger than 0 MiB, so it was not read"}[case]


def test_student_folders_named_like_the_gradebooks_files_cannot_clash_with_them(course_dir, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "subs-gradebook"
    vandal = (f"import os\nos.makedirs({str(out / 'grades.csv')!r}, exist_ok=True)\n"  # learner code making such paths
              f"os.makedirs({str(out / 'students' / 'amy' / 'results.json')!r}, exist_ok=True)\n" + REF01)
    for student in ("grades.csv", "grades.json", "students", ".cache.json"):
        write_files(subs / student, {"01_tensors.py": STUB01})
    write_files(subs / "amy", {"01_tensors.py": vandal})
    result = grade(course_dir, str(subs), "-e", "1", "-j", "1")
    assert result.exit_code == 0, result.output
    assert scores_of(out).splitlines() == [
        "student,01_tensors,total", "amy,6,6", "grades.csv,0,0", "grades.json,0,0", "students,0,0"]
    assert sorted(book_of(out)) == ["amy", "grades.csv", "grades.json", "students"]
    for student in ("amy", "grades.csv", "grades.json", "students"):
        assert json.loads((out / "students" / student / "results.json").read_text())["max_score"] == 6
    again = grade(course_dir, str(subs), "-e", "1", "--json")  # and the gradebook is reusable as it is
    assert again.exit_code == 0 and json.loads(again.stdout)["cached"] == 4


def test_csv_cells_cannot_run_as_spreadsheet_formulas(course_dir, tmp_path):
    subs = tmp_path / "subs"
    names = ['=HYPERLINK("http:x")', "+1", "-2", "@SUM(A1)", "\tbob", "\rcal", "plain"]
    for name in names:
        write_files(subs / name, {"01_tensors.py": "x = 1\n"})
    write_files(subs / "pat", {"01_tensors.py": REF01})
    assert grade(course_dir, str(subs), "-e", "1", "-j", "2").exit_code == 0
    import csv

    rows = list(csv.reader((tmp_path / "subs-gradebook" / "grades.csv").open(newline="")))
    students = {row[0] for row in rows[1:]}
    assert students == {"'=HYPERLINK(\"http:x\")", "'+1", "'-2", "'@SUM(A1)", "\\x09bob", "\\x0dcal", "plain", "pat"}
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert ["pat", "6", "6"] in [row[:3] for row in rows] and all(row[1] == row[2] == "0" for row in rows[1:] if row[0] != "pat")


def test_a_csv_cell_is_quoted_whatever_formula_character_it_starts_with():
    from grader.classroom.bookfiles import grades_csv

    book = {name: {"01": {"score": 1.5, "max_score": 2, "status": "failed"}} for name in ("=1+1", "+1", "-1", "@A1", "\tx", "\ry", "ok")}
    lines = [line.removesuffix(",2,failed") for line in grades_csv(["01"], book).splitlines()]
    assert lines[1:] == ["'=1+1,1.5,1.5", "'+1,1.5,1.5", "'-1,1.5,1.5", "'@A1,1.5,1.5", "'\\x09x,1.5,1.5",
                         "'\\x0dy,1.5,1.5", "ok,1.5,1.5"]


def test_control_characters_in_names_and_messages_are_escaped_everywhere(course_dir, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "subs-gradebook"
    evil = "\x1b[31mmallory\u202e"
    write_files(subs / evil, {"01_tensors.py": 'def tensor_from_list(data):\n    raise ValueError("\\x1b[2J\\x1b[32mall passed")\n'})
    write_files(subs, {f"{evil}x__02_autograd.py": "\x1b]0;owned\x07 = 1\n"})
    result = grade(course_dir, str(subs), "-e", "01,02", "-j", "1")
    assert result.exit_code == 0, result.output
    written = [result.output] + [p.read_text() for p in out.rglob("*") if p.is_file()]
    assert not any(c in text for text in written for c in ("\x1b", "\u202e", "\x07"))
    assert "\\x1b[31mmallory\\u202e/01_tensors.py: 0/6 failed" in result.output  # the progress lines
    entry = book_of(out)["\\x1b[31mmallory\\u202e"]["exercises"]["01_tensors"]
    assert entry["file"] == "\\x1b[31mmallory\\u202e/01_tensors.py"
    assert entry["checks"][0]["message"] == "your code raised ValueError: \\x1b[2J\\x1b[32mall passed"
    assert "\\x1b[31mmallory\\u202e,0,0,0" in (out / "grades.csv").read_text()
    assert (out / "students" / "\\x1b[31mmallory\\u202e" / "results.json").is_file()


def test_entries_clean_every_learner_derived_field():
    from grader.classroom.gradebook import entry_from_result
    from grader.results import CheckResult, ExerciseResult

    check = CheckResult("f\x1b[1m", False, message="m\x1b[2J", hint="h\x07", mistake="k\x1b",
                        traceback=[["/x/alice/01.py", 3, "g\x1b", "c\x1b"]])
    result = ExerciseResult("01_tensors", "T", "failed", checks=[check], message="\x1b]0;t\x07", hint="\r")
    entry = entry_from_result(result, "alice\x1b/01.py", Path("/x"))
    assert "\x1b" not in json.dumps(entry) and "\\u001b" not in json.dumps(entry)
    assert entry["checks"][0]["where"] == [{"file": "alice/01.py", "line": 3, "function": "g\\x1b", "code": "c\\x1b"}]


def test_piped_summary_tables_keep_every_header_whole(graded, course_dir):
    from typer.testing import CliRunner

    from cli import app

    base, _ = graded
    args = ["--course", str(course_dir), "grade", str(base / "hw1"), "--exercises", EXERCISES, "--timeout", "2"]
    result = CliRunner().invoke(app, args, env={"NO_COLOR": "1", "COLUMNS": "30"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("| exercise") and "pass rate" in line)
    assert [cell.strip() for cell in header.strip("|").split("|")] == [
        "exercise", "passed / submitted", "pass rate", "mean score", "errors", "limits"]
    mistakes = next(line for line in result.output.splitlines() if "| mistake" in line)
    assert [cell.strip() for cell in mistakes.strip("|").split("|")] == ["exercise", "mistake", "students"]
    row = next(line for line in result.output.splitlines() if line.startswith("| 01_tensors"))
    assert [cell.strip() for cell in row.strip("|").split("|")] == ["01_tensors", "2 / 9", "22%", "3 / 6", "2", "1"]
    assert "…" not in result.output


def test_the_line_of_a_syntax_error_is_kept_in_the_gradebook_and_shown_in_results_json(graded):
    base, _ = graded
    erin = book_of(base / "hw1-gradebook")["erin"]["exercises"]["01_tensors"]
    where = [{"file": "erin/01_tensors.py", "line": 3, "function": "<module>", "code": "def tensor_from_list(data)"}]
    assert erin["where"] == where and all(c["where"] == where for c in erin["checks"])
    tests = json.loads((base / "hw1-gradebook" / "students" / "erin" / "results.json").read_text())["tests"]
    assert "\nwhere: erin/01_tensors.py, line 3: def tensor_from_list(data)\nhint: " in tests[0]["output"]
    carol = book_of(base / "hw1-gradebook")["carol"]["exercises"]["03_nn_module"]["checks"][0]["where"]
    assert carol and carol[-1]["file"] == "carol/03_nn_module.py"  # a runtime error's own frame


def test_isolation_layers_reported_for_every_graded_file_are_shown(course_dir, tmp_path, monkeypatch, graded):
    from grader import engine

    from grader.isolation.boundary import detect

    base, first = graded
    here = list(detect().in_force)  # what this machine puts around learner code
    assert f"isolation: {', '.join(here) or 'none reported'}" in first.output
    assert json.loads((base / "hw1-gradebook" / "grades.json").read_text())["isolation"] == here
    real = engine.check_exercise
    layers = iter([["landlock", "uid", "pidns", "netns"], ["landlock", "uid", "netns"]])

    def reporting(*args, **kwargs):
        result = real(*args, **kwargs)
        result.isolation = next(layers)
        return result

    monkeypatch.setattr(engine, "check_exercise", reporting)
    for student in ("amy", "ben"):
        write_files(tmp_path / "subs" / student, {"01_tensors.py": STUB01})
    write_files(tmp_path / "subs" / "cy", {"01_tensors.py": "\xff"})  # refused: never ran, so it does not count
    result = grade(course_dir, str(tmp_path / "subs"), "-e", "1", "-j", "1")
    assert "isolation: landlock, uid, netns" in result.output
    book = json.loads((tmp_path / "subs-gradebook" / "grades.json").read_text())
    assert book["isolation"] == ["landlock", "uid", "netns"]
    assert book["students"]["amy"]["exercises"]["01_tensors"]["isolation"] == ["landlock", "uid", "pidns", "netns"]
    assert book["students"]["cy"]["exercises"]["01_tensors"]["isolation"] is None


def test_an_unreadable_student_folder_costs_that_student_only(course, tmp_path, monkeypatch):
    for student in ("amy", "bo"):
        write_files(tmp_path / "subs" / student, {"01_tensors.py": REF01})
    real = os.scandir

    def scandir(path):  # chmod 000 does not stop root, so the refusal comes from the listing itself
        if str(path).endswith("/amy"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(classroom.os, "scandir", scandir)
    plan = classroom.plan(course, tmp_path / "subs", only="01,02")
    problems = {(s.student, s.exercise.id): s.problem for s in plan.submissions}
    assert problems == {("amy", "01_tensors"): "amy cannot be read (Permission denied): nothing in it was graded",
                        ("amy", "02_autograd"): "amy cannot be read (Permission denied): nothing in it was graded",
                        ("bo", "01_tensors"): ""}


def test_two_names_that_would_show_alike_stay_two_students(course, tmp_path):
    write_files(tmp_path / "subs" / "x\x1b", {"01_tensors.py": "a = 1\n"})
    write_files(tmp_path / "subs" / "x\\x1b", {"01_tensors.py": "b = 2\n"})  # a backslash, an x, a 1 and a b
    plan = classroom.plan(course, tmp_path / "subs", only="01")
    assert sorted(plan.students) == ["x\\x1b", "x\\x1b~2"]
    assert sorted(s.data for s in plan.submissions) == [b"a = 1\n", b"b = 2\n"]
    assert len({s.student for s in plan.submissions}) == 2


def test_grade_refuses_a_machine_without_a_file_system_boundary_unless_told(tmp_path, monkeypatch):
    """No Landlock (say, an old kernel): `grade` stops before running anyone's code; with
    --unsafe-no-sandbox it grades, warns, and grades.json records it."""
    from grader.isolation import boundary
    from grader.isolation.layers import Layers

    course = copy_course(tmp_path / "course")
    write_files(tmp_path / "subs" / "amy", {"01_tensors.py": ROOT / "reference/01_tensors/solution.py"})
    monkeypatch.setattr(boundary, "detect", lambda: Layers(("uid",), (("landlock", "the kernel is older than 5.13"),), "/tmp"))
    refused = cli(course, "grade", str(tmp_path / "subs"), "-e", "01")
    assert refused.exit_code == 2 and "no file-system boundary" in refused.output and "--unsafe-no-sandbox" in refused.output
    assert not (tmp_path / "subs-gradebook").exists()
    done = cli(course, "grade", str(tmp_path / "subs"), "-e", "01", "--unsafe-no-sandbox")
    assert done.exit_code == 0, done.output
    assert "graded with --unsafe-no-sandbox" in done.output
    assert json.loads((tmp_path / "subs-gradebook" / "grades.json").read_text())["unsafe_no_sandbox"] is True


def test_the_csv_says_why_a_score_is_zero_and_feedback_shows_what_was_called(graded):
    """grades.csv: a status column per exercise and the points possible, so "not submitted", "error",
    "time limit" and "failed" zeros read differently; Gradescope's feedback keeps the terminal's "called"
    line (how to reproduce the failing case) and no isolation jargon."""
    import csv
    import io

    base, _ = graded
    out = base / "hw1-gradebook"
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}
    assert (rows["ivan"]["01_tensors status"], rows["erin"]["01_tensors status"]) == ("not submitted", "error")
    assert (rows["frank"]["01_tensors status"], rows["carol"]["01_tensors status"]) == ("time limit", "failed")
    assert rows["alice"]["total"] == rows["alice"]["points possible"] == rows["ken"]["points possible"] != "0"
    results = json.loads((out / "students" / "carol" / "results.json").read_text())
    failing = next(t for t in results["tests"] if t["name"] == "01_tensors: tensor_from_list")
    assert failing["output"].startswith("called: tensor_from_list(") and "hint: " in failing["output"]
    assert not any("mountns" in t["output"] or "ran behind" in t["output"] for t in results["tests"])
