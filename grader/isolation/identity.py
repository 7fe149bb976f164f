"""Who the learner's process is: an unprivileged uid of its own, and its private files.

Run as root, the learner drops to a uid and gid no other process uses (setgroups([]),
setresgid, setresuid: glibc applies these to every thread). The number is drawn from a high
range; where the user namespace maps only part of the range (a container) it is drawn from
61000-65000 instead. Where $PYTORCH_TUTOR_LEARNER_USER names an unprivileged account (the one
an autograder's setup.sh creates, as Gradescope asks), that account's uid is used instead (its
number is also the gid: setup.sh makes them equal). The writable folder and the job's files are
given to that uid first.

Not run as root there is no other uid to drop to (a user namespace maps only our own), and
the layer is recorded as missing. It is also left out, with the reason, when the uid could
not reach the Python installation (see `namespaces.reveal`): a learner that cannot import
anything is not a boundary, it is a broken job.
"""

from __future__ import annotations

import os
import resource
import secrets

from grader.isolation.layers import Tally, describe

RANGES = ((1 << 20, 1 << 30), (61000, 65000))
LEARNER_USER = "PYTORCH_TUTOR_LEARNER_USER"


def pick_uid(tally: Tally, unreachable: list[str]) -> int | None:
    """A fresh uid for the learner, or None (recorded as missing) when it cannot have one."""
    if os.geteuid() != 0 or tally.has("userns"):
        tally.miss("uid", f"not root: the learner keeps this user's uid ({_host_uid(tally)})")
        return None
    if unreachable:
        tally.miss("uid", f"an unprivileged uid could not reach {unreachable[0]} (it or a folder above it is closed)")
        return None
    named = _named_uid(os.environ.get(LEARNER_USER, ""))
    if named is not None:
        return named
    for low, high in RANGES:
        uid = low + secrets.randbelow(high - low)
        if _mapped(uid, "uid_map") and _mapped(uid, "gid_map"):
            return uid
    tally.miss("uid", "no uid of either range is mapped in this user namespace")
    return None


def become(uid: int | None, tally: Tally) -> None:
    """Drop to `uid` (and the same gid), with no supplementary groups."""
    if uid is None:
        return
    try:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    except OSError as exc:
        tally.miss("uid", describe(exc))
        return
    tally.ok("uid")


def cap_processes(count: int, tally: Tally) -> None:
    """RLIMIT_NPROC: the kernel refuses fork() (and new threads) once the learner's uid has `count` tasks.
    Only a uid of the job's own makes this a per-job cap (with the caller's uid it would count all of
    that user's processes); with $PYTORCH_TUTOR_LEARNER_USER it is shared by that account's jobs."""
    if not tally.has("uid"):
        tally.miss("nproc", "needs a uid of the job's own: RLIMIT_NPROC counts every process of a uid")
        return
    tally.attempt("nproc", resource.setrlimit, resource.RLIMIT_NPROC, (count, count), errors=(OSError, ValueError))


def write_files(folder: str, files: tuple[tuple[str, bytes], ...], uid: int | None) -> None:
    """Write the job's files into `folder`, and give the folder and the files to `uid`."""
    if uid is not None:
        os.chown(folder, uid, uid)
    for name, content in files:
        fd = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            if uid is not None:
                os.fchown(f.fileno(), uid, uid)


def _named_uid(name: str) -> int | None:
    """The uid of the account `name`, if there is one that is unprivileged (not 0, not ours) and mapped."""
    if not name:
        return None
    import pwd

    try:
        uid = pwd.getpwnam(name).pw_uid
    except (KeyError, OSError):
        return None  # no such account here: a fresh uid is just as separate
    usable = uid not in (0, os.getuid(), os.geteuid()) and _mapped(uid, "uid_map") and _mapped(uid, "gid_map")
    return uid if usable else None


def _mapped(uid: int, table: str) -> bool:
    try:
        with open(f"/proc/self/{table}") as f:
            rows = [tuple(map(int, line.split())) for line in f if line.strip()]
    except OSError:
        return False
    return any(inside <= uid < inside + count for inside, _, count in rows)


def _host_uid(tally: Tally) -> str:
    return "mapped to 0 in its user namespace" if tally.has("userns") else f"uid {os.geteuid()}"
