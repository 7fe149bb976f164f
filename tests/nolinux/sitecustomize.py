"""Put first on PYTHONPATH by tests/test_portable.py: with PYTORCH_TUTOR_DENY_LINUX=1, every process the
test starts (the trusted one and each spawned worker) loses what only Linux has, so a grading run that
still works needed none of it. What raises: os.fork (and forkpty, pidfd_open), any read or listing of
/proc, the ctypes calls to unshare, mount, prctl (so PR_SET_PDEATHSIG), syscall, setns and Landlock's
three calls, and importing the Landlock package. Learner code in the tests forks through `posix.fork`,
which is left alone: the grader never uses it, and its children are what the keeper must contain."""

import os

if os.environ.get("PYTORCH_TUTOR_DENY_LINUX") == "1":
    import builtins
    import ctypes
    import importlib.abc
    import io
    import sys

    class LinuxOnly(RuntimeError):
        pass

    def _deny(name):
        def raiser(*args, **kwargs):
            raise LinuxOnly(f"{name} is Linux-only and denied in this test")
        return raiser

    for _name in ("fork", "forkpty", "pidfd_open", "unshare", "setns"):
        if hasattr(os, _name):
            setattr(os, _name, _deny(f"os.{_name}"))

    def _is_proc(path) -> bool:
        try:
            return isinstance(path, (str, bytes, os.PathLike)) and os.fsdecode(os.fspath(path)).startswith("/proc")
        except TypeError:
            return False

    def _guarded(real, name):
        def call(path=".", *args, **kwargs):
            if _is_proc(path):
                raise LinuxOnly(f"{name}({path!r}): /proc is Linux-only and denied in this test")
            return real(path, *args, **kwargs)
        return call

    builtins.open = io.open = _guarded(io.open, "open")
    os.open = _guarded(os.open, "os.open")
    os.listdir = _guarded(os.listdir, "os.listdir")
    os.scandir = _guarded(os.scandir, "os.scandir")

    _DENIED_SYMBOLS = {"unshare", "mount", "umount2", "prctl", "syscall", "setns", "pivot_root", "keyctl",
                       "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self"}
    _real_getattr = ctypes.CDLL.__getattr__

    def _cdll_getattr(self, name):
        if name in _DENIED_SYMBOLS:
            raise LinuxOnly(f"ctypes {name} is Linux-only and denied in this test")
        return _real_getattr(self, name)

    ctypes.CDLL.__getattr__ = _cdll_getattr

    class _NoLandlock(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "landlock" or name.startswith("landlock."):
                raise ImportError("Landlock is Linux-only and denied in this test")
            return None

    sys.meta_path.insert(0, _NoLandlock())
