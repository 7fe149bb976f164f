"""Put off importing `torch._dynamo` until something actually needs the compiler.

In recent torch the first optimizer a process builds runs `import torch._dynamo`
(about 2 s, as long as `import torch` itself) only to call
`torch._dynamo.disable(fn)` and `torch._dynamo.graph_break()`, which do nothing
outside `torch.compile`. Every check that trains a model paid that twice: in the
learner's process and in the trusted one.

`install()` puts a stand-in module under that name. It answers those two calls,
and `compiled_autograd._disable()` (which `torch.func.grad` enters on every call),
as eager mode does; any other use (an attribute, a submodule, `torch.compile`)
imports the real module and hands over to it, re-arming the functions it was
asked to `disable` so the real one wraps them. Nothing changes for code that
never compiles: same kernels, same numbers. `tests/test_lazydynamo.py` checks
that, and that the compiler still works after the hand-over.

It reaches into torch internals (what `torch.optim` and `torch.func` call on
`torch._dynamo`), so it is used only on the torch versions it was tested with
(`TESTED`); on any other, `install()` does nothing and torch imports its compiler
as usual: correct, only slower.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
import threading
import types

NAME = "torch._dynamo"
TESTED = ((2, 13), (2, 13))  # (major, minor) of the oldest and newest torch the stand-in was tested on
_lock = threading.RLock()


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


class _Finder(importlib.abc.MetaPathFinder):
    """`import torch._dynamo.x` while the stand-in is there: import the real package first."""

    def find_spec(self, name, path, target=None):
        if not name.startswith(NAME + "."):
            return None
        materialise()
        module = importlib.import_module(name)  # the real parent is in place now
        loader = _Loaded(module)
        module.__spec__ = None  # else the import system re-runs the module from its own spec: two copies
        return importlib.util.spec_from_loader(name, loader)


class _Loaded(importlib.abc.Loader):
    """Hands the import system a module that is already loaded, unchanged."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module, self.spec = module, module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec


_FINDER = _Finder()


def tested(version: str) -> bool:
    """True for a torch version ("2.13.0+cpu") within the range the stand-in was tested on."""
    found = re.match(r"(\d+)\.(\d+)", str(version))
    return bool(found) and TESTED[0] <= (int(found[1]), int(found[2])) <= TESTED[1]


def install() -> bool:
    """Put the stand-in in place unless `torch._dynamo` is already imported, or this torch is not
    one it was tested on; True if it was."""
    import torch

    with _lock:
        if NAME in sys.modules or not tested(torch.__version__):
            return False
        spec = importlib.machinery.PathFinder.find_spec(NAME, list(torch.__path__))
        if spec is None or spec.submodule_search_locations is None:
            return False
        stand_in = _StandIn(list(spec.submodule_search_locations))
        sys.modules[NAME] = stand_in
        torch._dynamo = stand_in
        sys.meta_path.insert(0, _FINDER)
        return True


def materialise() -> types.ModuleType:
    """Import the real `torch._dynamo` in place of the stand-in and return it."""
    with _lock:
        stand_in = sys.modules.get(NAME)
        if not isinstance(stand_in, _StandIn):
            return stand_in if stand_in is not None else importlib.import_module(NAME)
        if stand_in._real is None:
            if _FINDER in sys.meta_path:
                sys.meta_path.remove(_FINDER)
            del sys.modules[NAME]
            try:
                real = importlib.import_module(NAME)
            except BaseException:
                sys.modules[NAME] = stand_in
                raise
            for fn in stand_in._disabled:  # torch caches the wrapper on fn; let the real disable() rebuild it
                try:
                    delattr(fn, "__dynamo_disable")
                except (AttributeError, TypeError):
                    pass
            stand_in._real = real
        return stand_in._real


def is_stand_in() -> bool:
    """True while the stand-in has not been replaced."""
    return isinstance(sys.modules.get(NAME), _StandIn)
