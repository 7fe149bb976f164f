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
from typing import Any, Callable

from grader.judging.describe import describe, kind_of, num
from grader.text import clean_line

FLOAT_RTOL, FLOAT_ATOL = 1.3e-6, 1e-5  # Python floats usually come from float32 math
Tolerance = Callable[[str], tuple]  # result key -> (rtol or None, atol or None)


@dataclass(frozen=True)
class Mismatch:
    path: str  # where in the result: "result", "result[1]", "result['grad']"
    kind: str  # type, length, keys, shape, dtype, device, requires_grad, values
    expected: str
    got: str
    detail: str = ""
    expected_kind: str = ""  # for type mismatches: "tensor", "list", "float", ...
    got_kind: str = ""
    key: str = ""  # the top-level result key it is under ("gradient"), "" for the result itself

    def text(self) -> str:
        where = "" if self.path == "result" else f"{self.path}: "
        return f"{where}{self.detail or f'expected {self.expected}, got {self.got}'}"


def compare(expected: Any, got: Any, path: str = "result", tol: Tolerance | None = None) -> Mismatch | None:
    """None when `got` matches `expected`, else the first difference. `tol(key)` gives the
    (rtol, atol) for values under a top-level result key; None entries mean the default."""
    try:
        found = _compare(expected, got, path, _Context(tol or (lambda key: (None, None)), ""))
    except Exception as exc:  # malformed data must fail the check, not crash the grader
        return Mismatch(path, "unreadable", describe(expected), "data the grader could not read", f"{type(exc).__name__}")
    return found


@dataclass(frozen=True)
class _Context:
    tol: Tolerance
    key: str

    def under(self, key: Any) -> "_Context":
        return self if self.key else _Context(self.tol, str(key))

    def mismatch(self, *args, **kwargs) -> Mismatch:
        return Mismatch(*args, **kwargs, key=self.key)


def _compare(exp: Any, got: Any, path: str, ctx: _Context) -> Mismatch | None:
    ek, gk = kind_of(exp), kind_of(got)
    if ek != gk:
        return ctx.mismatch(path, "type", describe(exp), describe(got), "", ek, gk)
    if ek in ("bool", "int", "str", "NoneType"):
        same = exp == got and type(exp) is type(got)
        return None if same else ctx.mismatch(path, "values", clean_line(repr(exp), 200), clean_line(repr(got), 200))
    if ek == "float":
        return _compare_floats(exp, got, path, ctx)
    if ek == "tensor" or (ek == "tensor subclass" and exp.get("type") == got.get("type")):
        return _compare_tensors(exp, got, path, ctx)  # a subclass on both sides (nn.Parameter): still compare it
    if ek in ("list", "tuple"):
        return _compare_sequences(exp, got, path, ctx)
    if ek == "dict":
        return _compare_dicts(exp, got, path, ctx)
    if ek in ("dtype", "device", "Size"):
        same = exp.get("value") == got.get("value")
        return None if same else ctx.mismatch(path, "values", clean_line(exp.get("value")), clean_line(got.get("value")))
    same = exp.get("type") == got.get("type") and exp.get("repr") == got.get("repr")
    return None if same else ctx.mismatch(path, "values", describe(exp), describe(got))


def _compare_floats(exp: float, got: float, path: str, ctx: _Context) -> Mismatch | None:
    if math.isnan(exp) and math.isnan(got):
        return None
    if math.isinf(exp) or math.isinf(got):
        return None if exp == got else ctx.mismatch(path, "values", num(exp), num(got))
    rtol, atol = ctx.tol(ctx.key)
    rtol, atol = FLOAT_RTOL if rtol is None else rtol, FLOAT_ATOL if atol is None else atol
    if exp == got or abs(got - exp) <= atol + rtol * abs(exp):  # assert_close's rule
        return None
    detail = f"expected {num(exp)}, got {num(got)} (error {num(abs(got - exp))})"
    return ctx.mismatch(path, "values", num(exp), num(got), detail)


def _compare_sequences(exp: dict, got: dict, path: str, ctx: _Context) -> Mismatch | None:
    if exp.get("len") != got.get("len") or len(exp["items"]) != len(got["items"]):
        return ctx.mismatch(path, "length", describe(exp), describe(got))
    for i, (e, g) in enumerate(zip(exp["items"], got["items"])):
        if (m := _compare(e, g, f"{path}[{i}]", ctx)) is not None:
            return m
    return None


def _typed(key: Any) -> str:
    """A dict key as a string that keeps its type: str hashing is randomised, so keys chosen to
    collide (integers all equal modulo 2**61 - 1) cannot make the comparison quadratic."""
    return f"{type(key).__name__}:{key!r}"


def _compare_dicts(exp: dict, got: dict, path: str, ctx: _Context) -> Mismatch | None:
    want = {_typed(k): (k, v) for k, v in zip(exp["keys"], exp["items"])}
    have = {_typed(k): (k, v) for k, v in zip(got["keys"], got["items"])}
    if want.keys() != have.keys():
        missing = sorted(str(want[k][0]) for k in want.keys() - have.keys())
        extra = sorted(str(have[k][0]) for k in have.keys() - want.keys())[:10]
        detail = "keys differ" + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else "")
        return ctx.mismatch(path, "keys", clean_line(exp["keys"], 200), clean_line(got["keys"], 200), clean_line(detail, 400))
    for typed, (key, value) in want.items():
        inner = ctx.under(key) if path == "result" else ctx
        if (m := _compare(value, have[typed][1], f"{path}[{key!r}]", inner)) is not None:
            return m
    return None


def _compare_tensors(exp: dict, got: dict, path: str, ctx: _Context) -> Mismatch | None:
    if "unreadable" in got:
        return ctx.mismatch(path, "type", describe(exp), "a tensor that could not be read", clean_line(got["unreadable"]))
    for field in ("shape", "dtype", "device", "requires_grad"):
        if exp.get(field) != got.get(field):
            e, g = exp.get(field), got.get(field)
            if field == "shape":
                e, g = tuple(e), tuple(g)
            e, g = clean_line(e), clean_line(g)
            return ctx.mismatch(path, field, e, g, f"{field} differs: expected {e}, got {g}")
    e, g = exp.get("data"), got.get("data")
    if e is None and g is None:
        return None  # values unknown on both sides (meta device or too large): structure already matched
    if e is None or g is None:
        return ctx.mismatch(path, "values", describe(exp), describe(got), "the values did not come back to be compared")
    return _compare_data(e, g, exp, got, path, ctx)


def _compare_data(e: Any, g: Any, exp: dict, got: dict, path: str, ctx: _Context) -> Mismatch | None:
    import torch

    if type(g) is not torch.Tensor or type(e) is not torch.Tensor:
        return ctx.mismatch(path, "type", describe(exp), "data that is not a plain tensor")
    if g.shape != e.shape or g.dtype != e.dtype:
        return ctx.mismatch(path, "unreadable", describe(exp), "tensor data that does not match its own description")
    rtol, atol = _tolerances(e.dtype, ctx)
    if _all_close(e, g, rtol, atol):
        return None
    return ctx.mismatch(path, "values", describe(exp), describe(got), _value_detail(e, g, rtol, atol))


def _tolerances(dtype: Any, ctx: _Context) -> tuple[float, float]:
    rtol, atol = ctx.tol(ctx.key)
    return (_rtol(dtype) if rtol is None else rtol), (_atol(dtype) if atol is None else atol)


def _all_close(e: Any, g: Any, rtol: float, atol: float) -> bool:
    """`torch.testing.assert_close`'s rule (default tolerances by dtype) for same-dtype tensors,
    computed directly: its first call imports torch.distributed (about 1 s) on every cold check."""
    import torch

    if e.dtype.is_floating_point or e.dtype.is_complex:
        return bool(torch.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True).all())
    return bool(torch.equal(g, e))


def _value_detail(e: Any, g: Any, rtol: float, atol: float) -> str:
    import torch

    if e.dtype.is_floating_point or e.dtype.is_complex:
        ok = torch.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    else:
        ok = g == e
    bad = (~ok).nonzero()
    n_bad, total = bad.shape[0], e.numel()
    if n_bad == 0:
        return "values differ"
    first = tuple(int(i) for i in bad[0])
    where = f" at index {list(first)}" if first else ""
    text = f"{n_bad} of {total} values differ; first{where}: expected {num(e[first].item())}, got {num(g[first].item())}"
    if e.dtype.is_floating_point:
        if g.isnan().any() and not e.isnan().any():
            text += "; your result contains NaN"
        elif g.isinf().any() and not e.isinf().any():
            text += "; your result contains inf"
        inf = float("inf")
        err = (g.double() - e.double()).abs().nan_to_num(nan=inf, posinf=inf, neginf=inf)
        text += f"; largest error {num(err.max().item())}"
    return text


def _rtol(dtype: Any) -> float:
    import torch

    return {torch.float16: 1e-3, torch.bfloat16: 1.6e-2, torch.float64: 1e-7, torch.complex128: 1e-7}.get(dtype, 1.3e-6)


def _atol(dtype: Any) -> float:
    import torch

    return {torch.float16: 1e-5, torch.bfloat16: 1e-5, torch.float64: 1e-7, torch.complex128: 1e-7}.get(dtype, 1e-5)
