"""The torch._dynamo stand-in (grader/isolation/lazydynamo.py) must change timing only, never results or behaviour."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, python_json
from grader import torchversions

TRAIN = """
import json, sys
import torch
from grader.isolation import lazydynamo
if sys.argv[1] == "stand-in":
    assert lazydynamo.install()
else:
    import torch._dynamo
    assert not lazydynamo.install()  # already imported: left alone
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Dropout(0.2), torch.nn.ReLU(), torch.nn.Linear(8, 1))
for make in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop):
    opt = make(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(4):
        opt.zero_grad()
        model(torch.randn(5, 4)).pow(2).mean().backward()
        opt.step()
        sched.step()
    opt.load_state_dict(opt.state_dict())
    opt.step()
grads = torch.func.grad(lambda w: model[0](w).pow(2).sum())(torch.randn(2, 4))  # enters compiled_autograd._disable()
print(json.dumps({"stand_in": lazydynamo.is_stand_in(),
                  "params": [t.detach().numpy().tobytes().hex() for t in [*model.parameters(), grads]]}))
"""

AFTER = """
import json, sys
import torch
from grader.isolation import lazydynamo
assert lazydynamo.install()
model = torch.nn.Linear(3, 1)
opt = torch.optim.Adam(model.parameters())
opt.zero_grad()
model(torch.ones(2, 3)).sum().backward()
opt.step()
stand_in = sys.modules["torch._dynamo"]
import torch._dynamo.utils                           # a submodule first: the real package, then one copy of it
from torch._dynamo import config
compiled = torch.compile(lambda x: x.sin() + 1, backend="eager")
out = compiled(torch.zeros(2))
raw = torch.optim.Optimizer.zero_grad.__wrapped__
opt.zero_grad(); model(torch.ones(2, 3)).sum().backward(); opt.step()   # re-wrapped by the real disable()
print(json.dumps({
    "stand_in": lazydynamo.is_stand_in(),
    "real_in_sys_modules": type(sys.modules["torch._dynamo"]).__name__,
    "torch_attr_is_real": torch._dynamo is sys.modules["torch._dynamo"],
    "config": config.__name__,
    "one_utils": sys.modules["torch._dynamo.utils"] is torch._dynamo.utils is torch._dynamo.eval_frame.utils,
    "utils_loader": type(torch._dynamo.utils.__spec__.loader).__name__,
    "compiled": out.tolist(),
    "func_grad": torch.func.grad(lambda x: x.pow(2).sum())(torch.ones(2)).tolist(),
    "shim_hands_over": type(stand_in.compiled_autograd._disable()).__name__,
    "zero_grad_rewrapped": getattr(raw, "__dynamo_disable", raw) is not raw,
}))
"""



@pytest.fixture(scope="module")
def trained() -> dict:
    return {mode: python_json(TRAIN, mode) for mode in ("stand-in", "real")}


def test_training_never_imports_the_compiler(trained):
    assert trained["stand-in"]["stand_in"] is True
    assert trained["real"]["stand_in"] is False


def test_training_gives_bit_identical_weights_with_and_without_the_stand_in(trained):
    assert trained["stand-in"]["params"] == trained["real"]["params"]


def test_the_compiler_still_works_after_the_hand_over():
    after = python_json(AFTER)
    assert after["stand_in"] is False
    assert after["real_in_sys_modules"] == "module" and after["torch_attr_is_real"]
    assert after["config"] == "torch._dynamo.config"
    assert after["one_utils"] and after["utils_loader"] == "SourceFileLoader"
    assert after["compiled"] == [1.0, 1.0]
    assert after["func_grad"] == [2.0, 2.0] and after["shim_hands_over"] == "_GeneratorContextManager"
    assert after["zero_grad_rewrapped"]


# --- outside the torch versions the stand-in was tested on: the plain path -------------------------

FALLBACK = """
import json, sys
from pathlib import Path
import torch
torch.__version__ = sys.argv[1]  # as if this were another torch (Colab's, say); set before the grader sees it
from grader.course import find_course
from grader.engine import check_exercise
from grader.isolation import lazydynamo
from grader.isolation.pool import Pool
course = find_course(sys.argv[2])
exercise = course.resolve("04")
if sys.argv[4] == "warm":
    with Pool(1) as pool:  # its zygote is forked from this process, so it sees the same version
        result = check_exercise(course, exercise, Path(sys.argv[3]), pool=pool)
else:
    result = check_exercise(course, exercise, Path(sys.argv[3]))
print(json.dumps({"passed": result.passed, "output": result.output, "isolation": result.isolation,
                  "stand_in": lazydynamo.is_stand_in(), "real": type(sys.modules.get("torch._dynamo")).__name__}))
"""


def test_the_stand_in_is_used_only_on_the_torch_versions_it_was_tested_on(monkeypatch):
    from grader.isolation import lazydynamo

    import torch

    forced = torchversions.standins_proven("0.0")  # scripts/compat.py forces them on to test another torch
    monkeypatch.delenv(torchversions.FORCE_STANDINS, raising=False)
    assert forced or lazydynamo.tested(torch.__version__)  # else every check here would silently take the slow path
    assert lazydynamo.tested("2.13.0+cpu") and lazydynamo.tested("2.13.1") and lazydynamo.tested("2.11.0+cu126")
    assert not any(map(lazydynamo.tested, ["2.12.1", "2.14.0.dev20260101", "3.0.0", "nightly", ""]))


@pytest.mark.slow
def test_an_untested_torch_falls_back_to_the_plain_path_and_still_grades(tmp_path):
    """A torch the stand-ins were not proven on (2.12, say): no stand-in anywhere, and 04 (which builds
    optimizers) still passes, cold and warm."""
    style = sorted((ROOT / "reference" / "04_training_loop" / "styles").glob("*.py"))[0]
    learner = tmp_path / "04_training_loop.py"
    learner.write_text(style.read_text() + '\nimport sys\nprint("compiler at import:", type(sys.modules.get("torch._dynamo")).__name__)\n')
    unforced = {k: v for k, v in os.environ.items() if k != torchversions.FORCE_STANDINS}  # compat.py forces them on
    runs = {mode: subprocess.Popen([sys.executable, "-c", FALLBACK, "2.12.1+cu126", str(ROOT), str(learner), mode], cwd=ROOT,
                                   env=unforced, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for mode in ("cold", "warm")}
    found = {}
    for mode, proc in runs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        found[mode] = json.loads(out.strip().splitlines()[-1])
    for mode, got in found.items():
        assert got["passed"], (mode, got)
        assert not got["stand_in"] and got["real"] == "module", got  # the trusted side imported the real compiler
    assert "compiler at import:" in found["cold"]["output"] and "_StandIn" not in found["cold"]["output"]
    assert "compiler at import: module" in found["warm"]["output"]  # a warm zygote imported it once for every job
