"""The declaration API for exercise authors.

A checks module (`reference/NN_name_checks.py`) declares three things:

    HINTS = ["a nudge", "a pointer to the API", "nearly the answer"]   # a literal list
    CHECKS = [Check(...), ...]       # what to run and compare
    MISTAKES = [Mistake(...), ...]   # known-wrong variants, each with its own hint

A `Check` runs a *probe* on the learner's module and on the reference, with the
same inputs, and the grader compares what the two probes return (type, shape,
dtype, device, values, gradients). Probes run inside the learner's process, so
they may only return data: tensors, numbers, strings, None, lists, tuples, dicts.
"""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence


@dataclass(frozen=True)
class Check:
    """One thing to establish about the learner's code.

    name     -- shown to the learner, unique within the exercise
    target   -- the name in the learner's file under test ("tensor_from_list")
    args     -- fixed cases: a list of argument tuples (deep-copied for every run)
    random   -- makes one random case from a seeded `torch.Generator`
    n_random -- how many random cases to add
    probe    -- probe(ns, *args) -> data; default calls `ns.<target>(*args)`
    describe -- describe(*args) -> str, how the call is shown; default `target(args...)`
    hint     -- shown when this check fails and no known mistake matches
    points   -- credit for passing, for class grading
    transform-- runs in the trusted process on both results before comparing
    """

    name: str
    target: str
    args: Sequence[tuple] = ()
    random: Callable[[Any], tuple] | None = None
    n_random: int = 3
    probe: Callable[..., Any] | None = None
    describe: Callable[..., str] | None = None
    hint: str = ""
    points: float = 1.0
    transform: Callable[[Any], Any] | None = None

    def seed(self, index: int) -> int:
        return (zlib.crc32(self.name.encode()) + 7919 * index) % (2**31)

    def cases(self) -> list[tuple]:
        """Fresh argument tuples for every case: fixed ones first, then random."""
        import torch

        fixed = [tuple(copy.deepcopy(a)) for a in self.args]
        made = []
        for i in range(self.n_random if self.random else 0):
            gen = torch.Generator().manual_seed(self.seed(1000 + i))
            made.append(tuple(self.random(gen)))
        return fixed + made

    def run(self, ns: Any, args: tuple) -> Any:
        if self.probe is not None:
            return self.probe(ns, *args)
        return getattr(ns, self.target)(*args)

    def call_text(self, args: tuple) -> str:
        if self.describe is not None:
            return self.describe(*args)
        return f"{self.target}({', '.join(short_repr(a) for a in args)})"


@dataclass(frozen=True)
class Mistake:
    """A known-wrong variant: the reference with some names replaced.

    If the learner's result for a failing check equals this variant's result,
    the learner is shown `hint`, which should name the PyTorch idea they missed.
    """

    name: str
    hint: str
    replace: dict[str, Any] = field(default_factory=dict)


def short_repr(value: Any, limit: int = 60) -> str:
    """A one-line description of an argument, readable by a learner."""
    import torch

    if isinstance(value, torch.Tensor):
        if value.numel() <= 6 and value.device.type != "meta":
            text = repr(value.detach()).replace("\n", "").replace("  ", "")
        else:
            dtype = str(value.dtype).removeprefix("torch.")
            text = f"tensor(shape={tuple(value.shape)}, dtype={dtype})"
        return text if not value.requires_grad else text[:-1] + ", requires_grad=True)"
    if callable(value) and getattr(value, "__doc__", None) and not isinstance(value, type):
        return value.__doc__.strip().splitlines()[0]
    text = repr(value)
    if type(value).__name__ == "ndarray":
        text = f"np.array(shape={value.shape}, dtype={value.dtype})" if value.size > 6 else "np." + text
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fill_parameters(module: Any, seed: int = 0) -> None:
    """Give a module deterministic weights that depend only on each parameter's
    shape and its place among parameters of the same shape.

    Learner and reference models with the same parameter shapes end up with the
    same weights whatever the attributes are called or however layers are held
    (nn.Sequential, nn.ModuleList, plain attributes).
    """
    import torch

    seen: dict[tuple, int] = {}
    with torch.no_grad():
        for p in module.parameters():
            key = tuple(p.shape)
            k = seen[key] = seen.get(key, -1) + 1
            gen = torch.Generator().manual_seed(seed + zlib.crc32(repr((key, k)).encode()))
            p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype) * 0.5)


def parameter_shapes(module: Any) -> list[list[int]]:
    """Shapes of a module's parameters, sorted, so that naming and order don't matter."""
    return sorted(list(p.shape) for p in module.parameters())


def grads_by_shape(module: Any) -> list[Any]:
    """Parameter gradients in a naming-independent order (sorted by shape, stable)."""
    params = list(module.parameters())
    order = sorted(range(len(params)), key=lambda i: list(params[i].shape))
    return [params[i].grad for i in order]
