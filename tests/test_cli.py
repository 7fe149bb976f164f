"""The command line end to end, on a temporary copy of the course."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from conftest import COURSE, ROOT, as_at_a_terminal, cli, progress
from grader.judging.mistakes import composed_source

runner = CliRunner()
N = len(COURSE.exercises)  # course size is data: nothing here assumes how many exercises there are


def test_check_of_a_correct_file_passes_exits_0_and_records_progress(course_dir):
    shutil.copy(ROOT / "reference" / "01_tensors" / "solution.py", course_dir / "exercises" / "01_tensors.py")
    result = cli(course_dir, "check", "01")
    assert result.exit_code == 0, result.output
    assert "✓ Passed: Tensors, all 6 checks" in result.output
    assert progress(course_dir)["01_tensors"]["status"] == "passed"
    assert progress(course_dir)["01_tensors"]["attempts"] == 1
    assert "progress not recorded" not in result.output


def test_check_file_of_another_file_grades_it_but_records_no_progress(course_dir, tmp_path):
    other = tmp_path / "student_work" / "01_tensors.py"  # an instructor grading a student's file
    other.parent.mkdir()
    shutil.copy(ROOT / "reference" / "01_tensors" / "solution.py", other)
    result = cli(course_dir, "check", "01", "--file", str(other))
    assert result.exit_code == 0 and "✓ Passed: Tensors" in result.output, result.output
    assert "progress not recorded" in result.output
    assert not (course_dir / ".pytorch-tutor" / "progress.json").exists()
    assert cli(course_dir, "check", "01", "--file", str(course_dir / "exercises" / "01_tensors.py")).exit_code == 1
    entry = progress(course_dir)["01_tensors"]  # the exercise's own file, named with --file, is recorded
    assert (entry["status"], entry["attempts"]) == ("not started", 1)  # the untouched stub: recorded, and still not started


def test_check_file_of_a_file_directly_in_tmp_can_still_use_temporary_files(course_dir):
    # The folder of a --file is forbidden to learner code (other students' files may lie next to it). For a file
    # directly in /tmp that folder is /tmp, which also holds the learner's own writable folder: 07's probes save
    # the checkpoint in a temporary folder there, and must still be able to.
    other = Path("/tmp") / f"pytorch-tutor-test-{os.getpid()}-07_save_load.py"
    shutil.copy(ROOT / "reference" / "07_save_load" / "solution.py", other)
    try:
        result = cli(course_dir, "check", "07", "--file", str(other))
    finally:
        other.unlink()
    assert result.exit_code == 0 and "✓ Passed: Saving and loading" in result.output, result.output


@pytest.mark.parametrize("how", ["itself", "relative with ..", "symlink", "hardlink", "checks file", "another exercise's"])
def test_check_file_refuses_the_reference_by_any_path(course_dir, tmp_path, how, monkeypatch):
    solution = course_dir / "reference" / "01_tensors" / "solution.py"
    monkeypatch.chdir(course_dir / "exercises")
    path = {
        "itself": solution,
        "relative with ..": Path("..") / "reference" / ".." / "reference" / "01_tensors" / "solution.py",
        "symlink": tmp_path / "link.py",
        "hardlink": course_dir / "exercises" / "hard.py",
        "checks file": course_dir / "reference" / "01_tensors" / "checks.py",
        "another exercise's": course_dir / "reference" / "02_autograd" / "solution.py",
    }[how]
    if how == "symlink":
        path.symlink_to(solution)
    if how == "hardlink":
        os.link(solution, path)
    result = cli(course_dir, "check", "01", "--file", str(path))
    assert result.exit_code == 2, result.output
    assert "is the course's reference material, not a learner's file" in result.output
    assert "Passed" not in result.output and not (course_dir / ".pytorch-tutor" / "progress.json").exists()


def test_check_of_the_untouched_stub_fails_with_exit_1_and_says_not_started(course_dir):
    result = cli(course_dir, "check", "tensors")
    assert result.exit_code == 1
    assert "not implemented yet" in result.output and "Not started: Tensors" in result.output
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output  # plain text when not a terminal
    assert progress(course_dir)["01_tensors"]["status"] == "not started"  # `list` agrees with `check`
    listed = json.loads(cli(course_dir, "list", "--json").output)
    assert listed[0]["status"] == "not started" and listed[0]["attempts"] == 1
    (course_dir / "exercises" / "01_tensors.py").write_text("def tensor_from_list(values):\n    return None\n")
    cli(course_dir, "check", "01")
    assert progress(course_dir)["01_tensors"]["status"] == "failing"  # once something is written, it is failing


def test_check_json_reports_every_check_with_message_and_hint(course_dir):
    learner = course_dir / "mine.py"
    learner.write_text(composed_source(ROOT / "reference/01_tensors/mistakes/int_dtype_from_list.py", ROOT / "reference/01_tensors/solution.py"))
    result = cli(course_dir, "check", "1", "--json", "--file", str(learner))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["exercise"] == "01_tensors" and data["passed"] is False
    first = data["checks"][0]
    assert first["name"] == "tensor_from_list" and first["passed"] is False
    assert "dtype differs: expected torch.float32, got torch.int64" in first["message"]
    assert "int64" in first["hint"] and first["mistake"] == "int_dtype_from_list"
    assert all(c["passed"] for c in data["checks"][1:])
    assert data["score"] == 5 and data["max_score"] == 6


def test_a_learner_exception_shows_the_learners_own_frames_only(course_dir):
    learner = course_dir / "mine.py"
    text = (ROOT / "reference/01_tensors/solution.py").read_text()
    learner.write_text(text.replace("return matrix + bias", "return matrix + bias + undefined_name"))
    result = cli(course_dir, "check", "01", "--file", str(learner))
    assert result.exit_code == 1
    assert "your code raised NameError: name 'undefined_name' is not defined" in result.output
    assert "mine.py" in result.output and "undefined_name" in result.output, result.output
    assert "grader" not in result.output.replace("pytorch-tutor", "")


def test_a_syntax_error_cannot_be_graded_yet_and_points_at_the_line(course_dir):
    learner = course_dir / "mine.py"
    learner.write_text("import torch\n\ndef tensor_from_list(data)\n    return data\n")
    result = cli(course_dir, "check", "01", "--file", str(learner))
    assert result.exit_code == 1
    assert "cannot be graded yet: SyntaxError, line 3" in result.output
    assert "mine.py" in result.output and "grader" not in result.output.replace("pytorch-tutor", "")


def test_printing_a_fake_verdict_and_patching_allclose_cannot_pass(course_dir):
    learner = course_dir / "mine.py"
    learner.write_text(
        "import torch\nprint('\\x1b[32m✓ Passed: Tensors, all 6 checks.\\x1b[0m')\n"
        "torch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
        "torch.testing.assert_close = lambda *a, **k: None\n"
        "def tensor_from_list(data):\n    return torch.zeros(1)\n"
    )
    result = cli(course_dir, "check", "01", "--file", str(learner))
    assert result.exit_code == 1
    assert "\\x1b[32m" in result.output  # shown escaped, inside the output box
    assert result.output.rstrip().splitlines()[-1].startswith(("✗", "then"))  or "Not passed yet" in result.output


@pytest.mark.parametrize("query", ["4x", "tensor", "99"])
def test_unknown_exercise_is_a_usage_error_with_the_valid_list(course_dir, query):
    result = cli(course_dir, "check", query)
    assert result.exit_code == 2
    assert "There is no exercise" in result.output and "01_tensors" in result.output
    if query == "tensor":
        assert "Did you mean 'tensors'?" in result.output


@pytest.mark.parametrize("name", ["3", "03", "nn_module", "03_nn_module", "03_NN_module.py"])
def test_every_form_of_an_exercise_name_resolves(course, name):
    assert course.resolve(name).id == "03_nn_module"


def test_bad_file_arguments_are_usage_errors(course_dir):
    (course_dir / "bin.py").write_bytes(b"\x00\x01\x02torch")
    (course_dir / "latin1.py").write_bytes("# caf\xe9\n".encode("latin-1"))
    cases = {
        "missing.py": "does not exist",
        "exercises": "is a folder",
        "bin.py": "is not a text file",
        "latin1.py": "is not UTF-8",
    }
    for name, message in cases.items():
        result = cli(course_dir, "check", "01", "--file", str(course_dir / name))
        assert result.exit_code == 2, name
        assert message in result.output, (name, result.output)


def test_a_folder_without_a_course_is_a_usage_error(tmp_path):
    result = cli(tmp_path, "list")
    assert result.exit_code == 2 and "is not a course folder" in result.output


def test_list_shows_status_and_overall_progress(course_dir):
    state = course_dir / ".pytorch-tutor"
    state.mkdir()
    (state / "progress.json").write_text(json.dumps({"version": 1, "exercises": {
        "01_tensors": {"status": "passed", "attempts": 2, "last_checked": "2026-11-20T10:00:00+00:00"},
        "02_autograd": {"status": "failing", "attempts": 1},
    }}))
    result = cli(course_dir, "list")
    assert result.exit_code == 0
    assert "passed" in result.output and "failing" in result.output and "not started" in result.output
    assert "2026-11-20 10:00" in result.output and f"1/{N} exercises passed" in result.output
    rows = json.loads(cli(course_dir, "list", "--json").output)
    assert [r["status"] for r in rows[:3]] == ["passed", "failing", "not started"]


def test_a_corrupt_progress_file_is_set_aside_not_fatal(course_dir):
    state = course_dir / ".pytorch-tutor"
    state.mkdir()
    (state / "progress.json").write_text("{ this is not json")
    result = cli(course_dir, "list")
    assert result.exit_code == 0
    assert "progress file was damaged" in result.output
    backups = list(state.glob("progress.corrupt-*.json"))
    assert len(backups) == 1 and backups[0].read_text() == "{ this is not json"


def test_hints_are_progressive_and_stop_at_the_last(course_dir):
    outputs = [cli(course_dir, "hint", "02").output for _ in range(6)]
    assert outputs[0].startswith("Hint 1 of") and outputs[1].startswith("Hint 2 of")
    total = int(outputs[0].split(" of ")[1].split()[0])
    assert total >= 3
    assert outputs[-1].startswith(f"Hint {total} of {total}") and "again" not in outputs[-1]
    assert "That was the last hint" in outputs[-1] and "last hint" not in outputs[0]


def test_reset_restores_the_stub_and_keeps_a_backup(course_dir):
    stub = course_dir / "exercises" / "01_tensors.py"
    pristine = stub.read_text()
    stub.write_text("# my work in progress\n")
    result = cli(course_dir, "reset", "01", "--yes")
    assert result.exit_code == 0, result.output
    assert stub.read_text() == pristine
    backups = list((course_dir / ".pytorch-tutor" / "backups").glob("01_tensors-*.py"))
    assert [b.read_text() for b in backups] == ["# my work in progress\n"]


def test_reset_without_confirmation_changes_nothing(course_dir):
    stub = course_dir / "exercises" / "01_tensors.py"
    stub.write_text("# mine\n")
    result = runner.invoke(app, ["--course", str(course_dir), "reset", "01"], input="n\n")
    assert result.exit_code == 1 and stub.read_text() == "# mine\n"


def test_solution_is_shown_only_after_passing_or_with_force(course_dir):
    locked = cli(course_dir, "solution", "01")
    assert locked.exit_code == 1 and "Pass 01_tensors first" in locked.output
    assert "def tensor_from_list" in cli(course_dir, "solution", "01", "--force").output
    state = course_dir / ".pytorch-tutor"
    state.mkdir(exist_ok=True)
    (state / "progress.json").write_text(json.dumps({"version": 1, "exercises": {"01_tensors": {"status": "passed"}}}))
    assert "def tensor_from_list" in cli(course_dir, "solution", "01").output


def test_init_creates_a_course_folder_with_stubs_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "course"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "exercises" / "01_tensors.py").read_text() == (ROOT / "exercises" / "01_tensors.py").read_text()
    assert not (target / "reference").exists()
    listed = runner.invoke(app, ["--course", str(target), "list", "--json"])
    assert len(json.loads(listed.output)) == N
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2 and "not empty" in again.output


@pytest.mark.parametrize("command", [["list"], ["hint", "01"], ["--help"]])
def test_light_commands_do_not_import_torch(course_dir, command):
    code = (
        "import sys, cli\n"
        f"sys.argv = ['pytorch-tutor', '--course', {str(course_dir)!r}, *{command!r}]\n"
        "try:\n    cli.app()\nexcept SystemExit:\n    pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO TORCH')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "NO TORCH", out.stdout + out.stderr


@pytest.mark.slow
def test_the_console_script_runs_end_to_end(course_dir):
    exe = shutil.which("pytorch-tutor")
    if exe is None:
        pytest.skip("the package is not installed")
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PYTORCH_TUTOR_COURSE", None)
    shutil.copy(ROOT / "reference" / "01_tensors" / "solution.py", course_dir / "exercises" / "01_tensors.py")
    ok = subprocess.run([exe, "check", "01"], cwd=course_dir, env=env,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run([exe, "check", "nope"], cwd=course_dir, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "There is no exercise 'nope'" in bad.stderr


@pytest.mark.slow
def test_check_all_grades_every_exercise_in_one_table(course_dir):
    shutil.copy(ROOT / "reference" / "01_tensors" / "solution.py", course_dir / "exercises" / "01_tensors.py")
    shutil.copy(ROOT / "reference" / "05_dataset" / "solution.py", course_dir / "exercises" / "05_dataset.py")
    result = cli(course_dir, "check", "--all")
    assert result.exit_code == 1
    rows = {line.split("|")[1].strip(): line for line in result.output.splitlines() if re.match(r"\| \d\d_", line)}
    assert list(rows) == [ex.id for ex in COURSE.exercises]
    assert "passed" in rows["01_tensors"] and "6/6" in rows["01_tensors"]
    assert "passed" in rows["05_dataset"] and "not started" in rows["02_autograd"]
    assert f"2/{N} exercises passed" in result.output
    assert progress(course_dir)["05_dataset"]["status"] == "passed"
    data = json.loads(cli(course_dir, "check", "--all", "--json").output)
    assert [r["passed"] for r in data] == [ex.id in ("01_tensors", "05_dataset") for ex in COURSE.exercises]


def test_check_without_an_exercise_is_a_usage_error(course_dir):
    result = cli(course_dir, "check")
    assert result.exit_code == 2 and "Name an exercise to check, or use --all" in result.output


def test_ctrl_c_during_a_check_exits_130_and_ends_the_learners_processes(course_dir):
    import signal
    import time

    from grader.isolation import proctree

    learner = course_dir / "mine.py"
    learner.write_text("while True:\n    pass\n")
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--course", str(course_dir), "check", "01", "--file", str(learner)],
                            cwd=course_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_at_a_terminal)
    deadline = time.monotonic() + 60
    while len(tree := proctree.descendants(proc.pid)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if len(tree) < 3:  # the CLI, the one-job zygote it forked, and the learner's process
        proc.kill()
        pytest.fail(f"the learner's process never started: {[_cmd(p) for p in tree]} {proc.communicate()}")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err
    time.sleep(0.5)
    assert [_cmd(pid) for pid in tree if proctree.alive(pid)] == []


DROPPED_CTRL_C = """
import os, signal, sys
import grader.engine

def dropping(real):
    def outcomes(*args):
        try:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C lands while the reference runs (or is read)...
            sum(range(100000))
        except BaseException:
            pass  # ...inside code not ours that drops every exception (Cython's ABC registration does)
        return real(*args)
    return outcomes

for name in sys.argv.pop(1).split(","):
    setattr(grader.engine, name, dropping(getattr(grader.engine, name)))
sys.argv = ["pytorch-tutor", *sys.argv[1:]]
import cli
cli.main()
"""


@pytest.mark.parametrize("where, source", [
    ("reference_outcomes,cached_outcomes", "while True:\n    pass\n"),  # while the reference runs: the learner's loop
    ("decide", None),  # after the last wait, while the verdict is made: a passing file
])
def test_a_ctrl_c_that_code_not_ours_drops_still_ends_the_check_with_130(course_dir, where, source):
    """Simulated: the SIGINT is sent from inside a stand-in for the trusted side's work that swallows
    KeyboardInterrupt, as numpy.random's Cython start-up did when Ctrl-C landed in it (seen here)."""
    from grader.isolation import proctree

    learner = course_dir / "mine.py"
    learner.write_text(source or (ROOT / "reference" / "01_tensors" / "solution.py").read_text())
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", DROPPED_CTRL_C, where, "--course", str(course_dir), "check", "01", "--file",
                             str(learner)], cwd=course_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_at_a_terminal)
    out, err = proc.communicate(timeout=600)  # without the fix: the learner's loop runs to its time limit, then exit 3
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err
    assert not [p for p in proctree.descendants(proc.pid) if proctree.alive(p)]


def _cmd(pid: int) -> str:
    try:
        return f"{pid}: " + Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
    except OSError:
        return f"{pid}: gone"


def test_a_refusal_check_says_what_the_code_raised_instead(course_dir):
    """08 asks cross_entropy to raise ValueError for one-hot targets: raising IndexError is named as such."""
    solution = (ROOT / "reference" / "08_activations_losses" / "solution.py").read_text()
    assert "raise ValueError(" in solution
    mine = course_dir / "mine.py"
    mine.write_text(solution.replace("raise ValueError(", "raise IndexError("))
    result = cli(course_dir, "check", "08", "--file", str(mine), "--json")
    failed = [c for c in json.loads(result.output)["checks"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["cross_entropy refuses targets that are not class indices"]
    assert "raised IndexError" in failed[0]["message"] and "raised ValueError" in failed[0]["message"]


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@x", *args],
                   check=True, capture_output=True)


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git, for committed stubs")


@needs_git
def test_reset_restores_the_committed_stub_and_says_why_not_for_one_never_committed(course_dir):
    stub = course_dir / "exercises" / "02_autograd.py"
    stub.write_text(stub.read_text() + "\n# the course's own edit, committed\n")
    _git(course_dir, "init", "-q")
    _git(course_dir, "add", "exercises/02_autograd.py")
    _git(course_dir, "commit", "-qm", "stub")
    committed = stub.read_text()
    stub.write_text("# my work\n")
    assert cli(course_dir, "reset", "02", "--yes").exit_code == 0
    assert stub.read_text() == committed  # the course's committed stub, not the package's
    result = cli(course_dir, "reset", "01", "--yes")  # in the repository, never committed
    assert result.exit_code == 2 and "01_tensors.py is not committed to git yet" in result.output
    assert "git add exercises/01_tensors.py" in result.output


@needs_git
def test_init_from_an_edited_checkout_copies_the_committed_stubs(tmp_path, monkeypatch):
    """An editable install whose author solved 01 in the checkout: the new course gets the untouched stub."""
    import grader.course
    from conftest import copy_course

    package = copy_course(tmp_path / "checkout")
    _git(package, "init", "-q")
    _git(package, "add", "-A")
    _git(package, "commit", "-qm", "course")
    pristine = (package / "exercises" / "01_tensors.py").read_text()
    (package / "exercises" / "01_tensors.py").write_text((ROOT / "reference" / "01_tensors" / "solution.py").read_text())
    monkeypatch.setattr(grader.course, "builtin_reference_dir", lambda: package / "reference")
    result = runner.invoke(app, ["init", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine" / "exercises" / "01_tensors.py").read_text() == pristine


def test_a_run_stopped_by_the_time_limit_exits_3_and_names_the_limit(course_dir):
    toml = course_dir / "reference" / "course.toml"
    toml.write_text(toml.read_text().replace('id = "01_tensors"', 'id = "01_tensors"\ntimeout = 2'))
    (course_dir / "exercises" / "01_tensors.py").write_text("while True:\n    pass\n")
    result = cli(course_dir, "check", "01")
    assert result.exit_code == 3, result.output  # not 1: this says nothing about the answer
    assert "time limit: your code was still running after 2 s" in result.output
    assert "Not graded: Tensors (stopped by the time limit)" in result.output


def test_solution_shows_every_line_whole_in_a_narrow_terminal_and_piped(course_dir):
    import io

    from rich.console import Console

    from grader.frontends.render import show_code

    path = ROOT / "reference" / "03_nn_module" / "solution.py"
    source = path.read_text()
    piped = cli(course_dir, "solution", "03", "--force")
    assert piped.output.rstrip("\n") == source.rstrip("\n")  # piped: the file as written, nothing cut
    terminal = Console(file=io.StringIO(), width=80, force_terminal=True, color_system=None)
    show_code(terminal, path)
    shown = " ".join(terminal.file.getvalue().split())
    longest = max(source.splitlines(), key=len)
    assert len(longest) > 72 and all(word in shown for word in longest.split())  # wrapped, never cut at the edge


def test_piped_output_has_no_padding_and_code_in_backticks_never_breaks(course_dir):
    result = runner.invoke(app, ["--course", str(course_dir), "check", "03"], env={"NO_COLOR": "1", "COLUMNS": "60"})
    lines = result.output.splitlines()
    assert lines and all(line == line.rstrip() for line in lines), [line for line in lines if line != line.rstrip()]
    assert "`pytorch-tutor check 03`" in result.output
    assert all(line.count("`") % 2 == 0 for line in lines), [line for line in lines if line.count("`") % 2]


def test_list_wraps_long_topics_instead_of_cutting_them(course_dir):
    result = runner.invoke(app, ["--course", str(course_dir), "list"], env={"NO_COLOR": "1", "COLUMNS": "120"})
    shown = " ".join(result.output.replace("|", " ").split())
    assert "…" not in result.output
    for ex in COURSE.exercises:
        assert all(word in shown for word in ex.topic.split()), ex.topic


def test_notebook_says_how_to_open_it_with_what_is_installed(course_dir, monkeypatch):
    import shutil as shutil_module

    monkeypatch.setattr(shutil_module, "which", lambda name, *a, **k: None)
    result = cli(course_dir, "notebook", "03")
    assert result.exit_code == 0, result.output
    assert "Jupyter is not installed here: `pip install jupyterlab`" in result.output
    monkeypatch.setattr(shutil_module, "which", lambda name, *a, **k: "/x/jupyter-lab" if name == "jupyter-lab" else None)
    again = cli(course_dir, "notebook", "02")
    assert "`jupyter lab " in again.output and "not installed" not in again.output


@needs_git
def test_reset_in_a_course_made_by_init_inside_a_git_repository_restores_the_packages_stub(tmp_path):
    """A learner keeps the course folder in a repository of their own: its stubs were never committed there,
    and the untouched copy is the installed package's."""
    _git(tmp_path, "init", "-q")
    target = tmp_path / "course"
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    stub = target / "exercises" / "01_tensors.py"
    pristine = stub.read_text()
    stub.write_text("# my work\n")
    result = runner.invoke(app, ["--course", str(target), "reset", "01", "--yes"])
    assert result.exit_code == 0, result.output
    assert stub.read_text() == pristine
