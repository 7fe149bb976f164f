"""`pytorch-tutor autograder`: the Gradescope and PrairieLearn zips, tested without those services.

Each zip is built for two cheap exercises (01, 03), unpacked under a temporary root laid out as
the service lays out its container (`ROOT/source`, `ROOT/submission`, `ROOT/results` for
Gradescope; `ROOT/student`, `ROOT/results` and the image's own folder for PrairieLearn), and its
`run_autograder` is run with bash on good, failing, hostile and empty uploads. Every results.json
is checked against the published field lists below (Gradescope's "Autograder specifications",
PrairieLearn's "External grading: results"). setup.sh needs the network and apt, so it is checked
for syntax and for the versions it pins, not run.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from conftest import COURSE, ROOT, cli

pytestmark = pytest.mark.slow  # `pytest -m "not slow"` leaves this module out of the quick loop

EXERCISES = ("01_tensors", "03_nn_module")
NUMBER = (int, float)
SOLUTION = {ex_id: (ROOT / "reference" / ex_id / "solution.py").read_text() for ex_id in EXERCISES}

# Published fields: name -> (type or allowed values, required). Anything else is a defect.
GRADESCOPE_TOP = {"score": (NUMBER, True), "execution_time": (NUMBER, True), "output": (str, True),
                  "output_format": ({"text", "md", "html", "simple_format", "ansi"}, False),
                  "visibility": ({"visible", "hidden", "after_due_date", "after_published"}, False),
                  "stdout_visibility": ({"visible", "hidden", "after_due_date", "after_published"}, False),
                  "tests": (list, True)}
GRADESCOPE_TEST = {"name": (str, True), "number": (str, False), "score": (NUMBER, True), "max_score": (NUMBER, True),
                   "status": ({"passed", "failed"}, True), "output": (str, True),
                   "output_format": ({"text", "md", "html", "simple_format", "ansi"}, False),
                   "visibility": ({"visible", "hidden", "after_due_date", "after_published"}, False)}
PRAIRIELEARN_TOP = {"gradable": (bool, True), "score": (NUMBER, True), "message": (str, True), "output": (str, True),
                    "tests": (list, True)}
PRAIRIELEARN_TEST = {"name": (str, True), "description": (str, True), "points": (NUMBER, True),
                     "max_points": (NUMBER, True), "message": (str, True), "output": (str, True)}


def validate(data: dict, top: dict, test: dict) -> None:
    _fields(data, top, "results")
    for n, row in enumerate(data["tests"]):
        _fields(row, test, f"tests[{n}]")
        got, most = (row["score"], row["max_score"]) if "max_score" in row else (row["points"], row["max_points"])
        assert 0 <= got <= most, row


def _fields(data: dict, spec: dict, where: str) -> None:
    assert isinstance(data, dict), where
    assert not set(data) - set(spec), f"{where}: unpublished fields {set(data) - set(spec)}"
    for key, (kind, required) in spec.items():
        if key not in data:
            assert not required, f"{where}: {key} is missing"
            continue
        value = data[key]
        if isinstance(kind, set):
            assert value in kind, f"{where}.{key} = {value!r}"
        else:
            assert isinstance(value, kind) and not (kind is NUMBER and isinstance(value, bool)), f"{where}.{key}"
            assert not isinstance(value, float) or math.isfinite(value), f"{where}.{key} = {value}"
        if isinstance(value, str):  # learner text is escaped: no terminal or bidi control reaches a student
            assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E
                           for c in value), f"{where}.{key} holds a control character: {value!r}"


def _landlock() -> bool:
    from grader.isolation.boundary import detect

    return "landlock" in detect().in_force


needs_boundary = pytest.mark.skipif(sys.platform != "linux" or not _landlock(),
                                    reason="the autograder grades only behind a file-system boundary (Landlock)")


def build(tmp: Path, service: str, *options: str) -> Path:
    out = tmp / f"{service}.zip"
    result = cli(COURSE.root, "autograder", service, "-e", "01,03", "-o", str(out), *options)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("zips")
    return {"gradescope": build(tmp, "gradescope", "--timeout", "4", "--after-due-date", "03:count_parameters"),
            "prairielearn": build(tmp, "prairielearn", "--timeout", "4")}


def unpack(zip_path: Path, target: Path) -> None:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
        for item in archive.infolist():
            os.chmod(target / item.filename, (item.external_attr >> 16) & 0o777)


def run_autograder(zip_path: Path, tmp: Path, files: dict[str, str], python: str = sys.executable) -> tuple[dict, str]:
    """Lay out the service's folders under `tmp`, upload `files`, run run_autograder; (results, its output)."""
    gradescope = zip_path.name.startswith("gradescope")
    root = tmp / ("autograder" if gradescope else "grade")
    source = root / "source" if gradescope else tmp / "image"
    unpack(zip_path, source)
    inbox = root / ("submission" if gradescope else "student")
    inbox.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTORCH_TUTOR_PYTHON": python, "PYTHONPATH": str(ROOT),
           ("PYTORCH_TUTOR_AUTOGRADER_ROOT" if gradescope else "PYTORCH_TUTOR_GRADE_ROOT"): str(root),
           "PYTORCH_TUTOR_AUTOGRADER_SOURCE": str(source)}
    done = subprocess.run(["bash", str(source / "run_autograder")], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    raw = (root / "results" / "results.json").read_bytes()
    assert len(raw) <= 1_000_000
    data = json.loads(raw)
    validate(data, *((GRADESCOPE_TOP, GRADESCOPE_TEST) if gradescope else (PRAIRIELEARN_TOP, PRAIRIELEARN_TEST)))
    assert sorted(os.listdir(root / "results")) == ["results.json"]  # no temporary file, nothing a learner left
    return data, done.stdout + done.stderr


def checks_of(ex_id: str) -> list[str]:
    from grader.judging.reference import load_reference

    checks, _ = load_reference(next(e for e in COURSE.exercises if e.id == ex_id))
    return [c.name for c in checks.CHECKS]


def mistake(ex_id: str, name: str) -> str:
    from grader.judging.mistakes import composed_source

    folder = ROOT / "reference" / ex_id
    return composed_source(folder / "mistakes" / f"{name}.py", folder / "solution.py")


def by_exercise(data: dict, ex_id: str) -> list[dict]:
    return [t for t in data["tests"] if t["name"].startswith(f"{ex_id}: ")]


# --- the zip itself ---------------------------------------------------------------------------------


def test_the_zip_pins_this_torch_and_this_package_and_its_scripts_parse(zips, tmp_path):
    unpack(zips["gradescope"], tmp_path)
    version, torch = metadata.version("pytorch-tutor"), metadata.version("torch").split("+")[0]
    setup = (tmp_path / "setup.sh").read_text()
    wheel = f"pytorch_tutor-{version}-py3-none-any.whl"
    assert f"TORCH_VERSION={torch}\n" in setup and '"torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"' in setup
    assert "TORCH_INDEX=\"${PYTORCH_TUTOR_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}\"" in setup
    assert f'WHEEL="$HERE/{wheel}"' in setup and (tmp_path / wheel).is_file()
    assert "useradd --system --uid 61999 --gid pytorch-tutor-learner" in setup  # the account learner code runs as
    assert 'export PYTORCH_TUTOR_LEARNER_USER="${PYTORCH_TUTOR_LEARNER_USER:-pytorch-tutor-learner}"' in (
        tmp_path / "run_autograder").read_text()
    for script in ("setup.sh", "run_autograder"):
        assert os.access(tmp_path / script, os.X_OK)
        assert subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True).returncode == 0
    config = json.loads((tmp_path / "pytorch-tutor.json").read_text())
    assert config["exercises"] == list(EXERCISES) and config["visibility"] == {"03_nn_module:count_parameters": "after_due_date"}
    shipped = {p.relative_to(tmp_path / "course" / "reference").parts[0] for p in (tmp_path / "course").rglob("*.py")}
    assert shipped == set(EXERCISES)  # only the chosen exercises' reference material travels
    assert (tmp_path / "Dockerfile").exists() is False
    unpack(zips["prairielearn"], tmp_path / "pl")
    assert "RUN bash /opt/pytorch-tutor/source/setup.sh" in (tmp_path / "pl" / "Dockerfile").read_text()


def test_the_bundled_wheel_installs_and_is_the_same_for_the_same_tree(zips, tmp_path):
    again = build(tmp_path, "gradescope", "--timeout", "4", "--after-due-date", "03:count_parameters")
    assert again.read_bytes() == zips["gradescope"].read_bytes()  # deterministic: no timestamps
    unpack(zips["gradescope"], tmp_path / "src")
    wheel = next((tmp_path / "src").glob("*.whl"))
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", "--target",
                           str(tmp_path / "site"), str(wheel)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "grader" / "classroom" / "autograder" / "runner.py").is_file()
    assert (tmp_path / "site" / "reference" / "course.toml").is_file()


def test_usage_errors_exit_2(tmp_path):
    assert cli(COURSE.root, "autograder", "moodle", "-o", str(tmp_path / "a.zip")).exit_code == 2
    bad = cli(COURSE.root, "autograder", "gradescope", "-o", str(tmp_path / "a.zip"), "--after-due-date", "03:nope")
    assert bad.exit_code == 2 and "no check named 'nope'" in bad.output
    assert not (tmp_path / "a.zip").exists()


def test_a_runner_that_cannot_start_still_leaves_valid_results(zips, tmp_path):
    data, out = run_autograder(zips["prairielearn"], tmp_path, {"01_tensors.py": SOLUTION["01_tensors"]},
                               python="/bin/false")
    assert data["gradable"] is False and data["score"] == 0 and "could not start" in data["message"]


def test_results_are_kept_under_a_megabyte():
    from grader.classroom.autograder import report
    from grader.classroom.autograder.config import Config

    entry = {"status": "failed", "score": 0, "max_score": 1, "message": "x", "checks": [
        {"name": f"c{n}", "passed": False, "score": 0, "max_score": 1, "message": "m" * 300_000, "hint": "", "where": []}
        for n in range(10)]}
    run = report.Run([report.Graded("01_tensors", "Tensors", entry)])
    for fmt in ("gradescope", "prairielearn"):
        data = report.results(fmt, Config(fmt, ["01_tensors"], "0", "0", "w"), run)
        assert len(report.encode(data)) <= report.MAX_BYTES and len(data["tests"]) == 10


def test_the_upload_is_matched_by_course_file_names_links_refused_and_twins_noted(tmp_path):
    from grader.classroom.autograder.collect import collect

    inbox = tmp_path / "upload"
    for rel in ("repo/exercises/01_tensors.py", "01_tensors.py", "a/b/c/d/03_nn_module.py", "__MACOSX/03_nn_module.py",
                ".hidden/03_nn_module.py", "notes/01.py"):
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        (inbox / rel).write_text(f"# {rel}\n")
    (inbox / "a" / "03_nn_module.py").symlink_to(inbox / "01_tensors.py")
    found = collect(inbox, list(EXERCISES))
    rel, label, data, problem = found.files["01_tensors"]
    assert (rel, data, problem) == ("01_tensors.py", b"# 01_tensors.py\n", "")  # nearest the top wins
    assert found.notes == ["two files for 01_tensors: graded 01_tensors.py, not repo/exercises/01_tensors.py"]
    assert found.files["03_nn_module"][0] == "a/03_nn_module.py" and "symbolic link" in found.files["03_nn_module"][3]
    assert collect(tmp_path / "nothing", list(EXERCISES)).readable is False


# --- Gradescope --------------------------------------------------------------------------------------


@needs_boundary
def test_gradescope_reference_solutions_score_full_marks(zips, tmp_path):
    upload = {"01_tensors.py": SOLUTION["01_tensors"], "my-repo/exercises/03_nn_module.py": SOLUTION["03_nn_module"]}
    data, log = run_autograder(zips["gradescope"], tmp_path, upload)
    names = [f"{ex_id}: {c}" for ex_id in EXERCISES for c in checks_of(ex_id)]
    assert [t["name"] for t in data["tests"]] == names
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in data["tests"])
    assert data["score"] == sum(t["max_score"] for t in data["tests"]) > 0
    shown = {t["name"]: t["visibility"] for t in data["tests"]}
    assert shown.pop("03_nn_module: count_parameters") == "after_due_date" and set(shown.values()) == {"visible"}
    assert "ran behind" not in data["output"] and "mountns" not in data["output"]  # no isolation jargon for students
    if os.geteuid() == 0:  # the learner ran as an unprivileged uid of its own: said in the instructor's log
        assert "uid" in log.rsplit("isolation layers around the learner's code:", 1)[1]


@needs_boundary
def test_gradescope_every_reference_solution_of_the_course_scores_full_marks(tmp_path):
    """The whole course in one upload: each exercise's reference agrees with itself in the container
    (the trusted side sets torch up as the learner's side does)."""
    result = cli(COURSE.root, "autograder", "gradescope", "-o", str(tmp_path / "gradescope-all.zip"))
    assert result.exit_code == 0, result.output
    upload = {f"{ex.id}.py": ex.solution.read_text() for ex in COURSE.exercises}
    data, _ = run_autograder(tmp_path / "gradescope-all.zip", tmp_path / "run", upload)
    failed = [t["name"] + ": " + t["output"] for t in data["tests"] if t["status"] != "passed"]
    assert not failed, failed
    assert {t["name"].split(":")[0] for t in data["tests"]} == {ex.id for ex in COURSE.exercises}
    assert data["score"] == sum(t["max_score"] for t in data["tests"])


@needs_boundary
def test_gradescope_a_known_mistake_fails_with_its_hint_and_a_missing_file_scores_zero(zips, tmp_path):
    data, _ = run_autograder(zips["gradescope"], tmp_path, {"01_tensors.py": mistake("01_tensors", "int_dtype_from_list")})
    failed = [t for t in by_exercise(data, "01_tensors") if t["status"] == "failed"]
    assert failed and all(t["score"] == 0 for t in failed)
    assert any("problem: dtype differs" in t["output"] and "hint: " in t["output"] for t in failed)
    assert any("called: tensor_from_list(" in t["output"] for t in failed)  # the case, as the terminal shows it
    assert all(t["score"] == 0 and "not submitted" in t["output"] for t in by_exercise(data, "03_nn_module"))
    assert 0 < data["score"] < sum(t["max_score"] for t in data["tests"])


HOSTILE = """
import os, sys
for target in ({results!r}, {results_dir!r} + "/extra.json"):
    try:
        with open(target, "w") as f:
            f.write('{{"score": 1000, "tests": []}}')
    except OSError:
        pass
for secret in ({course_solution!r}, {shipped_solution!r}):
    try:
        leaked = open(secret).read()
    except OSError:
        leaked = ""
    if leaked:
        raise RuntimeError("LEAKED " + leaked[:80])
print("\\x1b[2J\\x1b]0;owned\\x07PRINTED-BY-LEARNER \\u202e")
sys.stderr.write("\\x1b[31mred")
"""


@needs_boundary
def test_gradescope_a_hostile_upload_cannot_touch_results_or_reference_and_a_hang_is_cut(zips, tmp_path):
    root = tmp_path / "autograder"
    hostile = HOSTILE.format(results=str(root / "results" / "results.json"), results_dir=str(root / "results"),
                             course_solution=str(root / "source/course/reference/01_tensors/solution.py"),
                             shipped_solution=str(ROOT / "reference/01_tensors/solution.py"))
    upload = {"01_tensors.py": SOLUTION["01_tensors"] + hostile, "03_nn_module.py": "while True:\n    pass\n"}
    data, out = run_autograder(zips["gradescope"], tmp_path, upload)
    assert all(t["status"] == "passed" for t in by_exercise(data, "01_tensors"))  # nothing leaked, nothing raised
    assert data["score"] == len(checks_of("01_tensors")) and "LEAKED" not in json.dumps(data)
    assert "PRINTED-BY-LEARNER" not in json.dumps(data) + out  # learner output is not shown unless asked
    hung = by_exercise(data, "03_nn_module")
    assert hung and all(t["score"] == 0 and "still running after 4 s" in t["output"] for t in hung), hung[0]


@needs_boundary
@pytest.mark.skipif(os.geteuid() != 0, reason="learner code changes uid only where the grader runs as root")
def test_gradescope_learner_code_runs_as_the_account_named_for_it(zips, tmp_path, monkeypatch):
    """setup.sh's account stands in as 'nobody' here (making one would change this machine)."""
    import pwd

    try:
        nobody = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("no 'nobody' account on this machine to stand in for setup.sh's")
    monkeypatch.setenv("PYTORCH_TUTOR_LEARNER_USER", "nobody")
    probe = f"import os\nif os.getuid() != {nobody} or os.getgid() != {nobody}:\n    raise SystemExit(f'uid {{os.getuid()}}')\n"
    data, _ = run_autograder(zips["gradescope"], tmp_path, {"01_tensors.py": probe + SOLUTION["01_tensors"]})
    assert by_exercise(data, "01_tensors") and all(t["status"] == "passed" for t in by_exercise(data, "01_tensors"))


@needs_boundary
def test_gradescope_an_empty_upload_scores_zero_with_what_was_expected(zips, tmp_path):
    data, _ = run_autograder(zips["gradescope"], tmp_path, {})
    assert data["score"] == 0 and len(data["tests"]) == sum(len(checks_of(e)) for e in EXERCISES)
    assert "01_tensors.py" in data["output"] and all("not submitted" in t["output"] for t in data["tests"])


@needs_boundary
def test_gradescope_the_deadline_writes_partial_results(tmp_path):
    zip_path = build(tmp_path, "gradescope", "--deadline", "5", "--timeout", "120")
    data, _ = run_autograder(zip_path, tmp_path / "run", {"01_tensors.py": "while True:\n    pass\n",
                                                          "03_nn_module.py": SOLUTION["03_nn_module"]})
    assert "time limit (5 s" in data["output"] and data["score"] == 0
    assert all(t["status"] == "failed" for t in data["tests"])


def _a_runaway_submission(zips, tmp_path) -> tuple[Path, dict]:
    """An unpacked Gradescope zip whose upload is 01 looping forever, and the runner's environment."""
    root = tmp_path / "autograder"
    unpack(zips["gradescope"], root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "01_tensors.py").write_text("while True:\n    pass\n")
    return root, {**os.environ, "PYTHONPATH": str(ROOT), "PYTORCH_TUTOR_AUTOGRADER_ROOT": str(root)}


def _says_it_was_stopped(results: Path) -> None:
    data = json.loads(results.read_text())
    validate(data, GRADESCOPE_TOP, GRADESCOPE_TEST)
    assert "stopped from outside (SIGTERM)" in data["output"] and data["score"] == 0


@needs_boundary
def test_gradescope_a_sigterm_from_outside_leaves_final_results_saying_so(zips, tmp_path):
    root, env = _a_runaway_submission(zips, tmp_path)
    runner = subprocess.Popen([sys.executable, "-P", "-m", "grader.classroom.autograder.runner", "--format", "gradescope"],
                              env=env, stdout=subprocess.DEVNULL, cwd="/")
    results = root / "results" / "results.json"
    for _ in range(600):
        if results.exists():
            break
        time.sleep(0.05)
    time.sleep(1)
    runner.terminate()
    assert runner.wait(timeout=60) == 0
    _says_it_was_stopped(results)


# A SIGTERM that lands while the runner forks runs its handler inside an at-fork hook, where Python
# prints the handler's exception and carries on ("Exception ignored in: _releaseLock", seen once in CI):
# the run goes on to the end, and the final results must still say it was stopped.
SIGTERM_IN_AT_FORK_HOOK = """
import os, signal, sys
fired = []
def hook():
    if not fired:
        fired.append(1)
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(1000))  # bytecode after the kill: the handler runs here, inside the hook
os.register_at_fork(after_in_parent=hook)
from grader.classroom.autograder.runner import main
sys.exit(main(["--format", "gradescope"]))
"""


@needs_boundary
def test_gradescope_a_sigterm_swallowed_inside_a_fork_still_ends_in_results_saying_so(zips, tmp_path):
    root, env = _a_runaway_submission(zips, tmp_path)
    done = subprocess.run([sys.executable, "-P", "-c", SIGTERM_IN_AT_FORK_HOOK], env=env, cwd="/",
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    _says_it_was_stopped(root / "results" / "results.json")


@needs_boundary
def test_gradescope_show_stdout_shows_the_learners_output_escaped(tmp_path):
    zip_path = build(tmp_path, "gradescope", "--show-stdout")
    text = SOLUTION["01_tensors"] + "\nprint('\\x1b[2Jhello from the learner')\n"
    data, _ = run_autograder(zip_path, tmp_path / "run", {"01_tensors.py": text})
    first = by_exercise(data, "01_tensors")[0]["output"]
    assert "your code printed:" in first and "\\x1b[2Jhello from the learner" in first


# --- PrairieLearn ------------------------------------------------------------------------------------


@needs_boundary
def test_prairielearn_scores_in_zero_to_one_and_takes_a_notebook(zips, tmp_path):
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOLUTION["01_tensors"])])
    upload = {"01_tensors.ipynb": nbformat.writes(notebook), "03_nn_module.py": mistake("03_nn_module", "no_super_init")}
    data, _ = run_autograder(zips["prairielearn"], tmp_path, upload)
    total = sum(t["max_points"] for t in data["tests"])
    assert data["gradable"] is True and math.isclose(data["score"], sum(t["points"] for t in data["tests"]) / total)
    assert 0 < data["score"] < 1
    assert all(t["points"] == t["max_points"] for t in by_exercise(data, "01_tensors"))
    assert all(t["description"] == "nn.Module" for t in by_exercise(data, "03_nn_module"))


@needs_boundary
def test_prairielearn_an_upload_that_cannot_be_read_is_not_gradable(zips, tmp_path):
    data, _ = run_autograder(zips["prairielearn"], tmp_path / "empty", {"notes.txt": "nothing here\n"})
    assert data["gradable"] is False and data["score"] == 0 and "01_tensors.py" in data["message"]
    (tmp_path / "bad" / "grade" / "student").mkdir(parents=True)
    (tmp_path / "bad" / "grade" / "student" / "01_tensors.py").write_bytes(b"\xff\xfe not utf-8")
    data, _ = run_autograder(zips["prairielearn"], tmp_path / "bad", {})
    assert data["gradable"] is False and "UTF-8" in data["message"]


HOG = "import time\nkept = []\nwhile True:\n    kept.append(b'x' * 10_000_000)\n    time.sleep(0.01)\n"


@needs_boundary
def test_prairielearn_a_learner_that_exits_at_import_or_eats_memory_is_graded_zero(zips, tmp_path):
    data, _ = run_autograder(zips["prairielearn"], tmp_path, {"01_tensors.py": "import os\nos._exit(0)\n",
                                                              "03_nn_module.py": HOG})
    assert data["gradable"] is True and data["score"] == 0
    assert all(t["points"] == 0 for t in data["tests"])
    assert all("memory limit: your code used more than 320 MiB" in t["message"] for t in by_exercise(data, "03_nn_module"))
