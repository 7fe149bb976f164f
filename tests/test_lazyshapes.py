"""The symbolic_shapes stand-in (grader/isolation/lazyshapes.py) must change timing only, never results or behaviour."""

from __future__ import annotations

import importlib.util

import pytest

from conftest import python_json
from grader.isolation import lazyshapes

GRADIENTS = """
import json, sys
import torch
from grader.isolation import lazyshapes
if sys.argv[1] == "stand-in":
    assert lazyshapes.install()
else:
    import torch.fx.experimental.symbolic_shapes
    assert not lazyshapes.install()  # already imported: left alone
torch.manual_seed(0)
x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
y = (x.sin() * x).sum(0)
y.backward(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), retain_graph=True)  # an explicit gradient
(g,) = torch.autograd.grad(y, x, grad_outputs=torch.ones(3, dtype=torch.float64), retain_graph=True)
errors = []
for wrong in (torch.ones(4, dtype=torch.float64), torch.ones(3, 1, dtype=torch.float64)):
    try:
        y.backward(wrong, retain_graph=True)
    except RuntimeError as exc:
        errors.append(str(exc))
verdicts = [torch.autograd.gradcheck(torch.tanh, (x,)), torch.autograd.gradcheck(lambda t: t + t.detach() ** 2, (x,), raise_exception=False),
            torch.autograd.gradcheck(torch.mm, (x, torch.randn(3, 2, dtype=torch.float64, requires_grad=True)), fast_mode=True)]
print(json.dumps({"stand_in": lazyshapes.is_stand_in(), "sympy": "sympy" in sys.modules, "errors": errors,
                  "verdicts": verdicts, "grads": [t.numpy().tobytes().hex() for t in (x.grad, g)]}))
"""

AFTER = """
import json, sys
import torch
from grader.isolation import torchsetup, lazyshapes
torchsetup.prepare()  # with the torch._dynamo stand-in too, as every grading process
stand_in = sys.modules[lazyshapes.NAME]
x = torch.randn(3, requires_grad=True)
(x * 2).backward(torch.ones(3))
from torch.fx.experimental.symbolic_shapes import ShapeEnv   # any other name: the real module
env = ShapeEnv()
compiled = torch.compile(lambda t: t.sin() + 1, backend="eager", dynamic=True)
outs = [compiled(torch.zeros(n)).tolist() for n in (2, 3)]
class Twice(torch.nn.Module):
    def forward(self, t):
        return t * 2
batch = torch.export.Dim("batch")
program = torch.export.export(Twice(), (torch.ones(2, 3),), dynamic_shapes={"t": {0: batch}})
real = sys.modules[lazyshapes.NAME]
print(json.dumps({
    "stand_in": lazyshapes.is_stand_in(),
    "real_in_sys_modules": type(real).__name__,
    "parent_attr_is_real": torch.fx.experimental.symbolic_shapes is real,
    "shape_env": type(env).__name__,
    "old_reference_hands_over": stand_in.sym_eq is not None and stand_in.ShapeEnv is ShapeEnv,
    "sym_eq_after": stand_in.sym_eq((2, 3), (2, 3)),
    "compiled": outs,
    "exported": program.module()(torch.ones(5, 3)).shape[0],
}))
"""



@pytest.fixture(scope="module")
def gradients() -> dict:
    return {mode: python_json(GRADIENTS, mode) for mode in ("stand-in", "real")}


def test_explicit_gradients_and_gradcheck_never_import_sympy(gradients):
    assert gradients["stand-in"]["stand_in"] is True and gradients["stand-in"]["sympy"] is False
    assert gradients["real"]["stand_in"] is False and gradients["real"]["sympy"] is True


def test_gradients_verdicts_and_shape_errors_are_the_same_with_and_without_the_stand_in(gradients):
    stand_in, real = gradients["stand-in"], gradients["real"]
    assert stand_in["grads"] == real["grads"]
    assert stand_in["verdicts"] == real["verdicts"] == [True, False, True]
    assert stand_in["errors"] == real["errors"] and len(real["errors"]) == 2 and "Mismatch in shape" in real["errors"][0]


def test_symbolic_shapes_compile_and_export_still_work_after_the_hand_over():
    after = python_json(AFTER)
    assert after["stand_in"] is False
    assert after["real_in_sys_modules"] == "module" and after["parent_attr_is_real"]
    assert after["shape_env"] == "ShapeEnv" and after["old_reference_hands_over"] and after["sym_eq_after"] is True
    assert after["compiled"] == [[1.0, 1.0], [1.0, 1.0, 1.0]]
    assert after["exported"] == 5


PLAIN = """
import json
import torch.fx.experimental.symbolic_shapes as real
from grader.isolation import lazyshapes
inputs = [(True,), (False,), (0,), (3,), (2.5,), (True, False), (True, True, True), (False, True), (1, 1), ((2, 3), (2, 3)),
          ((2, 3), (2, 4)), ((2,), (2, 1))]
def outcome(fn, args):
    try:
        return ["ok", repr(fn(*args))]
    except Exception as exc:
        return ["raised", type(exc).__name__]
names = sorted(lazyshapes._PLAIN) + ["sym_eq", "expect_true"]
stand_in = lazyshapes._StandIn(real.__spec__)
print(json.dumps({name: [[outcome(getattr(real, name), a), outcome(getattr(stand_in, name), a)] for a in inputs]
                  if hasattr(real, name) else "missing" for name in names}))
"""


def test_what_the_stand_in_answers_itself_is_what_the_real_functions_answer():
    table = python_json(PLAIN)
    assert len(table) >= 10
    for name, pairs in table.items():
        if pairs == "missing":  # not in this torch (2.11 has no has_guarding_hint): the stand-in must not answer it
            assert name not in lazyshapes._defined_in(importlib.util.find_spec(lazyshapes.NAME).origin), name
            continue
        for real, stand_in in pairs:
            assert stand_in == real, name
        assert any(real[0] == "ok" for real, _ in pairs), name  # each was really exercised
