"""Limits a spawned learner process sets on itself before any learner code runs, where the OS has them.

`resource` exists on macOS and Linux, not on Windows (there the Job Object limits the process from
outside: `grader.isolation.jobobject`). A limit lowered here cannot be raised again by the learner's
code (the hard limit is lowered too). The keeper's wall-clock deadline stays the real time limit;
RLIMIT_CPU is the backstop should the keeper be gone, so it allows well beyond the job's timeout.
"""

from __future__ import annotations

import math
import time

OPEN_FILES = 1024


def apply(limits: dict) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(layers in force, (layer, why) missing) after limiting CPU time and open files."""
    try:
        import resource
    except ImportError:
        why = "this OS has no setrlimit (the Job Object limits the process instead, where there is one)"
        return (), (("rlimit_cpu", why), ("rlimit_nofile", why))
    cpu = math.ceil(time.process_time() + 2 * float(limits.get("timeout", 30)) + 5)
    done, missing = [], []
    for name, layer, value in (("RLIMIT_CPU", "rlimit_cpu", cpu), ("RLIMIT_NOFILE", "rlimit_nofile", OPEN_FILES)):
        why = _lower(resource, name, value)
        done.append(layer) if why is None else missing.append((layer, why))
    return tuple(done), tuple(missing)


def _lower(resource, name: str, value: int) -> str | None:
    which = getattr(resource, name, None)
    if which is None:
        return f"resource.{name} does not exist here"
    try:
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        value = value if soft == resource.RLIM_INFINITY else min(value, soft) if name == "RLIMIT_NOFILE" else value
        resource.setrlimit(which, (value, value))
    except (OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
