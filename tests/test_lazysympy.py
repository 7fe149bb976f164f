"""The sympy stand-in (grader/isolation/lazysympy.py), with the symbolic_shapes one it works beside, must
change timing only: the meta device (06's and 14's stand-in GPU) gives the same shapes, dtypes and
errors without importing sympy, and sympy works as ever once something really uses it."""

from __future__ import annotations

import pytest

from conftest import python_json

META_OPS = """
import json, sys
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from grader.isolation import lazyshapes, lazysympy, torchsetup
if sys.argv[1] == "stand-in":
    torchsetup.prepare()
else:
    import sympy, torch.fx.experimental.symbolic_shapes  # the real modules first: no stand-in is put in place
    torchsetup.prepare()
torch.manual_seed(0)
meta = torch.device("meta")
lstm, emb, fc = nn.LSTM(4, 5, batch_first=True).to(meta), nn.Embedding(9, 4, padding_idx=0).to(meta), nn.Linear(5, 3).to(meta)
conv = nn.Conv2d(3, 2, 3, padding=1).to(meta)
tokens = torch.zeros(4, 7, dtype=torch.long, device=meta)

def packed(lengths):
    out = pack_padded_sequence(emb(tokens), lengths, batch_first=True, enforce_sorted=False)
    return fc(lstm(out)[1][0][-1])

cases = {
    "broadcast add": lambda: torch.ones(3, 1, device=meta) + torch.ones(4, device=meta),
    "int + float": lambda: torch.ones(2, dtype=torch.int64, device=meta) * 0.5,
    "cat": lambda: torch.cat([torch.ones(2, 3, device=meta), torch.ones(1, 3, device=meta)]),
    "softmax": lambda: torch.softmax(torch.ones(2, 3, device=meta), dim=-1),
    "conv": lambda: conv(torch.ones(2, 3, 8, 8, device=meta)),
    "channels last": lambda: conv(torch.ones(2, 3, 8, 8, device=meta).to(memory_format=torch.channels_last)),
    "packed LSTM": lambda: packed(torch.tensor([2, 7, 1, 5])),
    "lengths on meta": lambda: packed(torch.tensor([2, 7, 1, 5]).to(meta)),
    "bad broadcast": lambda: torch.ones(3, device=meta) + torch.ones(4, device=meta),
    "bad cat": lambda: torch.cat([torch.ones(2, 3, device=meta), torch.ones(2, 4, device=meta)]),
}
seen = {}
for name, case in cases.items():
    try:
        out = case()
        seen[name] = [list(out.shape), str(out.dtype), str(out.device), out.is_contiguous()]
    except Exception as exc:
        seen[name] = [type(exc).__name__, str(exc)]
print(json.dumps({"seen": seen, "sympy_stand_in": lazysympy.is_stand_in(), "shapes_stand_in": lazyshapes.is_stand_in(),
                  "sympy_loaded": "sympy.core" in sys.modules}))
"""

AFTER = """
import json, sys
import torch
from grader.isolation import lazysympy, torchsetup
torchsetup.prepare()
import sympy
stand_in = sympy
from sympy.core.numbers import Integer   # a submodule: the real package first
x = sympy.Symbol("x")
real = sys.modules["sympy"]
print(json.dumps({
    "stand_in": lazysympy.is_stand_in(),
    "real_in_sys_modules": type(real).__name__,
    "expr": str(sympy.expand((x + 1) ** 2)),
    "basic_is_real": stand_in.Basic is real.Basic and isinstance(x, stand_in.Basic),
    "integer": Integer(3) + 4 == 7,
    "elementwise_after": str(torch.promote_types(torch.int64, torch.float32)),
    "meta_after": list((torch.ones(2, device="meta") + 1).shape),
}))
"""

ELSEWHERE = """
import json
import torch
from grader.isolation import lazysympy, torchsetup
torchsetup.prepare()
import sympy
basic = sympy.Basic  # asked by a caller that is not torch._prims_common: the real class
print(json.dumps({"stand_in": lazysympy.is_stand_in(), "basic": basic.__module__}))
"""



@pytest.fixture(scope="module")
def meta_ops() -> dict:
    return {mode: python_json(META_OPS, mode) for mode in ("stand-in", "real")}


def test_the_meta_device_runs_without_importing_sympy(meta_ops):
    stand_in, real = meta_ops["stand-in"], meta_ops["real"]
    assert stand_in["sympy_stand_in"] and stand_in["shapes_stand_in"] and not stand_in["sympy_loaded"]
    assert not real["sympy_stand_in"] and not real["shapes_stand_in"] and real["sympy_loaded"]


def test_meta_shapes_dtypes_and_errors_are_the_same_with_and_without_the_stand_ins(meta_ops):
    stand_in, real = meta_ops["stand-in"]["seen"], meta_ops["real"]["seen"]
    assert stand_in == real
    assert real["packed LSTM"] == [[4, 3], "torch.float32", "meta", True]
    assert "1D CPU int64 tensor" in real["lengths on meta"][1]  # 14's GPU check looks for this refusal
    assert real["bad broadcast"][0] == "RuntimeError" and real["bad cat"][0] == "RuntimeError"


def test_sympy_works_after_the_hand_over():
    after = python_json(AFTER)
    assert after["stand_in"] is False and after["real_in_sys_modules"] == "module"
    assert after["expr"] == "x**2 + 2*x + 1" and after["basic_is_real"] and after["integer"]
    assert after["elementwise_after"] == "torch.float32" and after["meta_after"] == [2]


def test_only_the_isinstance_callers_get_the_placeholder():
    assert python_json(ELSEWHERE) == {"stand_in": False, "basic": "sympy.core.basic"}


def test_the_placeholder_makes_no_objects():
    from grader.isolation.lazysympy import _NoSympyObjectYet

    with pytest.raises(TypeError, match="isinstance only"):
        _NoSympyObjectYet()
