"""Put off importing sympy until something actually uses it.

torch's Python reference kernels (`torch._prims_common.elementwise_dtypes`, which every
elementwise op on the meta device goes through) run `import sympy` on each call only to ask
`isinstance(x, sympy.Basic)`: is an argument a symbolic size? The first such call imports
sympy and mpmath, about 0.3-0.6 s, paid in the learner's process and in the trusted one by
every check that runs a model on the meta device (the stand-in GPU of 06 and 14).

`install()` puts a stand-in package under the name `sympy`. Until the real one is imported
no sympy object can exist, so for the callers in `ISINSTANCE_ONLY` it answers `Basic` with
a class nothing is an instance of: the same answer the real class would give. Anything else
(another attribute, another caller, `import sympy.x`, symbolic shapes, torch.compile or
torch.export) imports the real sympy and hands over to it. `tests/test_lazysympy.py` checks
that results are unchanged and that sympy works after the hand-over.

Used only on the torch versions the stand-ins were tested with (`grader.torchversions.TESTED`).
"""

from __future__ import annotations

import importlib.util
import sys
import types

from grader.isolation import standin

NAME = "sympy"
ISINSTANCE_ONLY = frozenset({"torch._prims_common"})  # callers that use `sympy.Basic` in isinstance alone


class _NoSympyObjectYet:
    """`sympy.Basic` for `isinstance` while sympy is not imported: nothing is an instance of it."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("the sympy stand-in's Basic is for isinstance only (grader/isolation/lazysympy.py)")


class _StandIn(types.ModuleType):
    """`sympy` until it is really needed."""

    def __init__(self, spec) -> None:
        super().__init__(NAME, "stand-in for sympy until it is used (grader/isolation/lazysympy.py)")
        self.__spec__, self.__file__ = spec, spec.origin
        self.__path__ = list(spec.submodule_search_locations)  # so `import sympy.x` reaches the finder
        self._real = None

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "Basic" and self._real is None and sys._getframe(1).f_globals.get("__name__") in ISINSTANCE_ONLY:
            return _NoSympyObjectYet
        return getattr(materialise(), name)


def install() -> bool:
    """Put the stand-in in place unless sympy is already imported or not installed, or this torch is
    not one the stand-ins were tested with; True if it was."""
    import torch

    from grader.isolation.lazydynamo import tested

    with standin.LOCK:
        if NAME in sys.modules or not tested(torch.__version__):
            return False
        try:
            spec = importlib.util.find_spec(NAME)
        except (ImportError, ValueError):
            return False
        if spec is None or spec.origin is None or spec.submodule_search_locations is None:
            return False
        standin.put(NAME, _StandIn(spec), materialise=materialise)
        return True


def materialise() -> types.ModuleType:
    """Import the real sympy in place of the stand-in and return it."""
    return standin.hand_over(NAME, _StandIn)


def is_stand_in() -> bool:
    """True while the stand-in has not been replaced."""
    return isinstance(sys.modules.get(NAME), _StandIn)
