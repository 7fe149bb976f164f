"""The torch._dynamo stand-in (grader/isolation/lazydynamo.py) must change timing only, never results or behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

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


def _run(script: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def trained() -> dict:
    return {mode: _run(TRAIN, mode) for mode in ("stand-in", "real")}


def test_training_never_imports_the_compiler(trained):
    assert trained["stand-in"]["stand_in"] is True
    assert trained["real"]["stand_in"] is False


def test_training_gives_bit_identical_weights_with_and_without_the_stand_in(trained):
    assert trained["stand-in"]["params"] == trained["real"]["params"]


def test_the_compiler_still_works_after_the_hand_over():
    after = _run(AFTER)
    assert after["stand_in"] is False
    assert after["real_in_sys_modules"] == "module" and after["torch_attr_is_real"]
    assert after["config"] == "torch._dynamo.config"
    assert after["one_utils"] and after["utils_loader"] == "SourceFileLoader"
    assert after["compiled"] == [1.0, 1.0]
    assert after["func_grad"] == [2.0, 2.0] and after["shim_hands_over"] == "_GeneratorContextManager"
    assert after["zero_grad_rewrapped"]
