"""What the stand-in modules (lazydynamo, lazyshapes, lazysympy) share: putting a stand-in under a
module's name, and handing over to the real module the first time something the stand-in cannot
answer is asked of it.

A stand-in keeps `_real` (None until the hand-over). For a package, `put(..., materialise=...)`
also puts a finder on `sys.meta_path`, so that `import name.sub` while the stand-in is there
imports the real package first (through `materialise`), then the submodule, exactly once.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import threading
import types
from typing import Callable

LOCK = threading.RLock()
_finders: dict[str, "_Finder"] = {}


def put(name: str, stand_in: types.ModuleType, parent: types.ModuleType | None = None,
        materialise: Callable[[], types.ModuleType] | None = None) -> None:
    """Put `stand_in` in place of the module `name` (and on its parent package, if given). For a
    package, `materialise` is what imports the real one when a submodule is asked for."""
    with LOCK:
        sys.modules[name] = stand_in
        if parent is not None:
            setattr(parent, name.rpartition(".")[2], stand_in)
        if materialise is not None:
            _finders[name] = _Finder(name, materialise)
            sys.meta_path.insert(0, _finders[name])


def hand_over(name: str, kind: type, after: Callable[[types.ModuleType, types.ModuleType], None] | None = None):
    """Import the real module `name` in place of its stand-in (an instance of `kind`) and return it.
    `after(stand_in, real)` runs once, right after the real module is imported."""
    with LOCK:
        stand_in = sys.modules.get(name)
        if not isinstance(stand_in, kind):
            return stand_in if stand_in is not None else importlib.import_module(name)
        if stand_in._real is None:
            finder = _finders.pop(name, None)
            if finder in sys.meta_path:
                sys.meta_path.remove(finder)
            del sys.modules[name]
            try:
                real = importlib.import_module(name)  # the import system puts it on the parent package too
            except BaseException:
                sys.modules[name] = stand_in
                if finder is not None:
                    _finders[name] = finder
                    sys.meta_path.insert(0, finder)
                raise
            if after is not None:
                after(stand_in, real)
            stand_in._real = real
        return stand_in._real


class _Finder(importlib.abc.MetaPathFinder):
    """`import name.sub` while the stand-in for `name` is there: import the real package first."""

    def __init__(self, name: str, materialise: Callable[[], types.ModuleType]) -> None:
        self.name, self.materialise = name, materialise

    def find_spec(self, fullname, path, target=None):
        if not fullname.startswith(self.name + "."):
            return None
        self.materialise()
        module = importlib.import_module(fullname)  # the real parent is in place now
        loader = _Loaded(module)
        module.__spec__ = None  # else the import system re-runs the module from its own spec: two copies
        return importlib.util.spec_from_loader(fullname, loader)


class _Loaded(importlib.abc.Loader):
    """Hands the import system a module that is already loaded, unchanged."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module, self.spec = module, module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec
