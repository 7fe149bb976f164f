"""Compare an encoded learner result with the encoded reference result.

`compare` returns None when they agree, or the first `Mismatch`, described
for a learner. It checks kind and exact type first, then shape, dtype,
device and requires_grad, and only then values with `torch.testing.assert_close`'s
rule and dtype-aware default tolerances, so broadcastable shapes, a Tensor subclass
or a patched `torch.allclose` can never pass. It never raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

FLOAT_RTOL, FLOAT_ATOL = 1.3e-6, 1e-5  # Python floats usually come from float32 math


@dataclass(frozen=True)
class Mismatch:
    path: str  # where in the result: "result", "result[1]", "result['grad']"
    kind: str  # type, length, keys, shape, dtype, device, requires_grad, values
    expected: str
    got: str
    detail: str = ""
    expected_kind: str = ""  # for type mismatches: "tensor", "list", "float", ...
    got_kind: str = ""

    def text(self) -> str:
        where = "" if self.path == "result" else f"{self.path}: "
        return f"{where}{self.detail or f'expected {self.expected}, got {self.got}'}"


def compare(expected: Any, got: Any, path: str = "result") -> Mismatch | None:
    try:
        return _compare(expected, got, path)
    except Exception as exc:  # malformed data must fail the check, not crash the grader
        return Mismatch(path, "unreadable", describe(expected), "data the grader could not read", f"{type(exc).__name__}")


def describe(node: Any) -> str:
    """A short learner-facing description of an encoded value."""
    if node is None:
        return "None"
    if type(node) in (bool, int, float, str):
        text = repr(node)
        return f"{type(node).__name__} {text if len(text) < 40 else text[:37] + '...'}"
    if type(node) is not dict:
        return f"unexpected data ({type(node).__name__})"
    kind = node.get("kind")
    if kind == "tensor":
        if node.get("type") != "torch.Tensor":
            return f"a {node.get('type')} (a Tensor subclass)"
        dtype = str(node.get("dtype", "?"))
        return f"a tensor of shape {tuple(node.get('shape', ()))} and dtype {dtype}"
    if kind in ("list", "tuple"):
        return f"a {kind} of {node.get('len')} item{'s' * (node.get('len') != 1)}"
    if kind == "dict":
        return f"a dict with keys {node.get('keys')}"
    if kind in ("dtype", "device", "Size"):
        return f"{kind} {node.get('value')}"
    return f"a {node.get('type', 'value')} ({node.get('repr', '')})"


def kind_of(node: Any) -> str:
    if type(node) in (bool, int, float, str) or node is None:
        return type(node).__name__
    if type(node) is dict:
        if node.get("kind") == "tensor" and node.get("type") != "torch.Tensor":
            return "tensor subclass"
        return str(node.get("kind", "object"))
    return "unknown"


def _compare(exp: Any, got: Any, path: str) -> Mismatch | None:
    ek, gk = kind_of(exp), kind_of(got)
    if ek != gk:
        return Mismatch(path, "type", describe(exp), describe(got), "", ek, gk)
    if ek in ("bool", "int", "str", "NoneType"):
        return None if exp == got and type(exp) is type(got) else Mismatch(path, "values", repr(exp), repr(got))
    if ek == "float":
        return _compare_floats(exp, got, path)
    if ek == "tensor":
        return _compare_tensors(exp, got, path)
    if ek in ("list", "tuple"):
        return _compare_sequences(exp, got, path)
    if ek == "dict":
        return _compare_dicts(exp, got, path)
    if ek in ("dtype", "device", "Size"):
        return None if exp.get("value") == got.get("value") else Mismatch(path, "values", exp.get("value"), got.get("value"))
    same = exp.get("type") == got.get("type") and exp.get("repr") == got.get("repr")
    return None if same else Mismatch(path, "values", describe(exp), describe(got))


def _compare_floats(exp: float, got: float, path: str) -> Mismatch | None:
    if math.isnan(exp) and math.isnan(got):
        return None
    if math.isinf(exp) or math.isinf(got):
        return None if exp == got else Mismatch(path, "values", repr(exp), repr(got))
    if exp == got or abs(got - exp) <= FLOAT_ATOL + FLOAT_RTOL * abs(exp):  # assert_close's rule
        return None
    return Mismatch(path, "values", repr(exp), repr(got), f"expected {exp!r}, got {got!r} (error {abs(got - exp):.3g})")


def _compare_sequences(exp: dict, got: dict, path: str) -> Mismatch | None:
    if exp.get("len") != got.get("len") or len(exp["items"]) != len(got["items"]):
        return Mismatch(path, "length", describe(exp), describe(got))
    for i, (e, g) in enumerate(zip(exp["items"], got["items"])):
        if (m := _compare(e, g, f"{path}[{i}]")) is not None:
            return m
    return None


def _compare_dicts(exp: dict, got: dict, path: str) -> Mismatch | None:
    want = dict(zip(exp["keys"], exp["items"]))
    have = dict(zip(got["keys"], got["items"]))
    if set(want) != set(have):
        missing, extra = sorted(map(str, set(want) - set(have))), sorted(map(str, set(have) - set(want)))
        detail = "keys differ" + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else "")
        return Mismatch(path, "keys", str(exp["keys"]), str(got["keys"]), detail)
    for key in exp["keys"]:
        if (m := _compare(want[key], have[key], f"{path}[{key!r}]")) is not None:
            return m
    return None


def _compare_tensors(exp: dict, got: dict, path: str) -> Mismatch | None:
    import torch

    if "unreadable" in got:
        return Mismatch(path, "type", describe(exp), "a tensor that could not be read", got["unreadable"])
    for field in ("shape", "dtype", "device", "requires_grad"):
        if exp.get(field) != got.get(field):
            e, g = exp.get(field), got.get(field)
            if field == "shape":
                e, g = tuple(e), tuple(g)
            return Mismatch(path, field, str(e), str(g), f"{field} differs: expected {e}, got {g}")
    e, g = exp.get("data"), got.get("data")
    if e is None or g is None:
        return None  # values unknown on both sides (meta device or too large): structure already matched
    if type(g) is not torch.Tensor or type(e) is not torch.Tensor:
        return Mismatch(path, "type", describe(exp), "data that is not a plain tensor")
    if g.shape != e.shape or g.dtype != e.dtype:
        return Mismatch(path, "unreadable", describe(exp), "tensor data that does not match its own description")
    if _all_close(e, g):
        return None
    return Mismatch(path, "values", describe(exp), describe(got), _value_detail(e, g))


def _all_close(e: Any, g: Any) -> bool:
    """`torch.testing.assert_close`'s rule and default tolerances for same-dtype tensors, computed
    directly: its first call imports torch.distributed (about 1 s) on every cold check."""
    import torch

    if e.dtype.is_floating_point or e.dtype.is_complex:
        return bool(torch.isclose(g, e, rtol=_rtol(e.dtype), atol=_atol(e.dtype), equal_nan=True).all())
    return bool(torch.equal(g, e))


def _value_detail(e: Any, g: Any) -> str:
    import torch

    if e.dtype.is_floating_point or e.dtype.is_complex:
        ok = torch.isclose(g, e, rtol=_rtol(e.dtype), atol=_atol(e.dtype), equal_nan=True)
    else:
        ok = g == e
    bad = (~ok).nonzero()
    n_bad, total = bad.shape[0], e.numel()
    if n_bad == 0:
        return "values differ"
    first = tuple(int(i) for i in bad[0])
    ev, gv = e[first].item(), g[first].item()
    where = f" at index {list(first)}" if first else ""
    text = f"{n_bad} of {total} values differ; first{where}: expected {_num(ev)}, got {_num(gv)}"
    if e.dtype.is_floating_point:
        if g.isnan().any() and not e.isnan().any():
            text += "; your result contains NaN"
        err = (g.double() - e.double()).abs().nan_to_num(nan=float("inf"))
        text += f"; largest error {err.max().item():.3g}"
    return text


def _num(v: Any) -> str:
    return f"{v:.6g}" if isinstance(v, float) else repr(v)


def _rtol(dtype: Any) -> float:
    import torch

    return {torch.float16: 1e-3, torch.bfloat16: 1.6e-2, torch.float64: 1e-7, torch.complex128: 1e-7}.get(dtype, 1.3e-6)


def _atol(dtype: Any) -> float:
    import torch

    return {torch.float16: 1e-5, torch.bfloat16: 1e-5, torch.float64: 1e-7, torch.complex128: 1e-7}.get(dtype, 1e-5)
