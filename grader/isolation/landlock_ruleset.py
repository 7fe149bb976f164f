"""Landlock enforcement: a ruleset built from `grader.isolation.landlock_rules.Rules`, applied to the
learner's process. Reading rules can be added early (`start`), before the private /tmp covers a
folder they name, and writing rules at the end (`finish`), once the private folders exist.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import TYPE_CHECKING

from grader.isolation.layers import Tally, describe

if TYPE_CHECKING:
    from grader.isolation.landlock_rules import Rules

try:  # at import, once: the first call looks libc up with ldconfig (a subprocess)
    import py_landlock
    from py_landlock import AccessFs

    ABI = int(py_landlock.get_abi_version())
    ABI_ERROR = ""
except Exception as exc:  # ImportError off Linux, LandlockNotAvailableError where the kernel lacks it
    py_landlock = None
    ABI, ABI_ERROR = 0, describe(exc)
else:  # the rights a rule on a file (not a folder) may carry
    _FILE_RIGHTS = (AccessFs.EXECUTE | AccessFs.WRITE_FILE | AccessFs.READ_FILE | AccessFs.TRUNCATE
                    | getattr(AccessFs, "IOCTL_DEV", AccessFs(0)))


def apply(rules: Rules, tally: Tally) -> None:
    """Restrict this process (and what it starts) to `rules`; record what the kernel supports."""
    finish(start(rules), rules.write, tally)


class Ruleset:
    """A Landlock ruleset being built: each rule holds the folder or file it was opened on, so a rule
    added before something is mounted over its path still applies to what the path named then."""

    def __init__(self):
        attr = py_landlock.RulesetAttr()
        self.handled = attr.handled_access_fs = py_landlock.abi.get_supported_fs(ABI)
        attr.handled_access_net = py_landlock.abi.get_supported_net(ABI) if ABI >= 4 else py_landlock.AccessNet(0)
        attr.scoped = py_landlock.abi.get_supported_scope(ABI) if ABI >= 6 else py_landlock.Scope(0)
        self.fd = py_landlock.create_ruleset(attr)

    def allow(self, path: str, directory, file) -> None:
        """Rights `directory` on a folder, `file` on anything else; nothing where `path` is not there."""
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return
        try:
            rule = py_landlock.PathBeneathAttr()
            rule.allowed_access = (directory if stat.S_ISDIR(os.fstat(fd).st_mode) else file) & self.handled
            rule.parent_fd = fd
            py_landlock.add_rule(self.fd, rule)
        except (OSError, py_landlock.LandlockError):  # a rule not added only takes rights away
            pass
        finally:
            os.close(fd)


def start(rules: Rules) -> Ruleset | None:
    """The ruleset with `rules`' reading and device rules, their paths opened now (None without Landlock)."""
    if py_landlock is None:
        return None
    ruleset = Ruleset()
    directory, file = AccessFs.READ_FILE | AccessFs.READ_DIR | AccessFs.EXECUTE, AccessFs.READ_FILE | AccessFs.EXECUTE
    for path in rules.read:
        ruleset.allow(path, directory, file)
    device = AccessFs.READ_FILE | AccessFs.WRITE_FILE | AccessFs.TRUNCATE | AccessFs.IOCTL_DEV
    for path in rules.devices:
        ruleset.allow(path, directory | device, device)
    return ruleset


def finish(ruleset: Ruleset | None, write: tuple[str, ...], tally: Tally) -> None:
    """Add the writing rules for `write` and restrict this process (and what it starts)."""
    if ruleset is None:
        for layer in ("landlock", "landlock_net", "landlock_scope"):
            tally.miss(layer, ABI_ERROR)
        return
    every = ruleset.handled
    for path in write:
        ruleset.allow(path, every, every & _FILE_RIGHTS)
    _note_threads(tally)
    _warm_import_caches()
    if tally.attempt("landlock", _restrict_self, ruleset, errors=(OSError, py_landlock.LandlockError)):
        _abi_layer(tally, "landlock_net", 4)
        _abi_layer(tally, "landlock_scope", 6)
    else:
        why = f"Landlock was not applied ({tally.missing[-1][1]})"
        tally.miss("landlock_net", why)
        tally.miss("landlock_scope", why)


def _restrict_self(ruleset: Ruleset) -> None:
    try:
        py_landlock.landlock.set_no_new_privs()
        py_landlock.restrict_self(ruleset.fd, None)
    finally:
        os.close(ruleset.fd)


def _warm_import_caches() -> None:
    """List every sys.path folder for the import system while it still can: a carved root cannot be
    listed under Landlock, and Python's FileFinder imports only the names it has listed."""
    from importlib.machinery import PathFinder

    for entry in list(sys.path):
        try:
            PathFinder.find_spec("__pytorch_tutor_warm__", [entry])
        except (ImportError, OSError, ValueError):
            pass


def _note_threads(tally: Tally) -> None:
    """Landlock (ABI 7) restricts the calling thread and the threads and processes it starts later."""
    others = len(os.listdir("/proc/self/task")) - 1
    if others:
        tally.miss("landlock_threads", f"{others} other thread(s) were running when Landlock was applied: not restricted")


def _abi_layer(tally: Tally, layer: str, needs: int) -> None:
    if ABI >= needs:
        tally.ok(layer)
    else:
        tally.miss(layer, f"needs Landlock ABI {needs}; this kernel has ABI {ABI}")


def _add(ruleset, path: str, access) -> None:
    try:
        ruleset.add_path_rule(path, access=access)
    except py_landlock.PathError:  # not there for the learner: nothing to allow
        pass
