"""`check --format diagnostics` as an editor reads it: one FILE:LINE:COL line per failing check, at
the learner's own line where their code raised and at the target's `def` line for a wrong value;
and the VS Code task `init` writes, whose problem matcher reads those lines."""

from __future__ import annotations

import json
import re
import shutil

from conftest import ROOT, cli

REFERENCE = ROOT / "reference" / "03_nn_module"


def _diagnostics(tmp_path, source: str) -> tuple[int, list[re.Match], str]:
    from grader.frontends.diagnostics import PATTERN

    work = tmp_path / "work.py"
    work.write_text(source, encoding="utf-8")
    done = cli(ROOT, "check", "03", "--file", str(work), "--format", "diagnostics")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return done.exit_code, [re.match(PATTERN, line) for line in lines], done.stdout


def test_a_wrong_value_points_at_the_target_def_line(tmp_path):
    source = (REFERENCE / "mistakes" / "no_relu.py").read_text(encoding="utf-8")
    code, found, out = _diagnostics(tmp_path, source)
    assert code == 1 and found and all(found), out
    class_line = source.splitlines().index("class TwoLayerNet(nn.Module):") + 1
    assert all(match[1] == str(tmp_path / "work.py") and match[4] == "error" for match in found)
    wrong = next(match for match in found if match[5].startswith("TwoLayerNet forward"))
    assert (int(wrong[2]), wrong[3]) == (class_line, "1") and "ReLU" in wrong[5] and "(hint: " in wrong[5]
    missing = next(match for match in found if match[5].startswith("count_parameters — "))  # not in the file: line 1
    assert (missing[2], missing[3]) == ("1", "1") and "not defined" in missing[5]


def test_an_exception_points_at_the_learners_own_line_and_its_text_is_one_clean_line(tmp_path):
    source = (REFERENCE / "solution.py").read_text(encoding="utf-8")
    source = source.replace("    return sum(p.numel()", "    raise ValueError('boom\\x1b[31m\\nnext')\n    return sum(p.numel()")
    code, found, out = _diagnostics(tmp_path, source)
    raise_line = next(n for n, line in enumerate(source.splitlines(), 1) if "raise ValueError" in line)
    assert code == 1 and len(found) == 1 and found[0], out
    assert (found[0][2], found[0][3]) == (str(raise_line), "5")
    assert found[0][5].startswith("count_parameters — ") and "boom" in found[0][5]
    assert "\x1b" not in out and len(out.strip().splitlines()) == 1


def test_a_passing_file_prints_nothing(tmp_path):
    code, found, out = _diagnostics(tmp_path, (REFERENCE / "solution.py").read_text(encoding="utf-8"))
    assert code == 0 and out.strip() == ""


def test_an_unknown_format_is_a_usage_error():
    assert cli(ROOT, "check", "03", "--format", "xml").exit_code == 2


def test_init_writes_a_vscode_task_whose_problem_matcher_reads_the_lines(tmp_path):
    done = cli(ROOT, "init", str(tmp_path / "course"))
    assert done.exit_code == 0, done.stdout
    tasks = json.loads((tmp_path / "course" / ".vscode" / "tasks.json").read_text(encoding="utf-8"))
    task = next(t for t in tasks["tasks"] if t["label"] == "check this exercise")
    assert task["args"][0] == "check" and task["args"][-2:] == ["--format", "diagnostics"]
    pattern = task["problemMatcher"]["pattern"]
    line = "/home/me/course/exercises/03_nn_module.py:17:5: error: count_parameters — got 3, expected 5 (hint: sum it)"
    match = re.match(pattern["regexp"], line)  # the JavaScript regexp is also a Python one
    assert match and match[pattern["file"]].endswith("03_nn_module.py") and match[pattern["line"]] == "17"
    assert match[pattern["column"]] == "5" and match[pattern["severity"]] == "error"
    assert match[pattern["message"]].startswith("count_parameters — got 3")


def test_init_keeps_an_existing_tasks_file(tmp_path):
    target = tmp_path / "course"
    (target / ".vscode").mkdir(parents=True)
    (target / ".vscode" / "tasks.json").write_text("{}", encoding="utf-8")
    assert cli(ROOT, "init", str(target)).exit_code == 0
    assert (target / ".vscode" / "tasks.json").read_text(encoding="utf-8") == "{}"
    shutil.rmtree(target)
