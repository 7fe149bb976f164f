"""Put off importing `torch.fx.experimental.symbolic_shapes` (and with it sympy) until symbolic shapes are used.

`torch.autograd.backward` and `torch.autograd.grad` import that module the first time they are
given an explicit gradient (`y.backward(g)`, `grad(y, x, grad_outputs=g)`, and so every
`torch.autograd.gradcheck`), only to compare each gradient's size with its output's through
`expect_true(sym_eq(...))`: for plain sizes, `==`. The import pulls in sympy and mpmath, about
0.6 s (a third of `import torch`), paid in the learner's process and in the trusted one.

`install()` puts a stand-in module under that name. It answers `sym_eq` for plain ints and
sequences of plain ints, and `expect_true` for a plain bool, exactly as the real functions do;
anything else (a SymInt, any other attribute, `from ... import ShapeEnv`, torch.compile and
torch.export, which import it themselves) imports the real module and hands over to it. Nothing
changes for code that never uses symbolic shapes: same checks, same errors, same numbers.
`tests/test_lazyshapes.py` checks that, and that symbolic shapes still work after the hand-over.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

NAME = "torch.fx.experimental.symbolic_shapes"
_lock = threading.RLock()
_FORWARDED_DUNDERS = {"__all__"}  # `from ... import *`


class _StandIn(types.ModuleType):
    """`torch.fx.experimental.symbolic_shapes` until it is really needed."""

    def __init__(self, spec) -> None:
        super().__init__(NAME, "stand-in until symbolic shapes are used (grader/isolation/lazyshapes.py)")
        self.__spec__, self.__file__ = spec, spec.origin
        self._real = None

    def sym_eq(self, x, y):
        if self._real is None and _plain_pair(x, y):
            if isinstance(x, (tuple, list)):  # the real one: lengths, then every element with ==
                return len(x) == len(y) and all(a == b for a, b in zip(x, y))
            return x == y
        return materialise().sym_eq(x, y)

    def expect_true(self, a, skip: int = 0):
        if self._real is None and type(a) is bool:
            return a  # the real one returns a plain bool as it is
        return materialise().expect_true(a, skip + 1)

    def __getattr__(self, name: str):
        if name.startswith("__") and name not in _FORWARDED_DUNDERS:
            raise AttributeError(name)
        return getattr(materialise(), name)


def _plain_pair(x, y) -> bool:
    if type(x) is int and type(y) is int:
        return True
    return (isinstance(x, (tuple, list)) and isinstance(y, (tuple, list))
            and all(type(v) is int for v in x) and all(type(v) is int for v in y))


def install() -> bool:
    """Put the stand-in in place unless the real module is already imported, or this torch is one the
    stand-in was not tested with (`lazydynamo.TESTED`: it reaches into the same torch internals'
    era); True if it was."""
    import torch

    from grader.isolation.lazydynamo import tested

    with _lock:
        if NAME in sys.modules or not tested(torch.__version__):
            return False
        try:
            parent = importlib.import_module(NAME.rpartition(".")[0])
            spec = importlib.util.find_spec(NAME)
        except (ImportError, ValueError):
            return False
        if spec is None or spec.origin is None:
            return False
        stand_in = _StandIn(spec)
        sys.modules[NAME] = stand_in
        setattr(parent, NAME.rpartition(".")[2], stand_in)
        return True


def materialise() -> types.ModuleType:
    """Import the real module in place of the stand-in and return it."""
    with _lock:
        stand_in = sys.modules.get(NAME)
        if not isinstance(stand_in, _StandIn):
            return stand_in if stand_in is not None else importlib.import_module(NAME)
        if stand_in._real is None:
            del sys.modules[NAME]
            try:
                real = importlib.import_module(NAME)  # the import system puts it on the parent package too
            except BaseException:
                sys.modules[NAME] = stand_in
                raise
            stand_in._real = real
        return stand_in._real


def is_stand_in() -> bool:
    """True while the stand-in has not been replaced."""
    return isinstance(sys.modules.get(NAME), _StandIn)
