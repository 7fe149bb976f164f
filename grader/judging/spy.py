"""`Check(forbid=[...])`: notice calls the code under test makes to built-ins it must not use.

Two observers, both active while a case runs:
- a `TorchFunctionMode` sees every torch function, Tensor method and `torch.nn.functional`
  call, including ones made through `nn.Softmax()` or a method like `x.softmax(1)`;
- a `TorchDispatchMode` sees the aten operators those built-ins reach (`aten._softmax`,
  `aten.nll_loss_forward`, `aten.convolution`, ...), so a call straight to
  `torch.ops.aten._softmax` is seen too. Only operators that a forbidden built-in alone
  reaches are watched: a hand-written softmax (exp, sum, max) reaches none of them.
A call counts when the first frame outside torch is the code under test: the module's file
(the learner's, the reference or a mistake), or code it compiled at run time with `eval`,
`exec` or `compile` (a frame with no file behind it). A probe may use the same functions itself.

This is an observation made inside the learner's process: code that knows the probe can
switch it off. It guards the lesson (write softmax yourself), not the grade.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Iterable

_CONVOLUTION = ("convolution", "_convolution", "conv2d", "mkldnn_convolution", "_slow_conv2d_forward",
                "thnn_conv2d", "cudnn_convolution", "_nnpack_spatial_convolution", "convolution_overrideable")
_SDPA = ("scaled_dot_product_attention", "_scaled_dot_product_flash_attention_for_cpu",
         "_scaled_dot_product_flash_attention", "_scaled_dot_product_efficient_attention",
         "_scaled_dot_product_cudnn_attention", "_scaled_dot_product_fused_attention_overrideable")
ATEN = {  # a forbidden built-in's last name -> the aten operators only it (and its kin) reach
    "softmax": ("_softmax",), "softmin": ("_softmax",), "log_softmax": ("_log_softmax",),
    "_softmax": ("_softmax",), "_log_softmax": ("_log_softmax",), "logsumexp": ("logsumexp",),
    "cross_entropy": ("nll_loss_forward", "nll_loss2d_forward", "cross_entropy_loss"),
    "nll_loss": ("nll_loss_forward", "nll_loss2d_forward"),
    "binary_cross_entropy": ("binary_cross_entropy",),
    "binary_cross_entropy_with_logits": ("binary_cross_entropy_with_logits",),
    "batch_norm": ("native_batch_norm", "_native_batch_norm_legit", "_native_batch_norm_legit_no_training",
                   "_native_batch_norm_legit_functional", "_batch_norm_with_update", "_batch_norm_no_update"),
    "conv2d": _CONVOLUTION, "convolution": _CONVOLUTION, "_convolution": _CONVOLUTION,
    "scaled_dot_product_attention": _SDPA, "_native_multi_head_attention": ("_native_multi_head_attention",),
    "dropout": ("native_dropout",),
}


def resolve(name: str) -> Any:
    """The object a dotted name such as "torch.nn.functional.softmax" or "torch.Tensor.softmax" names."""
    import importlib

    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"cannot resolve {name!r}")


def aten_ops(names: Iterable[str]) -> frozenset[str]:
    """The aten operators (by name, "_softmax") that the forbidden `names` reach."""
    return frozenset(op for name in names for op in ATEN.get(name.rsplit(".", 1)[-1], ()))


class ForbiddenCalls:
    """A context manager whose `.called` lists the forbidden names the module under test called
    (the built-ins by the names forbidden, else the aten operators: "torch.ops.aten._softmax")."""

    def __init__(self, names: Iterable[str], module_file: str):
        names = list(names)
        self.wanted = {}
        for name in names:
            try:
                self.wanted[id(resolve(name))] = name
            except (ImportError, AttributeError):
                continue  # validate reports names that do not resolve
        self.file = os.path.realpath(module_file)
        self.builtins: list[str] = []
        self.operators: list[str] = []
        self.modes = (_function_mode()(self), _dispatch_mode()(self, aten_ops(names)))

    @property
    def called(self) -> list[str]:
        return self.builtins or self.operators

    def note(self, found: list[str], name: str) -> None:
        if name not in found and _by_module(self.file):
            found.append(name)

    def __enter__(self):
        self.modes[0].__enter__()
        self.modes[1].__enter__()
        return self

    def __exit__(self, *exc):
        self.modes[1].__exit__(*exc)
        self.modes[0].__exit__(*exc)
        return False


@functools.cache
def _function_mode():
    from torch.overrides import TorchFunctionMode

    class FunctionSpy(TorchFunctionMode):
        def __init__(self, spy: ForbiddenCalls):
            super().__init__()
            self.spy = spy

        def __torch_function__(self, func, types, args=(), kwargs=None):
            name = self.spy.wanted.get(id(func))
            if name is not None:
                self.spy.note(self.spy.builtins, name)
            return func(*args, **(kwargs or {}))

    return FunctionSpy


@functools.cache
def _dispatch_mode():
    from torch.utils._python_dispatch import TorchDispatchMode

    class DispatchSpy(TorchDispatchMode):
        def __init__(self, spy: ForbiddenCalls, ops: frozenset[str]):
            super().__init__()
            self.spy, self.ops = spy, ops

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            op = getattr(getattr(func, "_schema", None), "name", "").rpartition("::")[2]
            if op in self.ops:
                self.spy.note(self.spy.operators, f"torch.ops.aten.{op}")
            return func(*args, **(kwargs or {}))

    return DispatchSpy


_TORCH_DIR = None


def _by_module(module_file: str) -> bool:
    """Whether the first frame outside torch and this module is the module's, or code compiled at run time."""
    global _TORCH_DIR
    if _TORCH_DIR is None:
        import torch

        _TORCH_DIR = os.path.dirname(os.path.realpath(torch.__file__)) + os.sep
    frame = sys._getframe(1)
    while frame is not None:
        raw = frame.f_code.co_filename
        name = os.path.realpath(raw)
        if not name.startswith(_TORCH_DIR) and name != os.path.realpath(__file__):
            return name == module_file or _compiled_at_run_time(raw)
        frame = frame.f_back
    return False


@functools.lru_cache(maxsize=1024)
def _compiled_at_run_time(filename: str) -> bool:
    """Code from `eval`, `exec` or `compile` of a string: no file of that name ("<string>"), not Python's own."""
    return not filename.startswith("<frozen ") and not os.path.isfile(filename)


def forbidden_calls(names: Iterable[str], module_file: str) -> ForbiddenCalls:
    """A context manager whose `.called` lists the forbidden names the module called inside it."""
    return ForbiddenCalls(names, module_file)
