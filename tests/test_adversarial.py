"""Hostile, broken and runaway submissions: never a pass, never a hang, never a crash
of the grader, never a process left behind, and the next check still works.

Each case is a learner file for exercise 01 (the reference solution plus a hostile
snippet, or a file of its own), the verdict, the reason a learner is shown, and
the limits it runs under. `{pidfile}` in a snippet becomes a file where the
submission records the processes it started, so the test can prove they are gone.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import COURSE, ROOT, grade, warm_pool
from grader.isolation import proctree

REFERENCE = (ROOT / "reference" / "01_tensors" / "solution.py").read_text()
SLACK = 5.0  # seconds allowed over the time limit on a loaded 2-core machine


@dataclass
class Case:
    id: str
    snippet: str
    status: str  # "error" (not graded), "failed", or "passed" (harmless but must clean up)
    reason: str  # must appear in what the learner is told
    limits: dict = field(default_factory=dict)
    alone: bool = False  # the file is the snippet only, not the reference plus the snippet
    cold: bool = False  # run in a freshly started process instead of a warm fork


def redefine(name: str, body: str) -> str:
    return f"\n\ndef {name}(*args):\n" + "".join(f"    {line}\n" for line in body.splitlines())


CASES = [
    # 1. time: enforced from outside, whatever the code does with signals
    Case("loop_forever", redefine("zeros_and_ones", "while True:\n    pass"), "error", "time limit: your code was still running after 2 s (it was at line", {"timeout": 2}),
    Case("long_torch_op", redefine("matmul_reshape", "a = torch.ones(9000, 9000)\nfor _ in range(100):\n    a = a @ a"), "error", "time limit", {"timeout": 2}),
    Case("sleep_forever", "import time\ntime.sleep(10**6)\n", "error", "time limit: your code was still running after 2 s", {"timeout": 2}),
    Case("signals_ignored", "import signal\nfor s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):\n    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass\n", "error", "time limit", {"timeout": 2}),
    Case("loop_forever_cold", redefine("tensor_from_list", "while True:\n    pass"), "error", "time limit", {"timeout": 3}, cold=True),
    Case("input_has_no_keyboard", redefine("tensor_from_list", "return input('number? ')"), "failed", "your code raised EOFError"),
    # 2. memory: resident memory of the whole tree, polled from outside
    Case("memory_grows", "import torch\nkeep = []\nwhile True:\n    keep.append(torch.ones(64 * 2**20 // 4))\n", "error", "memory limit: your code used more than 1 GiB", {"memory_bytes": 2**30}),
    Case("memory_in_children", "import os, time, torch\nfor _ in range(4):\n    if os.fork() == 0:\n        x = torch.ones(100 * 2**20)\n        time.sleep(60)\n        os._exit(0)\ntime.sleep(60)\n", "error", "memory limit", {"memory_bytes": 2**30}),
    # 3. exits and crashes: exit status 0 never counts
    Case("sys_exit_at_import", "import sys\nsys.exit(0)\n", "error", "your code called sys.exit(0)"),
    Case("system_exit_in_function", redefine("add_row_bias", "raise SystemExit"), "failed", "your code raised SystemExit"),
    Case("keyboard_interrupt", redefine("uniform_random", "raise KeyboardInterrupt"), "failed", "your code raised KeyboardInterrupt"),
    Case("base_exception_at_import", "class Boom(BaseException):\n    pass\nraise Boom('bye')\n", "error", "cannot be graded yet: Boom, line"),
    Case("os_exit_0", redefine("tensor_from_list", "import os\nos._exit(0)"), "error", "your code exited (exit status 0) before the checks finished"),
    Case("segfault", redefine("tensor_from_list", "import ctypes\nctypes.string_at(0)"), "error", "your code crashed (SIGSEGV) before the checks finished"),
    Case("kill_self", redefine("tensor_from_list", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"), "error", "your code crashed (SIGKILL)"),
    Case("kill_self_cold", redefine("tensor_from_list", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"), "error", "your code crashed (SIGKILL)", cold=True),
    # 4. processes: every descendant ends with the check; a cap stops fork bombs
    Case("fork_and_linger", "import os, time\nif (pid := os.fork()) == 0:\n    time.sleep(600)\n    os._exit(0)\nopen({pidfile!r}, 'a').write(f'{{pid}}\\n')\n", "passed", ""),
    Case("setsid_double_fork", "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if (pid := os.fork()) == 0:\n        time.sleep(600)\n    open({pidfile!r}, 'a').write(f'{{pid}}\\n')\n    os._exit(0)\n", "passed", ""),
    Case("setsid_double_fork_cold", "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if (pid := os.fork()) == 0:\n        time.sleep(600)\n    open({pidfile!r}, 'a').write(f'{{pid}}\\n')\n    os._exit(0)\n", "passed", "", cold=True),
    Case("multiprocessing_left_running", "import multiprocessing as mp, time\np = mp.get_context('fork').Process(target=time.sleep, args=(600,))\np.start()\nopen({pidfile!r}, 'a').write(f'{{p.pid}}\\n')\n", "passed", ""),
    Case("fork_bomb", "import os, time\nfor _ in range(8):\n    os.fork()\ntime.sleep(60)\n", "error", "process limit: your code started more than 64 processes"),
    # 5. output floods and fake verdicts
    Case("stdout_flood", "import sys\nfor _ in range(300):\n    sys.stdout.write('x' * 10**6)\n", "passed", ""),
    Case("fake_banner", "print('\\x1b[32m✓ Passed: Tensors, all 6 checks\\x1b[0m')\nprint('{{\"passed\": true}}')\n" + redefine("add_row_bias", "return args[0]"), "failed", "values differ"),
    # 6. tampering with comparisons, types, files and the reference
    Case("patch_allclose", "import torch, torch.testing\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\ntorch.testing.assert_close = lambda *a, **k: None\n" + redefine("matmul_reshape", "return torch.zeros(args[2])"), "failed", "values differ"),
    Case("patch_tensor_eq", "import torch\ntorch.Tensor.__eq__ = lambda self, other: True\ntorch.Tensor.__ne__ = lambda self, other: False\n" + redefine("add_row_bias", "return args[0]"), "failed", "values differ"),
    Case("patch_builtins", "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.type = lambda *a: object\n" + redefine("add_row_bias", "return args[0]"), "error", "before the checks finished"),
    Case("tensor_subclass_always_equal", "import torch\nclass Yes(torch.Tensor):\n    @classmethod\n    def __torch_function__(cls, *a, **k):\n        return True\n" + redefine("tensor_from_list", "return torch.zeros(1).as_subclass(Yes)"), "failed", "a Tensor subclass"),
    Case("object_equal_to_everything", "class Any:\n    def __eq__(self, other):\n        return True\n" + redefine("tensor_from_list", "return Any()"), "failed", "expected a tensor"),
    Case("numpy_instead_of_tensor", "import numpy as np\n" + redefine("tensor_from_list", "return np.array(args[0], dtype=np.float32)"), "failed", "expected a tensor of shape"),
    Case("list_instead_of_tensor", redefine("tensor_from_list", "return [[float(v) for v in row] for row in args[0]]"), "failed", "expected a tensor of shape"),
    Case("reads_the_reference", "import pathlib\nexec(pathlib.Path({reference!r}).read_text())\n", "error", "may not open"),
    Case("forges_the_results_file", "import glob, os, tempfile\nfor job in glob.glob(os.path.join(tempfile.gettempdir(), 'pytorch-tutor-*', 'job.json')):\n    open(os.path.join(os.path.dirname(job), 'outcomes.pt'), 'wb').write(b'forged')\n", "error", "may not open"),
    Case("writes_progress", "import os\nos.makedirs({state!r}, exist_ok=True)\nopen(os.path.join({state!r}, 'progress.json'), 'w').write('{{}}')\n", "error", "may not open"),
    Case("runs_another_program", "import subprocess\nsubprocess.run(['cat', {reference!r}])\n", "error", "may not start other programs"),
    # 7. wrong but close
    Case("broadcastable_shape", redefine("matmul_reshape", "return (args[0] @ args[1]).sum()"), "failed", "shape differs"),
    Case("nan_values", redefine("add_row_bias", "return args[0] + args[1] * float('nan')"), "failed", "your result contains NaN"),
    Case("inf_values", redefine("add_row_bias", "return args[0] + args[1] * float('inf')"), "failed", "values differ"),
    Case("float64", redefine("tensor_from_list", "return torch.tensor(args[0], dtype=torch.float64)"), "failed", "dtype differs: expected torch.float32, got torch.float64"),
    Case("meta_device", redefine("tensor_from_list", "return torch.tensor(args[0], dtype=torch.float32).to('meta')"), "failed", "device differs: expected cpu, got meta"),
    Case("needless_requires_grad", redefine("tensor_from_list", "return torch.tensor(args[0], dtype=torch.float32, requires_grad=True)"), "failed", "requires_grad differs"),
    # 8. code that cannot be graded yet
    Case("syntax_error", "def tensor_from_list(data)\n    return data\n", "error", "cannot be graded yet: SyntaxError, line 1", alone=True),
    Case("missing_function", REFERENCE.split("def add_row_bias")[0], "failed", "`add_row_bias` is not defined in your file", alone=True),
    Case("import_error", "import torchvision_not_installed_here\n", "error", "cannot be graded yet: ModuleNotFoundError, line"),
    # 9. global state changed by learner code stays in the learner's process
    Case("global_state", "import torch\ntorch.set_grad_enabled(False)\ntorch.manual_seed(123)\ntorch.Tensor.sum = lambda *a, **k: 0\n", "passed", ""),
    Case("default_dtype_float64", "import torch\ntorch.set_default_dtype(torch.float64)\n", "failed", "dtype differs"),
]


def _source(case: Case, tmp: Path) -> str:
    fill = {"pidfile": str(tmp / "pids.txt"), "reference": str(ROOT / "reference" / "01_tensors" / "solution.py"),
            "state": str(ROOT / ".pytorch-tutor")}
    snippet = case.snippet.format(**fill) if "{" in case.snippet else case.snippet
    return snippet if case.alone else REFERENCE + "\n" + snippet


def _reason(result) -> str:
    if result.status == "error":
        return result.message
    failing = [c for c in result.checks if not c.passed]
    return failing[0].message if failing else ""


def _leftovers(before: set[int], pidfile: Path) -> list[int]:
    """Processes this test started that are still alive, after a short grace period."""
    recorded = {int(p) for p in pidfile.read_text().split()} if pidfile.exists() else set()
    deadline = time.monotonic() + 3
    while True:
        alive = [p for p in (proctree.descendants(os.getpid()) - before) | recorded if proctree.alive(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_submission_is_contained(case: Case, tmp_path: Path):
    warm_pool().warm()
    learner = tmp_path / "submission.py"
    learner.write_text(_source(case, tmp_path))
    before = proctree.descendants(os.getpid())
    start = time.monotonic()
    result = grade("01", learner, cold=case.cold, **case.limits)
    elapsed = time.monotonic() - start
    assert result.status == case.status, (result.message, [(c.name, c.message) for c in result.checks])
    assert case.reason in _reason(result), _reason(result)
    assert "grader/" not in _reason(result) and "Traceback" not in _reason(result)
    assert elapsed < case.limits.get("timeout", 30) + SLACK
    assert _leftovers(before, tmp_path / "pids.txt") == []


def test_the_flood_is_capped_with_a_notice(tmp_path: Path):
    learner = tmp_path / "submission.py"
    learner.write_text(REFERENCE + "\nimport sys\nfor _ in range(300):\n    sys.stdout.write('x' * 10**6)\n")
    result = grade("01", learner, cold=True)
    assert result.passed
    assert len(result.output) < 1_100_000
    assert "more bytes of output were not kept" in result.output


def test_after_every_kind_of_breakage_the_next_check_still_passes():
    result = grade("01", ROOT / "reference" / "01_tensors" / "solution.py")
    assert result.passed, [c.message for c in result.checks if not c.passed]



# A single `pytorch-tutor check NN` forks the learner's side from the trusted process once it has imported
# torch (grader/isolation/forked.py). A fresh process takes that path; this test process cannot (it has loaded references).
FORKED = ("loop_forever", "memory_in_children", "kill_self", "setsid_double_fork", "fork_bomb",
          "reads_the_reference", "forges_the_results_file", "global_state")
DRIVER = """
import json, sys
from pathlib import Path
from grader import engine
from grader.course import find_course
from grader.isolation.forked import may_fork
from grader.isolation.sandbox import Limits
course = find_course(Path(sys.argv[1]))
exercise = course.resolve("01")
forks = may_fork()
result = engine.check_exercise(course, exercise, Path(sys.argv[2]), Limits(**json.loads(sys.argv[3])))
print(json.dumps({"forked": forks, **result.to_dict()}))
"""


def grade_forked(learner: Path, **limits) -> dict:
    import subprocess
    import sys

    limits.setdefault("timeout", COURSE.resolve("01").timeout)
    argv = [sys.executable, "-c", DRIVER, str(ROOT), str(learner), json.dumps(limits)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("case", [c for c in CASES if c.id in FORKED], ids=lambda c: c.id)
def test_hostile_submission_is_contained_in_a_single_cold_check(case: Case, tmp_path: Path):
    learner = tmp_path / "submission.py"
    learner.write_text(_source(case, tmp_path))
    before = proctree.descendants(os.getpid())
    start = time.monotonic()
    result = grade_forked(learner, **case.limits)
    elapsed = time.monotonic() - start
    assert result["forked"]
    assert result["status"] == case.status, (result["message"], [(c["name"], c["message"]) for c in result["checks"]])
    failing = [c["message"] for c in result["checks"] if not c["passed"]]
    reason = result["message"] if result["status"] == "error" else (failing[0] if failing else "")
    assert case.reason in reason and "Traceback" not in reason, reason
    assert elapsed < case.limits.get("timeout", 30) + SLACK + 5  # plus this driver's own torch import
    assert _leftovers(before, tmp_path / "pids.txt") == []


def test_a_single_cold_check_runs_the_learner_in_a_fork_of_the_trusted_process(tmp_path: Path):
    learner = tmp_path / "submission.py"
    record = tmp_path / "lineage.txt"
    learner.write_text(REFERENCE + f"""
import json, os
def _cmdline(pid):
    return open(f"/proc/{{pid}}/cmdline", "rb").read().replace(b"\\0", b" ").decode()
def _parent(pid):
    return int(open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()[1])
keeper = _parent(os.getpid())
open({str(record)!r}, "w").write(json.dumps([_cmdline(pid) for pid in (os.getpid(), keeper, _parent(keeper))]))
""")
    result = grade_forked(learner)
    assert result["forked"] and result["status"] == "passed"
    own, keeper, trusted = json.loads(record.read_text())
    assert "grader.isolation.worker" not in own and own == keeper == trusted  # no fresh interpreter: forks all the way down
    assert "-c" in trusted


def test_ctrl_c_while_the_reference_runs_stops_grading_but_a_learners_keyboardinterrupt_is_an_outcome():
    from types import SimpleNamespace

    from grader.engine import load_reference
    from grader.judging.probe import run_checks

    checks, _ = load_reference(COURSE.resolve("01"))
    interrupted = SimpleNamespace(**{c.target: _raise_interrupt for c in checks.CHECKS})
    with pytest.raises(KeyboardInterrupt):
        run_checks(checks.CHECKS, interrupted)  # the trusted side: the user pressed Ctrl-C
    outcomes = run_checks(checks.CHECKS, interrupted, ROOT / "submission.py")  # the learner's side
    assert all(o[-1]["error"]["type"] == "KeyboardInterrupt" for o in outcomes.values())


def _raise_interrupt(*args, **kwargs):
    raise KeyboardInterrupt
