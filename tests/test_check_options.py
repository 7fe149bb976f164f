"""The Check options an author declares, seen the way a learner meets them: forbid, hints by result
key and kind, tolerances, depends_on, the best-matching known mistake, and errors raised inside the
probe's own backward(). Each test grades a learner file against a small course pack of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import CLI_ENV, cli

SOLUTION = '''
import torch


def softmax(x, dim):
    e = torch.exp(x - x.amax(dim, keepdim=True))
    return e / e.sum(dim, keepdim=True)


def log_softmax(x, dim):
    return torch.log(softmax(x, dim))
'''

CHECKS = '''
import torch
from grader.kit import Check, with_gradients

HINTS = {"softmax": ["Exponentiate, then normalise.", "Subtract the max first."],
         "log_softmax": ["The log of softmax.", "torch.log(softmax(x, dim))."]}

CHECKS = [
    Check("softmax", target="softmax", args=[(torch.tensor([[1.0, 2.0, 3.0]]), 1)],
          random=lambda g: (torch.randn(3, 4, generator=g) * 5, 1), probe=with_gradients("softmax", names=("x",)),
          forbid=["torch.softmax", "torch.Tensor.softmax", "torch.nn.functional.softmax"],
          hints={"gradient of x": "GRADIENT HINT", "output.values": "VALUES HINT"}, tolerances={"output": (1e-4, 1e-6)}),
    Check("log_softmax", target="log_softmax", args=[(torch.tensor([[0.5, -1.0, 2.0]]), 1)],
          probe=with_gradients("log_softmax", names=("x",)), depends_on=["softmax"]),
]
'''

STUB = '''"""01 · Softmax

Write softmax and log_softmax, then run `pytorch-tutor check 01`.
"""


def softmax(x, dim):
    # TODO
    raise NotImplementedError


def log_softmax(x, dim):
    # TODO
    raise NotImplementedError
'''


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    (tmp_path / "exercises").mkdir()
    folder = tmp_path / "reference" / "01_softmax"
    (folder / "mistakes").mkdir(parents=True)
    (tmp_path / "reference" / "course.toml").write_text('[course]\nname = "Pack"\n\n[[exercise]]\nid = "01_softmax"\ntitle = "Softmax"\n')
    (tmp_path / "exercises" / "01_softmax.py").write_text(STUB)
    (folder / "solution.py").write_text(SOLUTION)
    (folder / "checks.py").write_text(CHECKS)
    (folder / "mistakes" / "no_normalisation.py").write_text('HINT = "NO NORMALISATION"\n\ndef softmax(x, dim):\n    return torch.exp(x)\n')
    (folder / "mistakes" / "normalised_over_everything.py").write_text(
        'HINT = "WHOLE TENSOR"\n\ndef softmax(x, dim):\n    e = torch.exp(x - x.max())\n    return e / e.sum()\n')
    return tmp_path


def grade(pack: Path, body: str) -> dict:
    learner = pack / "mine.py"
    learner.write_text("import torch\n" + textwrap.dedent(body))
    result = cli(pack, "check", "01", "--file", str(learner), "--json")
    assert result.exit_code in (0, 1), result.output
    return {c["name"]: c for c in json.loads(result.output)["checks"]}


def test_a_forbidden_builtin_fails_the_check_and_names_it(pack: Path):
    found = grade(pack, "def softmax(x, dim):\n    return x.softmax(dim)\n\ndef log_softmax(x, dim):\n    return torch.log(softmax(x, dim))\n")
    assert not found["softmax"]["passed"]
    assert "your code called `torch.Tensor.softmax`" in found["softmax"]["message"]
    assert found["log_softmax"]["passed"], "a probe or another function may use it; only the target's own calls count"


def test_a_wrong_gradient_with_right_values_gets_the_gradient_hint(pack: Path):
    body = """
    def softmax(x, dim):
        e = torch.exp(x - x.amax(dim, keepdim=True))
        right = e / e.sum(dim, keepdim=True)
        return right.detach() + (x - x.detach())   # right values, gradient of the identity
    def log_softmax(x, dim):
        return torch.log(softmax(x, dim))
    """
    found = grade(pack, body)
    assert "gradient of x" in found["softmax"]["message"] and found["softmax"]["hint"] == "GRADIENT HINT"


def test_loose_tolerances_accept_a_correct_formula_that_rounds_differently(pack: Path):
    body = """
    def softmax(x, dim):
        return torch.exp(x - torch.logsumexp(x, dim, keepdim=True))
    def log_softmax(x, dim):
        return torch.log(softmax(x, dim))
    """
    assert grade(pack, body)["softmax"]["passed"]


def test_a_failing_dependency_says_fix_it_first(pack: Path):
    found = grade(pack, "def softmax(x, dim):\n    return torch.exp(x) / 3\n\ndef log_softmax(x, dim):\n    return torch.log(softmax(x, dim))\n")
    assert not found["log_softmax"]["passed"]
    assert "fix `softmax` first" in found["log_softmax"]["hint"]


def test_the_mistake_that_matches_the_whole_submission_is_named(pack: Path):
    found = grade(pack, "def softmax(x, dim):\n    return torch.exp(x)\n\ndef log_softmax(x, dim):\n    return x\n")
    assert found["softmax"]["mistake"] == "no_normalisation" and found["softmax"]["hint"] == "NO NORMALISATION"


def test_an_in_place_change_that_breaks_backward_names_the_learners_lines(pack: Path):
    body = """
    def softmax(x, dim):
        e = torch.exp(x - x.amax(dim, keepdim=True))
        e /= e.sum(dim, keepdim=True)
        return e
    def log_softmax(x, dim):
        return torch.log(softmax(x, dim))
    """
    check = grade(pack, body)["softmax"]
    assert "changed in place" in check["message"] and "line 5" in check["message"], check["message"]
    assert [frame[1] for frame in check["traceback"]] == [4, 5]
    assert "in place" in check["hint"]


def test_a_not_implemented_error_raised_inside_a_library_is_an_error_not_an_unwritten_function(pack: Path):
    # torch.export's `program.module().eval()` raises NotImplementedError; so does an nn.Module without forward().
    # Only the learner's own `raise NotImplementedError` means "not implemented yet".
    mistake = 'HINT = "NO FORWARD"\n\ndef softmax(x, dim):\n    return torch.nn.Module()(x)\n'
    (pack / "reference" / "01_softmax" / "mistakes" / "module_without_forward.py").write_text(mistake)
    found = grade(pack, "def softmax(x, dim):\n    return torch.nn.Module()(x)\n\ndef log_softmax(x, dim):\n    raise NotImplementedError\n")
    check = found["softmax"]
    assert check["message"].startswith("your code raised NotImplementedError"), check["message"]
    assert [frame[1] for frame in check["traceback"]] == [3], "the learner's line that called into the library"
    assert check["mistake"] == "module_without_forward" and check["hint"] == "NO FORWARD"
    assert found["log_softmax"]["message"] == "not implemented yet: log_softmax"


@pytest.mark.slow
def test_a_preloaded_module_is_in_the_learners_process_before_its_code_runs(pack: Path):
    # course.toml's `preload` (16 preloads torch.export's compiler): imported once by a cold check before it forks
    # the learner's process, which inherits it instead of importing it again. A fresh `check` process, as a learner
    # runs it (this one has loaded course code, so it would start its keeper fresh, not forked).
    learner = pack / "mine.py"
    learner.write_text('import sys\nprint("PRELOADED", "tabnanny" in sys.modules)\n\ndef softmax(x, dim):\n    return x\n')
    toml = pack / "reference" / "course.toml"
    argv = [sys.executable, "-m", "cli", "--course", str(pack), "check", "01", "--file", str(learner)]
    env = {**os.environ, **CLI_ENV, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    plain = json.loads(subprocess.run([*argv, "--json"], env=env, capture_output=True, text=True, timeout=300).stdout)
    toml.write_text(toml.read_text() + 'preload = ["tabnanny"]\n')
    preloaded = json.loads(subprocess.run([*argv, "--json"], env=env, capture_output=True, text=True, timeout=300).stdout)
    assert "PRELOADED False" in plain["output"] and "PRELOADED True" in preloaded["output"]
    toml.write_text(toml.read_text().replace('["tabnanny"]', '["os; rm -rf /"]'))
    broken = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert broken.returncode == 2 and "must be a list of module names" in broken.stdout + broken.stderr
