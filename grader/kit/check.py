"""`Check`: one thing to establish about the learner's code (see grader/kit/__init__.py and docs/authoring.md)."""

from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from grader.kit.probes import short_repr


@dataclass(frozen=True)
class Check:
    """One thing to establish about the learner's code.

    name       -- shown to the learner, unique within the exercise
    target     -- the name in the learner's file under test ("softmax")
    args       -- fixed cases: a list of argument tuples (deep-copied for every run)
    random     -- makes one random case from a seeded `torch.Generator`
    n_random   -- how many random cases to add
    probe      -- probe(ns, *args) -> data; default calls `ns.<target>(*args)`
    describe   -- describe(*args) -> str, how the call is shown; default `target(args...)`
    hint       -- shown when this check fails and nothing more specific fits
    hints      -- hints by result key ("gradient"), kind of difference ("dtype"), or both
                  ("gradient.values"); the most specific one that fits is shown
    points     -- credit for passing, for class grading
    transform  -- runs on the trusted side on both decoded results before comparing
                  (for a learner's result, in a separate bounded process)
    forbid     -- dotted names the code under test must not call ("torch.softmax")
    rtol, atol -- tolerances for every float in the result (default: assert_close's)
    tolerances -- per result key: {"gradient": (rtol, atol)}
    depends_on -- targets (or check names) this check's target uses: when one of them
                  fails its own check, this failure says "fix that first"
    """

    name: str
    target: str
    args: Sequence[tuple] = ()
    random: Callable[[Any], tuple] | None = None
    n_random: int = 3
    probe: Callable[..., Any] | None = None
    describe: Callable[..., str] | None = None
    hint: str = ""
    hints: Mapping[str, str] = field(default_factory=dict)
    points: float = 1.0
    transform: Callable[[Any], Any] | None = None
    forbid: Sequence[str] = ()
    rtol: float | None = None
    atol: float | None = None
    tolerances: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    depends_on: Sequence[str] = ()

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

    def case_count(self) -> int:
        """len(self.cases()), without copying or making any case."""
        return len(self.args) + (self.n_random if self.random else 0)

    def run(self, ns: Any, args: tuple) -> Any:
        if self.probe is not None:
            return self.probe(ns, *args)
        return getattr(ns, self.target)(*args)

    def call_text(self, args: tuple) -> str:
        if self.describe is not None:
            return self.describe(*args)
        return f"{self.target}({', '.join(short_repr(a) for a in args)})"

    def tolerance(self, key: str) -> tuple[float | None, float | None]:
        """(rtol, atol) for values under result key `key` ("" for the result as a whole)."""
        if key in self.tolerances:
            rtol, atol = self.tolerances[key]
            return rtol, atol
        return self.rtol, self.atol
