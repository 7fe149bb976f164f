"""Landlock rules for the learner's process: what it may read, write and reach.

Landlock (through the py-landlock package, best-effort mode) is the layer that holds even
where namespaces are refused, and the one that does not care about uids. Rules:

- read (and execute, for shared libraries): the Python installation (sysconfig's stdlib,
  platstdlib, purelib, platlib, site.getsitepackages(), the user site, each prefix's lib),
  the grader package's own folder, system libraries, a few /etc and /dev files, /sys's CPU
  description, /proc (only /proc/self and two global files when /proc is not the job's own)
  and `Boundary.readable`. sys.path is deliberately not used: an editable install puts the
  repository root (which holds reference/, the solutions) there, and `python -m` the cwd;
- carved: a root that contains a forbidden path (`Boundary.forbidden`, and wherever the
  `reference` and `exercises` packages are found) is replaced by its children minus the
  forbidden ones, recursively, so the forbidden path is under no rule at all;
- write (every right): the writable folder, and /tmp and /dev/shm when they are private;
  /dev/null; /dev/nvidia* read-write with ioctl, for CUDA;
- no TCP connect or bind (ABI 4), and no signals or abstract unix sockets outside the job's
  Landlock domain (ABI 6), which stops a same-uid learner from stopping or killing the grader.

Landlock does not stop stat(2) or path lookup: a forbidden file's name and size can be seen,
not its content. Connecting to a pathname unix socket is not covered by ABI 7 either (the uid
layer and the private /tmp cover the grader's own sockets).
"""

from __future__ import annotations

import glob
import importlib.util
import os
import site
import sys
import sysconfig
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grader.isolation.landlock_ruleset import ABI, ABI_ERROR, apply, finish, start  # noqa: F401 (the layer's one name)

SYSTEM = ("/usr/lib", "/lib", "/lib64", "/usr/lib64", "/usr/local/lib", "/etc/ld.so.cache", "/etc/localtime",
          "/usr/share/zoneinfo", "/dev/zero", "/dev/urandom", "/dev/random", "/sys/devices/system/cpu")
SHIPPED = ("reference", "exercises")  # packages that hold the solutions and stubs in a non-editable install

@dataclass(frozen=True)
class Rules:
    python: tuple[str, ...]  # where Python and the grader are (what the learner cannot do without)
    tops: tuple[str, ...]  # readable roots before carving (what must be reachable by path)
    read: tuple[str, ...]  # readable paths after carving
    write: tuple[str, ...]  # every right
    devices: tuple[str, ...]  # read-write files, with ioctl


@cache
def python_roots() -> tuple[str, ...]:
    """Where this Python and the grader live (cached: the same in every job of a process)."""
    paths = [sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")]
    paths += site.getsitepackages() + [site.getusersitepackages()]
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths += [os.path.join(prefix, "lib") for prefix in sorted(prefixes)]
    paths.append(str(Path(__file__).resolve().parents[1]))  # the grader package
    return tuple(paths)


python_roots()  # at import: every job forked from this process finds it done


def compute(readable: tuple[str, ...], forbidden: tuple[str, ...], write: tuple[str, ...], own_proc: bool) -> Rules:
    """The rules for one job, worked out while still privileged (carving lists folders)."""
    proc = ["/proc"] if own_proc else [os.path.realpath("/proc/self"), "/proc/cpuinfo", "/proc/meminfo"]
    tops = _outermost(_existing([*python_roots(), *SYSTEM, *proc, *readable]))
    banned = forbidden_paths(forbidden) | shipped_in(tops)
    read = tuple(path for top in tops for path in carve(top, banned))
    devices = ("/dev/null", *sorted(glob.glob("/dev/nvidia*")))
    tops = tuple(top for top in tops if not _inside_any(top, banned))
    return Rules(tuple(_existing(python_roots())), tops, read, write, devices)


def forbidden_paths(forbidden: tuple[str, ...]) -> frozenset[str]:
    """The real paths of `forbidden`, and of the shipped solution packages wherever they are found."""
    found = {os.path.realpath(path) for path in forbidden}
    for name in SHIPPED:
        try:
            spec = importlib.util.find_spec(name)  # finds, does not import
        except (ImportError, ValueError, OSError):  # OSError: an editable install's finder that cannot stat its folder
            continue
        if spec is not None:
            found.update(os.path.realpath(p) for p in (spec.submodule_search_locations or [spec.origin or ""]) if p)
    return frozenset(found)


def shipped_in(roots) -> frozenset[str]:
    """A `reference` or `exercises` folder directly inside a readable root (a site-packages with
    this package installed), whichever copy of them `find_spec` happens to see."""
    return frozenset(os.path.realpath(os.path.join(root, name)) for root in roots for name in SHIPPED
                     if os.path.isdir(os.path.join(root, name)))


def carve(root: str, banned: frozenset[str]) -> list[str]:
    """`root` minus the banned paths: itself when none is inside it, else its children, carved in turn.
    Symbolic links among the children are left out (a rule on one would follow it)."""
    if _inside_any(root, banned):
        return []
    if not any(_within(path, root) for path in banned):
        return [root]
    try:
        entries = list(os.scandir(root))
    except OSError:
        return []
    return [kept for entry in entries if not entry.is_symlink() for kept in carve(entry.path, banned)]


def _existing(paths) -> list[str]:
    return [real for real in dict.fromkeys(os.path.realpath(p) for p in paths if p) if os.path.exists(real)]


def _outermost(paths: list[str]) -> list[str]:
    """`paths` without those inside another one of them."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(_within(path, outer) for outer in kept):
            kept.append(path)
    return kept


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _inside_any(path: str, banned) -> bool:
    return any(_within(path, b) for b in banned)
