"""Put off importing `torch._dynamo` until something actually needs the compiler.

In recent torch the first optimizer a process builds runs `import torch._dynamo`
(about 2 s, as long as `import torch` itself) only to call
`torch._dynamo.disable(fn)` and `torch._dynamo.graph_break()`, which do nothing
outside `torch.compile`. Every check that trains a model paid that twice: in the
learner's process and in the trusted one.

`install()` puts a stand-in module under that name. It answers those two calls,
`is_compiling()` (torch 2.6's `torch.func.grad` asks), and `compiled_autograd._disable()` (which `torch.func.grad` enters on every call),
as eager mode does; any other use (an attribute, a submodule, `torch.compile`)
imports the real module and hands over to it, re-arming the functions it was
asked to `disable` so the real one wraps them. Nothing changes for code that
never compiles: same kernels, same numbers. `tests/test_lazydynamo.py` checks
that, and that the compiler still works after the hand-over.

It reaches into torch internals (what `torch.optim` and `torch.func` call on
`torch._dynamo`), so it is used only on the torch versions it was tested with
(`grader.torchversions.TESTED`, proven by scripts/compat.py); on any other, `install()`
does nothing and torch imports its compiler as usual: correct, only slower.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import sys
import types

from grader import torchversions
from grader.isolation import standin

NAME = "torch._dynamo"


class _StandIn(types.ModuleType):
    """`torch._dynamo` until it is really needed."""

    def __init__(self, path: list[str]) -> None:
        super().__init__(NAME, "stand-in for torch._dynamo until the compiler is used (grader/isolation/lazydynamo.py)")
        self.__path__ = path  # so `import torch._dynamo.x` reaches our finder
        self._disabled: list = []
        self._real = None
        self.compiled_autograd = _CompiledAutograd(self)

    def graph_break(self, *args, **kwargs):
        if self._real is not None:
            return self._real.graph_break(*args, **kwargs)
        return None  # outside torch.compile a graph break does nothing

    def is_compiling(self) -> bool:
        if self._real is not None:
            return self._real.is_compiling()
        return False  # nothing compiles while the stand-in is there (torch 2.6's torch.func.grad asks)

    def disable(self, fn=None, recursive=True, **kwargs):
        if self._real is not None:
            return self._real.disable(fn, recursive, **kwargs)
        if fn is None:
            return lambda f: self.disable(f, recursive, **kwargs)
        self._disabled.append(fn)
        return fn  # outside torch.compile a disabled function is the function

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(materialise(), name)


class _CompiledAutograd:
    """`torch._dynamo.compiled_autograd` until it is really needed."""

    def __init__(self, stand_in: _StandIn) -> None:
        self._stand_in = stand_in

    def _disable(self):
        if self._stand_in._real is not None:
            return self._stand_in._real.compiled_autograd._disable()
        return contextlib.nullcontext()  # only the real module can turn compiled autograd on

    def __getattr__(self, name: str):
        return getattr(materialise().compiled_autograd, name)


def tested(version: str) -> bool:
    """True for a torch version ("2.13.0+cpu") the stand-ins were tested on (or when forced on)."""
    return torchversions.standins_proven(version)


def install() -> bool:
    """Put the stand-in in place unless `torch._dynamo` is already imported, or this torch is not
    one it was tested on; True if it was."""
    import torch

    with standin.LOCK:
        if NAME in sys.modules or not tested(torch.__version__):
            return False
        spec = importlib.machinery.PathFinder.find_spec(NAME, list(torch.__path__))
        if spec is None or spec.submodule_search_locations is None:
            return False
        standin.put(NAME, _StandIn(list(spec.submodule_search_locations)), torch, materialise)
        return True


def materialise() -> types.ModuleType:
    """Import the real `torch._dynamo` in place of the stand-in and return it."""
    return standin.hand_over(NAME, _StandIn, _rearm)


def _rearm(stand_in: _StandIn, real: types.ModuleType) -> None:
    for fn in stand_in._disabled:  # torch caches the wrapper on fn; let the real disable() rebuild it
        try:
            delattr(fn, "__dynamo_disable")
        except (AttributeError, TypeError):
            pass


def is_stand_in() -> bool:
    """True while the stand-in has not been replaced."""
    return isinstance(sys.modules.get(NAME), _StandIn)
