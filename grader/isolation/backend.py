"""Which way learner processes are started and walled, chosen once per process.

  linux     forked from a warm zygote, behind namespaces, a uid, Landlock and a cgroup
            (`grader.isolation.pool`, `grader.isolation.boundary`): the default on Linux;
  portable  spawned fresh for every job, behind what the OS offers without Linux: Seatbelt on
            macOS, a Job Object on Windows, rlimits (`grader.isolation.portable`): the default
            elsewhere, and on Linux with PYTORCH_TUTOR_BACKEND=portable.

Everything else asks this module, never the two implementations: `Pool` (the warm workers of
`watch`, `check --all`, `grade`, notebooks), `cold_pool` (a single check) and `prestart` (its worker,
early), `detect` (the layers a
job gets here, for `doctor` and `grade`), `harden_trusted`, and `file_system_wall`.
"""

from __future__ import annotations

import os
import sys

ENV = "PYTORCH_TUTOR_BACKEND"
NAMES = ("linux", "portable")
FILE_SYSTEM_WALLS = ("landlock", "seatbelt")  # layers that keep a submission out of other files


def name() -> str:
    """`linux` or `portable`: the environment's choice, else linux on Linux and portable elsewhere."""
    chosen = os.environ.get(ENV, "").strip().lower()
    if chosen in NAMES and (chosen == "portable" or sys.platform == "linux"):
        return chosen
    return "linux" if sys.platform == "linux" else "portable"


def Pool(size: int | None = None):  # noqa: N802  (stands where the class was)
    """A pool of warm workers of the chosen backend (a context manager)."""
    if name() == "portable":
        from grader.isolation.portable import PortablePool

        return PortablePool(size)
    from grader.isolation.pool import Pool as ZygotePool

    return ZygotePool(size)


def cold_pool(preload: tuple[str, ...] = ()):
    """The pool of one single check. Linux: torch is imported here first, then the keeper is forked
    from this process. Portable: the worker is spawned first, and this process imports torch once
    the job is handed over, while the worker imports its own."""
    if name() == "portable":
        from grader.isolation.portable import PortablePool

        return PortablePool(1, preload, spares=False, trusted_preload=True)
    from grader.isolation import torchsetup
    from grader.isolation.pool import Pool as ZygotePool

    torchsetup.prepare(preload=preload)
    return ZygotePool(1)


def prestart() -> None:
    """Start what a single cold check will need as early as possible (the command line calls this before it
    parses its arguments). Portable: its worker is spawned now, to import torch meanwhile. Linux: nothing
    (its keeper is forked from this process once torch is imported here)."""
    if name() == "portable":
        from grader.isolation.portable import prestart as portable_prestart

        portable_prestart()


def detect():
    """The layers a job gets on this machine with this backend (`Layers`)."""
    if name() == "portable":
        from grader.isolation.portable import detect as portable_detect

        return portable_detect()
    from grader.isolation.boundary import detect as linux_detect

    return linux_detect()


def harden_trusted() -> None:
    """Linux: the trusted process is not dumpable and reaps its keepers' orphans. Portable: nothing
    (its workers are its children; their trees are killed from their own records)."""
    if name() == "linux":
        from grader.isolation.boundary import harden_trusted as linux_harden

        linux_harden()


def file_system_wall(layers) -> str | None:
    """The layer that keeps learner code out of other files, or None where there is none."""
    return next((layer for layer in FILE_SYSTEM_WALLS if layer in layers.in_force), None)


def cores() -> int:
    """The cores this process may run on (its affinity where the OS has one: Linux; else all of them)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)
