"""Limits a spawned learner process sets on itself before any learner code runs, where the OS has them.

`resource` exists on macOS and Linux, not on Windows (there the Job Object limits the process from
outside: `grader.isolation.jobobject`). A limit lowered here cannot be raised again by the learner's
code (the hard limit is lowered too). RLIMIT_CPU is the job's time limit as the OS enforces it: the
CPU time the process has used so far (importing torch) plus the job's timeout and a second's grace
(the keeper, polling the tree's CPU time, usually ends the job first); at the soft limit the OS
sends SIGXCPU (which ends the process, after its Python stack is written), at the hard one SIGKILL.
A process the learner's code starts inherits the limit, each counting its own CPU time.
"""

from __future__ import annotations

import math
import time

OPEN_FILES = 1024
CPU_GRACE = 1  # seconds of CPU past the timeout before the OS steps in


def apply(limits: dict) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(layers in force, (layer, why) missing) after limiting CPU time and open files."""
    try:
        import resource
    except ImportError:
        why = "this OS has no setrlimit (the Job Object limits the process instead, where there is one)"
        return (), (("rlimit_cpu", why), ("rlimit_nofile", why))
    cpu = math.ceil(time.process_time() + float(limits.get("timeout", 30))) + CPU_GRACE
    done, missing = [], []
    for name, layer, value in (("RLIMIT_CPU", "rlimit_cpu", cpu), ("RLIMIT_NOFILE", "rlimit_nofile", OPEN_FILES)):
        why = _lower(resource, name, value, 1 if name == "RLIMIT_CPU" else 0)
        done.append(layer) if why is None else missing.append((layer, why))
    return tuple(done), tuple(missing)


def _lower(resource, name: str, value: int, above: int = 0) -> str | None:
    """Lower the soft limit `name` to `value` and the hard one to `value + above` (never raising either)."""
    which = getattr(resource, name, None)
    if which is None:
        return f"resource.{name} does not exist here"
    try:
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        value = value if soft == resource.RLIM_INFINITY else min(value, soft) if name == "RLIMIT_NOFILE" else value
        hard_value = value + above if hard == resource.RLIM_INFINITY else min(value + above, hard)
        resource.setrlimit(which, (value, hard_value))
    except (OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
