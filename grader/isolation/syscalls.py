"""The Linux system calls the boundary needs that Python 3.11's `os` module lacks.

unshare(2), mount(2), prctl(2) and keyctl(2)'s KEYCTL_JOIN_SESSION_KEYRING, called through
ctypes with `use_errno=True` so that a refusal raises OSError with the kernel's own errno.
`os.unshare` only arrives in Python 3.12, no maintained package wraps mount(2) and prctl(2)
for 3.11, and the keyutils bindings need a C library we do not otherwise depend on; each is
one line here, so they are written by hand rather than pulled in. keyctl has no libc wrapper:
it goes through syscall(2), with its number for x86_64 and aarch64 (the architectures
py-landlock supports). Landlock is not here: it comes from py-landlock
(`grader.isolation.landlock_rules`).

The C library is opened as `CDLL(None)` (the symbols already loaded into this process), not
through `ctypes.util.find_library`, which may start `ldconfig` in a subprocess.
"""

from __future__ import annotations

import ctypes
import os
import platform

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_PDEATHSIG = 1
PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

KEYCTL_SYSCALL = {"x86_64": 250, "aarch64": 219}.get(platform.machine())
KEYCTL_JOIN_SESSION_KEYRING = 1

_libc = None


def _lib() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        lib = ctypes.CDLL(None, use_errno=True)
        lib.unshare.argtypes = [ctypes.c_int]
        lib.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        lib.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        lib.syscall.restype = ctypes.c_long
        _libc = lib
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _b(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def unshare(flags: int) -> None:
    """Move this process into new namespaces (CLONE_NEW* flags)."""
    _check(_lib().unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    """mount(2); `target` is always a path in this process's mount namespace."""
    _check(_lib().mount(_b(source), _b(target), _b(fstype), flags, _b(data)), f"mount {target}")


def prctl(option: int, arg: int = 0) -> None:
    """prctl(2) with one argument (the others zero)."""
    _check(_lib().prctl(option, arg, 0, 0, 0), f"prctl({option})")


def join_session_keyring() -> None:
    """Replace this process's session keyring by a new, empty, anonymous one: keys in the one it
    inherited are readable by any process that holds it ("possession"), whatever its uid."""
    if KEYCTL_SYSCALL is None:
        raise OSError(38, f"keyctl: no syscall number known for {platform.machine()}")  # ENOSYS
    if _lib().syscall(ctypes.c_long(KEYCTL_SYSCALL), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING), None) < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"keyctl(KEYCTL_JOIN_SESSION_KEYRING): {os.strerror(err)}")


def get_dumpable() -> int:
    """PR_GET_DUMPABLE: 0 or 1 (2 where suid_dumpable says so)."""
    result = _lib().prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)
    _check(0 if result >= 0 else result, "prctl(PR_GET_DUMPABLE)")
    return result


def die_with_parent() -> None:
    """PR_SET_PDEATHSIG=SIGKILL: killed when the thread that forked this process ends."""
    prctl(PR_SET_PDEATHSIG, 9)  # SIGKILL
