"""Jupyter support: `notebook` export, grading .ipynb files (cell/line pointers, magics, malformed
notebooks), and `check("NN")` inside a real kernel (nbclient + ipykernel)."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from rich.console import Console

from conftest import CLI_ENV, COURSE, ROOT, cli, grade, progress
from grader.errors import TutorError
from grader.notebooks.kernel import history_cells
from grader.submission.cells import DEFS
from grader.submission.notebook import Script, read_cells
from grader.frontends.render import show_result
from grader.isolation.sandbox import Finished

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def export(course_dir: Path, number: str) -> Path:
    result = cli(course_dir, "notebook", number)
    assert result.exit_code == 0, result.output
    return next((course_dir / "notebooks").glob(f"{number}_*.ipynb"))


def fill_with_reference(path: Path, exercise_id: str) -> nbformat.NotebookNode:
    """The exported notebook with each task cell replaced by the reference's definition of that task."""
    nb = nbformat.read(path, as_version=4)
    source = (ROOT / "reference" / exercise_id / "solution.py").read_text()
    tree, lines = ast.parse(source), source.splitlines()
    segment = lambda n: "\n".join(lines[n.lineno - 1 : n.end_lineno])  # noqa: E731
    tasks = {n.name: segment(n) for n in tree.body if isinstance(n, DEFS)}
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[0].source = "\n".join(segment(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
    for cell in code[1:-1]:
        cell.source = tasks.pop(ast.parse(cell.source).body[0].name)
    code[0].source += "".join("\n\n" + helper for helper in tasks.values())  # reference helpers the stub lacks
    nbformat.write(nb, path)
    return nb


def notebook(path: Path, *cells: str) -> Path:
    """A notebook of these cells: "# md ..." makes a markdown cell, anything else a code cell."""
    v4 = nbformat.v4
    made = [v4.new_markdown_cell(c[5:]) if c.startswith("# md ") else v4.new_code_cell(c) for c in cells]
    nbformat.write(v4.new_notebook(cells=made), path)
    return path


# --- export ---------------------------------------------------------------------------------------


def test_notebook_all_writes_every_exercise_as_a_valid_notebook(course_dir):
    result = cli(course_dir, "notebook", "--all")
    assert result.exit_code == 0, result.output
    for ex in COURSE.exercises:
        nb = nbformat.read(course_dir / "notebooks" / f"{ex.id}.ipynb", as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        intro, imports, *tasks, last = nb.cells
        assert intro.cell_type == "markdown" and intro.source.startswith(f"# {ex.number:02d} · ")
        assert ex.topic in intro.source and "pytorch-tutor check" not in intro.source
        stub = ast.parse(ex.stub.read_text())
        names = [n.name for n in stub.body if isinstance(n, DEFS)]
        assert [ast.parse(t.source).body[0].name for t in tasks] == names
        assert all(f"### `{name}`" in intro.source for name in names)
        assert all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.parse(imports.source).body)
        assert f'from grader import check\n\ncheck("{ex.number:02d}")' in last.source
    intro = nbformat.read(course_dir / "notebooks" / "03_nn_module.ipynb", as_version=4).cells[0].source
    assert "```python\n>>> net = TwoLayerNet(3, 4, 2)" in intro and "#### `TwoLayerNet.forward`" in intro  # doctests as code


def test_notebook_refuses_to_overwrite_unless_forced(course_dir):
    path = export(course_dir, "03")
    path.write_text(path.read_text().replace("raise NotImplementedError", "return 42"))
    mine = path.read_text()
    again = cli(course_dir, "notebook", "3")
    assert again.exit_code == 2 and "already exists and may hold your work" in again.output and "--force" in again.output
    every = cli(course_dir, "notebook", "--all")
    assert every.exit_code == 0 and "kept" in every.output and path.read_text() == mine
    assert (course_dir / "notebooks" / "01_tensors.ipynb").exists()
    forced = cli(course_dir, "notebook", "03", "--force", "--out", str(course_dir / "notebooks"))
    assert forced.exit_code == 0 and "return 42" not in path.read_text()
    assert cli(course_dir, "notebook").exit_code == 2


# --- grading .ipynb files without a kernel -----------------------------------------------------------


@pytest.mark.slow
def test_every_exercise_exported_and_filled_with_the_reference_passes(course_dir):
    for ex in COURSE.exercises:
        path = export(course_dir, f"{ex.number:02d}")
        fill_with_reference(path, ex.id)
        result = grade(ex.id, path)
        assert result.passed, (ex.id, result.message, [(c.name, c.message) for c in result.checks if not c.passed])
        assert result.file == str(path) and not result.message


def test_check_file_ipynb_on_the_command_line_records_progress(course_dir):
    path = export(course_dir, "01")
    untouched = grade("01", path)
    assert untouched.status == "failed" and all(c.message == "not implemented yet: " + c.name for c in untouched.checks)
    fill_with_reference(path, "01_tensors")
    passed = cli(course_dir, "check", "01", "--file", str(path))
    assert passed.exit_code == 0 and "✓ Passed: Tensors, all 6 checks" in passed.output, passed.output
    assert progress(course_dir)["01_tensors"]["status"] == "passed"
    assert progress(course_dir)["01_tensors"]["attempts"] == 1


def test_cells_out_of_order_a_magic_and_a_syntax_error_point_at_cells(course_dir):
    ref = (ROOT / "reference" / "03_nn_module" / "solution.py").read_text()
    count = ref[ref.index("def count_parameters") :]
    path = notebook(
        course_dir / "work.ipynb",
        "# md My work",
        "%matplotlib inline\nimport torch\nfrom torch import nn\n!pip install tqdm",
        "x = 1\ndef broken(:\n    pass",
        "from grader import check\ncheck('03')",  # a check cell in the middle: skipped, never recursive
        "class TwoLayerNet(nn.Module):\n    def __init__(self, a, h, b):\n        super().__init__()\n"
        "        self.fc1, self.fc2 = nn.Linear(a, h), nn.Linear(h, b)\n\n"
        "    def forward(self, x):\n        return self.fc2(relu(self.fc1(x)))",
        count,
        "def relu(x):  # defined after the cell that uses it: fine, as in Jupyter\n    return torch.relu(undefined_name)",
    )
    result = cli(course_dir, "check", "03", "--file", str(path))
    assert result.exit_code == 1
    assert "your file cannot be graded yet: SyntaxError, cell 3, line 2: " in result.output, result.output
    assert f'File "{path}", cell 3, line 2, in <module>' in result.output
    assert "pytorch_tutor_notebook" not in result.output and "Traceback" not in result.output
    assert "skipped 2 IPython magic/shell lines" in result.output
    hint = json.loads(cli(course_dir, "check", "03", "--file", str(path), "--json").output)["hint"]
    assert "Note: skipped 2 IPython magic/shell lines (they run only in Jupyter): cell 2 line 1 `%matplotlib inline`, "
    "cell 2 line 4 `!pip install tqdm`." in hint

    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source = "x = 1\ndef fine():\n    pass"
    nbformat.write(nb, path)
    result = grade("03", path)
    data = result.to_dict()
    forward = next(c for c in data["checks"] if "forward" in c["name"])
    assert "NameError: name 'undefined_name' is not defined" in forward["message"]
    assert forward["traceback"] == [
        [f"{path} [cell 5]", 7, "forward", "return self.fc2(relu(self.fc1(x)))"],
        [f"{path} [cell 7]", 2, "relu", "return torch.relu(undefined_name)"],
    ]
    assert "cell 2 line 1 `%matplotlib inline`" in data["message"]  # the note, on a graded result
    assert next(c for c in data["checks"] if c["name"] == "count_parameters")["passed"]
    console = Console(file=io.StringIO(), width=200, no_color=True)
    show_result(console, result, "pytorch-tutor")
    text = console.file.getvalue()
    assert f'File "{path}", cell 7, line 2, in relu' in text and "note: skipped 2 IPython magic" in text


def test_cell_magics_keep_a_python_body_and_skip_other_cells():
    skipped: list[str] = []
    from grader.submission.cells import clean_magics, drop_checks

    assert clean_magics(["%%time", "y = 2"], "cell 4", skipped) == ["# %%time", "y = 2"]
    assert clean_magics(["%%bash", "  ls -l"], "cell 5", skipped) == ["# %%bash", "#   ls -l"]
    assert clean_magics(["for i in []:", "    %time f()", "torch.zeros?"], "cell 6", skipped) == [
        "for i in []:", "    pass  # %time f()", "pass  # torch.zeros?"]
    assert clean_magics(['s = """', "%not a magic, inside a string", '"""'], "cell 7", skipped)[1].startswith("%not")
    assert skipped[:2] == ["cell 4 line 1 `%%time`", "cell 5 line 1 `%%bash` (the whole cell)"]
    assert drop_checks(["import grader", "r = check(", '    "03")', "check = 3"]) == [
        "# import grader", "# r = check(", '#     "03")', "check = 3"]


def test_a_timeout_points_at_the_notebook_cell(tmp_path):
    script = Script(Path("work.ipynb"), origin="work.ipynb", segments=[(1, 3, "cell 2"), (4, 5, "cell 4")], job_name="x.py")
    finished = Finished(returncode=None, elapsed=1.0, stdout="", stderr="", timed_out=True, last_frame="line 6, in fit")
    payload = {"outcomes": {"fit": [{"error": {"type": "E", "message": "m", "frames": [["/tmp/job/x.py", 5, "fit", "x"]]}}]}}
    script.map_back(payload, finished, "/tmp/job/x.py")
    assert finished.last_frame == "cell 4, line 3, in fit"
    assert payload["outcomes"]["fit"][0]["error"]["frames"] == [["work.ipynb [cell 4]", 2, "fit", "x"]]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{ not json", "is not a valid notebook: it is not JSON"),
        (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}), "is a version 3 notebook; pytorch-tutor reads version 4"),
        (json.dumps([1, 2]), "is not a Jupyter notebook (no nbformat version)"),
        (json.dumps({"nbformat": 4, "cells": {}}), "it has no list of cells"),
        (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "only words"}]}), "has no code cells to grade"),
        (json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}), "cell 1 has no readable source"),
        ('{"nbformat": 4, "cells": ' + "[" * 100_000 + "]" * 100_000 + "}", "its JSON is nested too deeply"),
        ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x = 1", "metadata": '
         + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}]}", "its JSON is nested too deeply"),
        ('{"nbformat": 4, "cells": [], "n": ' + "1" * 5000 + "}", "is not a valid notebook: Exceeds the limit"),
    ],
    ids=["not json", "version 3", "a list", "cells a dict", "no code", "source a number", "deep cells", "deep metadata",
         "huge number"],
)
def test_malformed_notebooks_are_usage_errors(course_dir, content, message):
    path = course_dir / "bad.ipynb"
    path.write_text(content)
    result = cli(course_dir, "check", "01", "--file", str(path))
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output
    with pytest.raises(TutorError):
        read_cells(path)


# --- inside a kernel -----------------------------------------------------------------------------


def test_history_keeps_the_latest_definition_of_each_needed_name():
    history = [
        ("In [1]", "%matplotlib inline\nimport torch\nimport numpy as np"),
        ("In [2]", "SCALE = 2\ndef f(x):\n    return x * SCALE + helper(x)"),
        ("In [3]", "def helper(x):\n    return 0\nunrelated = expensive()\nnp.pi = 3\nSCALE.x = 1"),
        ("In [4]", "def f(x)\n    return 'syntax error: this cell never ran'"),
        ("In [5]", "SCALE = 3\nmodel = f(1)\nfrom grader import check\ncheck('01')"),
        ("In [6]", "@decorate\ndef g(values=np.zeros(2)):\n    local = 1\n    return [v for v in values if v > local]"),
        ("In [7]", "def decorate(fn):\n    return fn"),
    ]
    cells = dict(history_cells(history, {"f", "g", "missing"}))
    assert cells["In [2]"] == "\ndef f(x):\n    return x * SCALE + helper(x)"
    assert cells["In [3]"] == "def helper(x):\n    return 0\n\n\n"  # assigning attributes defines nothing
    assert cells["In [5]"] == "SCALE = 3\n\n\n"  # the latest SCALE; not model, not the check call
    assert cells["In [1]"] == "\n\nimport numpy as np"  # torch unused, the magic never kept
    assert cells["In [6]"].startswith("@decorate\ndef g") and "In [7]" in cells and "In [4]" not in cells


def test_grader_import_is_light_and_check_outside_a_kernel_says_so(capsys):
    code = "import sys, grader.notebooks.kernel; from grader import check; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "False"
    from grader import check

    assert check("03", course=ROOT) is None
    assert "this is not a notebook kernel" in " ".join(capsys.readouterr().out.split())


def run_in_kernel(nb, folder: Path, order: list[int]) -> None:
    from nbclient import NotebookClient

    client = NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=True, resources={"metadata": {"path": str(folder)}})
    from conftest import kernel_set_up

    with kernel_set_up(client):
        for index in order:
            client.execute_cell(nb.cells[index], index)


def shown(cell) -> str:
    """What a cell showed, colours removed and whitespace collapsed (rich wraps at the notebook's width)."""
    texts = [o.get("text", "") + o.get("data", {}).get("text/plain", "") + o.get("ename", "") for o in cell.outputs]
    return " ".join(ANSI.sub("", "".join(texts)).split())


@pytest.fixture()
def kernel_env(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's grader
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PYTORCH_TUTOR_COURSE", raising=False)


@pytest.mark.slow
def test_a_kernel_runs_the_exported_notebook_filled_in_and_its_check_cell_passes(course_dir, kernel_env):
    path = export(course_dir, "05")
    nb = fill_with_reference(path, "05_dataset")
    run_in_kernel(nb, path.parent, list(range(len(nb.cells))))
    out = shown(nb.cells[-1])
    assert "✓ Passed: Dataset and DataLoader" in out and "<05_dataset: passed" not in out, out  # shown once: no Out[n] echo
    assert progress(course_dir)["05_dataset"]["status"] == "passed"


@pytest.mark.slow
def test_a_kernel_grades_the_latest_definitions_whatever_the_order_and_state(course_dir, kernel_env):
    path = export(course_dir, "03")
    nb = nbformat.read(path, as_version=4)
    shutil.copy(path, course_dir / "ref.ipynb")
    net, count = (c.source for c in fill_with_reference(course_dir / "ref.ipynb", "03_nn_module").cells[2:4])
    check_cell, new = len(nb.cells) - 1, nbformat.v4.new_code_cell
    nb.cells += [
        new(net),
        new("import torch\ntorch.allclose = lambda *a, **k: True\nunrelated = undefined_call()"),  # state not to grade
        new(count),  # the right count_parameters, above ...
        new(count.replace("return sum", "return 1 + sum")),  # ... a wrong one, run before it
        new("from grader import check\nresult = check('03')\nprint('passed:', result.passed)"),
    ]
    net_cell, state, right, wrong, last = range(check_cell + 1, len(nb.cells))
    run_in_kernel(nb, path.parent, [0, 1, 2, 3, check_cell, wrong, right, state, net_cell, last])
    untouched = shown(nb.cells[check_cell])
    assert "not implemented yet" in untouched and "Not started: nn.Module" in untouched and 'run `check("03")`' in untouched
    assert "NameError" in shown(nb.cells[state])  # it really ran in the kernel
    assert "passed: True" in shown(nb.cells[last]), shown(nb.cells[last])
    assert progress(course_dir)["03_nn_module"]["attempts"] == 2


def test_saved_cells_are_named_by_execution_count_else_by_place(tmp_path):
    """As Jupyter shows them beside each cell (and IPython's tracebacks call them): `In [3]`; a cell with no
    count of its own (never run, or a count two cells share after a restart) by its place, `cell 4`."""
    v4, path = nbformat.v4, tmp_path / "work.ipynb"
    counts = [3, None, 7, 7, 12]
    cells = [v4.new_markdown_cell("# title")] + [v4.new_code_cell(f"x{i} = {i}", execution_count=n) for i, n in enumerate(counts)]
    nbformat.write(v4.new_notebook(cells=cells), path)
    assert [label for label, _ in read_cells(path)] == ["In [3]", "cell 3", "cell 4", "cell 5", "In [12]"]


def test_the_notebook_calls_are_light_and_plain_outside_a_kernel(course_dir):
    """hint, progress and solution work from any Python (plain text there) and never import torch."""
    code = ("import sys\nfrom grader import hint, progress, solution\n"
            f"course = {str(course_dir)!r}\n"
            "hint('03', course=course); rows = progress(course=course); solution('03', course=course)\n"
            "print('rows', len(rows), repr(rows)); print('torch' in sys.modules, 'nbformat' in sys.modules)")
    env = {**CLI_ENV, "PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True).stdout
    assert "Hint 1 of" in out and "(03_nn_module):" in out and 'Run `hint("03")` again' in out
    assert "pytorch-tutor exercises" in out and f"rows {len(COURSE.exercises)} <progress: 0 of {len(COURSE.exercises)} exercises passed>" in out
    assert "error: Pass 03_nn_module first" in out and 'solution("03", force=True)' in out
    assert out.strip().endswith("False False")
    assert progress(course_dir)["03_nn_module"]["hints"]  # the hint ladder moved on, as `pytorch-tutor hint` does


def test_check_and_hint_show_once_in_a_cell_not_again_as_its_out():
    """In Jupyter a cell's last value is displayed as Out[n]: what check() and hint() return was already shown."""
    from IPython.core.formatters import DisplayFormatter

    from grader.notebooks.api import Shown
    from grader.notebooks.kernel import NotebookResult

    result = NotebookResult("03_nn_module", "nn.Module", "failed")
    assert DisplayFormatter().format(result) == ({}, {}) and repr(result).startswith("<03_nn_module: failed")
    assert DisplayFormatter().format(Shown("a hint")) == ({}, {}) and Shown("a hint") == "a hint"
