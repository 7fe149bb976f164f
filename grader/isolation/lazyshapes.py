"""Put off importing `torch.fx.experimental.symbolic_shapes` (and with it sympy) until symbolic shapes are used.

`torch.autograd.backward` and `torch.autograd.grad` import that module the first time they are
given an explicit gradient (`y.backward(g)`, `grad(y, x, grad_outputs=g)`, and so every
`torch.autograd.gradcheck`), only to compare each gradient's size with its output's through
`expect_true(sym_eq(...))`: for plain sizes, `==`. The import pulls in sympy and mpmath, about
0.6 s (a third of `import torch`), paid in the learner's process and in the trusted one.

torch's Python kernels for the meta device (`torch._refs`, `torch._prims_common`) import it too,
for `guard_or_false`, `statically_known_true`, `sym_and` and a few more, which for plain sizes
return the plain answer.

`install()` puts a stand-in module under that name. It answers `sym_eq` for plain ints and
sequences of plain ints, `expect_true` for a plain bool, and the functions in `_PLAIN` for
plain values, exactly as the real functions do (`tests/test_lazyshapes.py` compares them);
anything else (a SymInt, any other attribute, `from ... import ShapeEnv`, torch.compile and
torch.export, which import it themselves) imports the real module and hands over to it. Nothing
changes for code that never uses symbolic shapes: same checks, same errors, same numbers.
`tests/test_lazyshapes.py` checks that, and that symbolic shapes still work after the hand-over.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import operator
import sys
import types

from grader.isolation import standin

NAME = "torch.fx.experimental.symbolic_shapes"
_FORWARDED_DUNDERS = {"__all__"}  # `from ... import *`


class _StandIn(types.ModuleType):
    """`torch.fx.experimental.symbolic_shapes` until it is really needed."""

    def __init__(self, spec) -> None:
        super().__init__(NAME, "stand-in until symbolic shapes are used (grader/isolation/lazyshapes.py)")
        self.__spec__, self.__file__ = spec, spec.origin
        self._real = None
        self._plain = _defined_in(spec.origin)  # older torch lacks some (2.11: has_guarding_hint): never answer those

    def sym_eq(self, x, y):
        if self._real is None and _plain_pair(x, y):
            if isinstance(x, (tuple, list)):  # the real one: lengths, then every element with ==
                return len(x) == len(y) and all(a == b for a, b in zip(x, y))
            return x == y
        return materialise().sym_eq(x, y)

    def expect_true(self, a, skip: int = 0):
        if self._real is None and type(a) is bool:
            return a  # the real one returns a plain bool as it is
        return materialise().expect_true(a, skip + 1 if type(skip) is int else skip)  # one frame more: ours

    def __getattr__(self, name: str):
        if name.startswith("__") and name not in _FORWARDED_DUNDERS:
            raise AttributeError(name)
        if name in self._plain and self._real is None:
            return _answering(name, *_PLAIN[name])
        return getattr(materialise(), name)


def _answering(name: str, plain, answer):
    """`name` answered here for plain arguments (`plain(*args)`), by the real module for any other."""
    def function(*args, **kwargs):
        if not kwargs and plain(*args):
            return answer(*args)
        return getattr(materialise(), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    return function


def _bools(*args) -> bool:
    return bool(args) and all(type(a) is bool for a in args)


def _bool(a) -> bool:
    return type(a) is bool


def _first(a):
    return a


# What the real functions do with plain Python values (symbolic_shapes.py of torch 2.6 to 2.15; each torch
# defines only some of them, and the stand-in answers only those: `_defined_in`): a plain bool
# (or int) is returned as it is; `sym_and`/`sym_or` apply & and | in turn; a plain number is no nested int
# and has a hint.
_PLAIN = {
    **{name: (_bool, _first) for name in ("definitely_true", "guard_bool", "guard_or_false", "guard_or_true",
                                           "guard_size_oblivious", "statically_known_true")},
    "_advise_is_size": (lambda a: type(a) is int, lambda a: None),  # torch 2.6's torch._check_is_size: nothing for an int
    "guard_int": (lambda a: type(a) is int, _first),
    "guarding_hint_or_throw": (lambda a: type(a) in (int, bool), _first),
    "has_guarding_hint": (lambda a: type(a) in (int, float, bool), lambda a: True),
    "has_hint": (lambda a: type(a) in (int, float, bool), lambda a: True),  # torch 2.11 (2.13: has_guarding_hint)
    "size_hint": (lambda a, fallback=None: type(a) is int, lambda a, fallback=None: a),  # torch 2.11 (2.13: guarding_hint_or_throw)
    "is_concrete_int": (lambda a: type(a) in (int, bool), lambda a: True),
    "is_nested_int": (lambda s: type(s) in (int, float, bool), lambda s: False),
    "sym_and": (_bools, lambda *xs: functools.reduce(operator.and_, xs)),
    "sym_or": (_bools, lambda *xs: functools.reduce(operator.or_, xs)),
}


def _defined_in(origin: str) -> frozenset[str]:
    """The names of `_PLAIN` that this torch's module defines at its top level (read from its source)."""
    try:
        with open(origin, encoding="utf-8") as source:
            text = source.read()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(name for name in _PLAIN if f"\ndef {name}(" in text)


def _plain_pair(x, y) -> bool:
    if type(x) is int and type(y) is int:
        return True
    return (isinstance(x, (tuple, list)) and isinstance(y, (tuple, list))
            and all(type(v) is int for v in x) and all(type(v) is int for v in y))


def install() -> bool:
    """Put the stand-in in place unless the real module is already imported, or this torch is one the
    stand-in was not tested with (`grader.torchversions.TESTED`: it reaches into the same torch internals'
    era); True if it was."""
    import torch

    from grader.isolation.lazydynamo import tested

    with standin.LOCK:
        if NAME in sys.modules or not tested(torch.__version__):
            return False
        try:
            parent = importlib.import_module(NAME.rpartition(".")[0])
            spec = importlib.util.find_spec(NAME)
        except (ImportError, ValueError):
            return False
        if spec is None or spec.origin is None:
            return False
        standin.put(NAME, _StandIn(spec), parent)
        return True


def materialise() -> types.ModuleType:
    """Import the real module in place of the stand-in and return it."""
    return standin.hand_over(NAME, _StandIn)


def is_stand_in() -> bool:
    """True while the stand-in has not been replaced."""
    return isinstance(sys.modules.get(NAME), _StandIn)
