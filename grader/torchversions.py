"""The torch versions the course is proven on, by `scripts/compat.py` (README's "Tested versions").

Torch-free: `check` reads the installed torch's version from its metadata.
"""

from __future__ import annotations

import importlib.metadata
import os
import re

# (major, minor) of each torch the compat run proved: every exercise sound, the stand-ins' tests
# passing (so checks take the fast path on it). The oldest is pyproject's floor. (2.6 was run too: 18 of 19
# sound, 16's untouched stub fails under export as "Unsupported: Observed exception", so it is not declared.)
TESTED = ((2, 11), (2, 13), (2, 15))
FORCE_STANDINS = "PYTORCH_TUTOR_STANDINS"  # "1": the stand-ins on any torch (how compat.py tests them)


def minor(version: str) -> tuple[int, int] | None:
    found = re.match(r"(\d+)\.(\d+)", str(version))
    return (int(found[1]), int(found[2])) if found else None


def standins_proven(version: str) -> bool:
    """True for a torch whose (major, minor) the stand-ins were tested on, or when forced on."""
    return os.environ.get(FORCE_STANDINS) == "1" or minor(version) in TESTED


def outside_tested(version: str | None) -> str | None:
    """One plain line for a torch older or newer than every tested one; None within the range."""
    found = minor(version or "")
    if found is None or TESTED[0] <= found <= TESTED[-1]:
        return None
    low, high = (".".join(map(str, v)) for v in (TESTED[0], TESTED[-1]))
    return (f"note: torch {version} is outside the versions this course is tested with ({low} to {high}); "
            "checks should still work, but a surprising result may come from this torch.")


def installed_torch_note() -> str | None:
    """`outside_tested` for the torch installed here (read from its metadata, without importing it)."""
    try:
        return outside_tested(importlib.metadata.version("torch"))
    except importlib.metadata.PackageNotFoundError:
        return None
