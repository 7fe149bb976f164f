"""Namespaces for one job, and the mounts that need them.

In contain()'s first process (C): `enter` unshares a mount, network, PID and IPC namespace,
each on its own so one refusal leaves the others in force. Without root it first makes a
user namespace that maps this uid to 0 (setgroups denied), which is what lets the rest work
unprivileged. unshare(CLONE_NEWPID) moves only C's future children, so C stays outside and
its first child (I) is pid 1 of the new namespace.

In I: `make_private` turns every mount private before anything is mounted (otherwise a mount
could propagate to the host), and `mount_proc` puts a fresh procfs on /proc.

In the learner's process (L), once `prepare()` has read what it needs: `private_tmp` mounts
size-capped tmpfs on /tmp and /dev/shm (a quarter of the job's memory limit each; the keeper adds
what they hold, `tmpfs_used`, to the memory of the job's processes, against that one limit; what
they cover is read through descriptors, `grader.isolation.relocate`), and `reveal` makes the Python installation reachable
by an unprivileged uid where it lives under a folder closed to others (on this machine Python
is in /root/.pyenv and /root is 0700): a small tmpfs covers the closed folder and each
readable root is bind-mounted back at its own path, so nothing else of it can be seen.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from grader.isolation import syscalls as sc
from grader.isolation.layers import Tally, describe

NAMESPACES = (("mountns", sc.CLONE_NEWNS), ("netns", sc.CLONE_NEWNET), ("pidns", sc.CLONE_NEWPID),
              ("ipcns", sc.CLONE_NEWIPC))
_TMPFS = sc.MS_NOSUID | sc.MS_NODEV


def enter(tally: Tally) -> None:
    """Unshare the job's namespaces (in C, which forks I next)."""
    if os.geteuid() != 0:
        _user_namespace(tally)
    for layer, flag in NAMESPACES:
        tally.attempt(layer, sc.unshare, flag)


def _user_namespace(tally: Tally) -> None:
    """A user namespace mapping this uid and gid to 0. The maps are /proc/self files, which a
    non-dumpable process (`harden_trusted`, or one that changed uid) may not write: this process is
    dumpable while it writes them. Once unshared there is no way back, so a map that cannot be
    written is an error, not a missing layer (files could not even be created)."""
    uid, gid = os.geteuid(), os.getegid()
    try:
        sc.unshare(sc.CLONE_NEWUSER)
    except OSError as exc:
        tally.miss("userns", describe(exc))
        return
    dumpable = sc.get_dumpable()
    sc.prctl(sc.PR_SET_DUMPABLE, 1)
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)
    sc.prctl(sc.PR_SET_DUMPABLE, dumpable)
    tally.ok("userns")


def make_private(tally: Tally) -> None:
    """Stop mount propagation both ways; without it nothing may be mounted at all."""
    if tally.has("mountns"):
        try:
            sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
        except OSError as exc:
            tally.withdraw("mountns", f"mounts could not be made private ({describe(exc)}); nothing is mounted")


def mount_proc(tally: Tally) -> None:
    """A procfs of the job's PID namespace on /proc (in I, which is in that namespace)."""
    if tally.has("pidns") and tally.has("mountns"):
        tally.attempt("proc", sc.mount, "proc", "/proc", "proc", _TMPFS | sc.MS_NOEXEC)
    else:
        tally.miss("proc", "needs a private PID and mount namespace")


def private_tmp(scratch: str, size: int, tally: Tally) -> tuple[str, tuple[str, ...]]:
    """Mount the private /tmp and /dev/shm: (the writable folder, the private folders). What was under
    /tmp (a Python or a grader installed there) is reached through descriptors: `grader.isolation.relocate`."""
    if not tally.has("mountns"):
        tally.miss("tmpfs", "needs a private mount namespace; the scratch folder is used instead")
        return scratch, ()
    options = f"size={size},mode=1777"
    if not tally.attempt("tmpfs", sc.mount, "tmpfs", "/tmp", "tmpfs", _TMPFS, options):
        return scratch, ()
    if not os.path.isdir("/dev/shm"):
        return "/tmp", ("/tmp",)
    try:
        sc.mount("tmpfs", "/dev/shm", "tmpfs", _TMPFS, options)
    except OSError as exc:
        tally.miss("shm", f"/dev/shm stays the host's and unreachable: {describe(exc)}")
        return "/tmp", ("/tmp",)
    return "/tmp", ("/tmp", "/dev/shm")


def tmpfs_used(pid: int) -> int:
    """Bytes held in the private /tmp and /dev/shm of the mount namespace `pid` is in (seen from outside it,
    through /proc/PID/root): memory the job holds outside any process. A folder that is still the host's
    (before the job mounts its own, or without a mount namespace) counts nothing."""
    total = 0
    for folder in ("/tmp", "/dev/shm"):
        try:
            inside = f"/proc/{pid}/root{folder}"
            if os.stat(inside).st_dev == os.stat(folder).st_dev:
                continue
            found = os.statvfs(inside)
        except OSError:
            continue
        total += (found.f_blocks - found.f_bfree) * found.f_frsize
    return total


def closed_ancestor(path: str) -> str | None:
    """The topmost folder above `path` that other users may not search (no o+x), if any."""
    for folder in reversed(Path(path).parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return str(folder)
    return None


def open_to_others(path: str) -> bool:
    """Whether a user with no rights of its own can reach `path` (and search it, for a folder)."""
    try:
        mode = os.stat(path).st_mode
        return closed_ancestor(path) is None and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))
    except OSError:
        return False


def reveal(paths: tuple[str, ...], tally: Tally) -> None:
    """Make `paths` reachable by other users where a folder above them is closed (see the module's
    docstring). Needs the private mount namespace; `open_to_others` tells what is reachable after."""
    covers: dict[str, list[str]] = {}
    for path in paths:
        if (closed := closed_ancestor(path)) is not None:
            covers.setdefault(closed, []).append(path)
    if not tally.has("mountns"):
        return
    for cover, inner in covers.items():
        try:
            _cover(cover, inner)
        except OSError:
            continue  # what stays closed is found by open_to_others


def _cover(cover: str, inner: list[str]) -> None:
    fds = [os.open(path, os.O_PATH | os.O_CLOEXEC) for path in inner]
    try:
        sc.mount("tmpfs", cover, "tmpfs", _TMPFS, "size=1m,mode=755")
        for path, fd in zip(inner, fds):
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                os.makedirs(path, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "a").close()
            sc.mount(f"/proc/self/fd/{fd}", path, None, sc.MS_BIND | sc.MS_REC)
    finally:
        for fd in fds:
            os.close(fd)
