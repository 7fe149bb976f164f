"""`check("03")` and its companions in a real Jupyter kernel (nbclient + ipykernel): one warm, isolated
grading server per kernel that ends with it, cells named as `check --file` names them, HTML output, and
the calls a learner with no terminal (Colab) makes: init, progress, hint, solution."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from conftest import COURSE, ROOT, grade, kernel_set_up, process_name, progress
from test_notebook import export, fill_with_reference, kernel_env, shown  # noqa: F401  (kernel_env: a fixture)
from grader.isolation import proctree, spare

pytestmark = pytest.mark.slow  # `pytest -m "not slow"` leaves this module out of the quick loop

pytest.importorskip("nbclient")
new = nbformat.v4.new_code_cell
REPORT = ("import json, os\nfrom grader import check\nfrom grader.notebooks import client\nresult = check('03')\n"
          "print('REPORT', json.dumps({**result.to_dict(), 'server': client.about(), 'kernel': os.getpid()}))")


class Kernel:
    """A kernel that runs cells one at a time, as a learner's clicks would."""

    def __init__(self, folder: Path):
        from nbclient import NotebookClient

        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(self.nb, kernel_name="python3", timeout=180, allow_errors=True,
                                     resources={"metadata": {"path": str(folder)}})

    def run(self, cell) -> nbformat.NotebookNode:
        self.nb.cells.append(cell if isinstance(cell, nbformat.NotebookNode) else new(cell))
        self.client.execute_cell(self.nb.cells[-1], len(self.nb.cells) - 1)
        return self.nb.cells[-1]

    def report(self) -> dict:
        said = "".join(o.get("text", "") for o in self.run(REPORT).outputs if o.get("name") == "stdout")
        assert "REPORT " in said, shown(self.nb.cells[-1])
        return json.loads(said.split("REPORT ", 1)[1])

    def restart(self) -> None:
        from jupyter_core.utils import run_sync

        run_sync(self.client.km.restart_kernel)(now=True)  # as the kernel menu's restart, without a clean shutdown
        run_sync(self.client.kc.wait_for_ready)(timeout=60)


def html(cell) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


def gone(pids: set[int], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while any(map(proctree.alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(map(proctree.alive, pids))


def server_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("pytorch-tutor-server-*"))


def test_checks_share_one_warm_isolated_server_that_names_cells_as_check_file_and_ends_with_the_kernel(course_dir, kernel_env):
    path = export(course_dir, "03")
    filled = fill_with_reference(path, "03_nn_module")
    before = server_folders()
    kernel = Kernel(path.parent)
    with kernel_set_up(kernel.client):
        for cell in filled.cells[:-1]:
            kernel.run(cell)
        kernel.run("CALLS = []\ndef count_parameters(model):\n    CALLS.append(1)\n    print('calls so far:', len(CALLS))\n"
                   "    return sum(p.numel() for p in model.parameters() if p.requires_grad)")
        first, warm = kernel.report(), kernel.report()
        server, below = first["server"]["pid"], proctree.descendants(first["server"]["pid"]) - {first["server"]["pid"]}
        zygote = {pid for pid in below if process_name(pid) != spare.NAME}  # not the next job's processes, forked ahead
        broken = kernel.run("def helper(x):\n    return torch.relu(x) + undefined_name")
        kernel.run("class TwoLayerNet(nn.Module):\n    def __init__(self, a, h, b):\n        super().__init__()\n"
                   "        self.fc1, self.fc2 = nn.Linear(a, h), nn.Linear(h, b)\n\n    def forward(self, x):\n"
                   "        return self.fc2(helper(self.fc1(x)))")
        kernel.run("torch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n"
                   "torch.testing.assert_close = lambda *a, **k: None\ndef count_parameters(model):\n    return 1")
        cheated = kernel.report()
        shown_html = html(kernel.nb.cells[-1])
        saved = nbformat.from_dict(kernel.nb)  # the notebook as the learner would save it, less our report cells
        saved.cells = [c for c in saved.cells if c.source != REPORT]
        nbformat.write(saved, course_dir / "work.ipynb")
        kernel.restart()
        assert gone({server, *below}), "the grading server outlived its kernel's restart"
    assert first["passed"] and warm["passed"], first
    assert warm["server"] == first["server"] and first["server"]["parent"] == first["kernel"]  # one server, the kernel's child
    assert first["server"]["dumpable"] == 0 and len(zygote) == 1  # out of ptrace's reach; one warm zygote under it
    assert first["isolation"] == warm["isolation"] == grade("01").isolation and "landlock" in first["isolation"]
    assert first["output"].startswith("calls so far: 1") and warm["output"].startswith("calls so far: 1")  # a fresh process each
    assert not cheated["passed"]  # the kernel's patched torch never reaches the grader
    checks = {c["name"]: c for c in cheated["checks"]}
    assert not checks["count_parameters"]["passed"]
    forward = next(c for name, c in checks.items() if "forward" in name and c["traceback"])
    label = f"In [{broken.execution_count}]"
    assert forward["traceback"][-1][:3] == [f"this notebook [{label}]", 2, "helper"], forward["traceback"]
    assert f"Cell {label}, line 2, in helper" in shown_html and "<details>" in shown_html and "✗" in shown_html
    from_file = grade("03", course_dir / "work.ipynb").to_dict()  # the saved notebook, as `check --file` reads it
    frame = next(c for c in from_file["checks"] if c["name"] == forward["name"])["traceback"][-1]
    assert frame[:3] == [f"{course_dir / 'work.ipynb'} [{label}]", 2, "helper"]  # the same cell, the same line
    assert server_folders() == before  # nothing left behind
    assert progress(course_dir)["03_nn_module"]["attempts"] == 3


@pytest.mark.parametrize("backend", ["linux", "portable"])  # portable: the server's workers are spawned (macOS, Windows)
def test_a_learner_with_no_terminal_inits_a_course_and_works_through_it_from_cells(tmp_path, kernel_env, backend, monkeypatch):
    """Colab's way: every step is a call in a cell; the exported notebooks grade themselves."""
    monkeypatch.setenv("PYTORCH_TUTOR_BACKEND", backend)
    before = server_folders()
    kernel = Kernel(tmp_path)
    with kernel_set_up(kernel.client):
        made = kernel.run("from grader import init, check, hint, progress, solution\ncourse = init('my-course')")
        assert "Created" in shown(made) and (tmp_path / "my-course" / "notebooks" / "01_tensors.ipynb").exists()
        assert "as it is" in shown(kernel.run("init('my-course')"))  # run again from the top: nothing is overwritten
        listed = kernel.run("progress()")
        refused = kernel.run("solution('01')")
        hinted = kernel.run("hint('01')")
        notebook = fill_with_reference(tmp_path / "my-course" / "notebooks" / "01_tensors.ipynb", "01_tensors")
        kernel.run(f"import os\nos.chdir({str(tmp_path / 'my-course' / 'notebooks')!r})\ndel os.environ['PYTORCH_TUTOR_COURSE']")
        for cell in notebook.cells:  # the exported notebook, as the learner would run it; its last cell checks
            checked = kernel.run(cell) if cell.cell_type == "code" else None
        server = kernel.run("from grader.notebooks import client\nprint(client.about()['pid'])")
        after = kernel.run("progress()")
        shown_solution = kernel.run("solution('01')")
    assert "not started" in shown(listed) and html(listed).count("<tr>") == len(COURSE.exercises) + 1  # a header and one row per exercise
    assert "Pass 01_tensors first" in shown(refused) and "force=True" in shown(refused)
    assert "Hint 1 of" in shown(hinted) and 'hint("01")' in shown(hinted)
    assert "✓ Passed: Tensors, all 6 checks" in shown(checked) and 'solution("01")' in shown(checked), shown(checked)
    assert "✓ passed" in html(after) and f"1 of {len(COURSE.exercises)} exercises passed" in html(after)
    assert "def tensor_from_list" in html(shown_solution)
    assert progress(tmp_path / "my-course")["01_tensors"]["status"] == "passed"
    assert gone({int(shown(server).split()[0])}) and server_folders() == before  # the kernel shut down: so did its server


def test_the_server_answers_a_malformed_or_impossible_request_with_an_error(course_dir):
    from grader.notebooks.server import answer

    assert "malformed request" in answer({"course": str(course_dir), "cells": "x"}, None)["error"]["message"]
    request = {"course": str(course_dir), "exercise": "99", "cells": [["In [1]", "x = 1"]], "notebook": "x.ipynb"}
    assert answer(request, None)["error"]["message"] == "There is no exercise '99'."


def test_interrupting_a_check_ends_its_server_and_the_learner_process(course_dir):
    """The kernel's stop button during a check of code that never returns: nothing keeps running."""
    import signal
    import threading

    from grader.notebooks import client

    request = {"course": str(course_dir), "exercise": "03", "cells": [["In [1]", "while True:\n    pass"]], "notebook": "x.ipynb"}
    before, seen, done = server_folders(), {"tree": set(), "most": 0, "sent": False}, threading.Event()

    def interrupt_once_the_learner_runs():
        while not done.is_set() and len(seen["tree"]) < 5:  # the server, its zygote, and the job's three processes
            server = (client.about() or {}).get("pid")
            seen["tree"] = proctree.descendants(server) if server else set()
            seen["most"], seen["server"] = max(seen["most"], len(seen["tree"])), server
            time.sleep(0.05)
        if not done.is_set():
            seen["handler"] = signal.getsignal(signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)  # as the kernel's stop button does
            seen["sent"] = True

    # A kernel's SIGINT handler raises KeyboardInterrupt; this process has SIG_IGN when the suite was started
    # as a background job of a script (as `bash .ci/run &` is), so the kernel's is put in place.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=interrupt_once_the_learner_runs, daemon=True).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            answer = client.grade(request, 30)
            pytest.fail(f"no KeyboardInterrupt: {seen}, {str(answer)[:300]}")
    finally:
        done.set()
        signal.signal(signal.SIGINT, previous)
    assert len(seen["tree"]) >= 5 and gone(seen["tree"]) and client.about() is None
    assert server_folders() == before


def test_the_servers_folder_goes_even_when_its_end_is_signalled_twice(tmp_path):
    """A kernel's death both closes the server's socket and sends it SIGTERM (PR_SET_PDEATHSIG):
    the second must not cut short the removal of the server's folder that the first began."""
    import signal
    import threading

    from grader.notebooks import server

    folder = tmp_path / "pytorch-tutor-server-x"
    for i in range(200):
        (folder / f"job-{i}").mkdir(parents=True)
        for j in range(10):
            (folder / f"job-{i}" / f"f{j}").write_text("x")
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # as the server's own handler
    try:
        threading.Timer(0.002, os.kill, (os.getpid(), signal.SIGTERM)).start()
        server._remove(str(folder))
        time.sleep(0.05)  # a signal still on its way is handled now, not in the next test
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert not folder.exists()
