"""The layers of the OS boundary, and the record of which of them one job got.

Every layer is tried on its own; one that cannot be applied is recorded in `missing` with the
kernel's reason and the others still apply. Nothing here pretends: a layer is in `in_force`
only once the call that applies it has returned without error.
"""

from __future__ import annotations

from dataclasses import dataclass

# In the order contain() applies them, with what each one stops.
DESCRIPTIONS = {
    "userns": "a user namespace, so the namespaces below need no root (used only when not root)",
    "mountns": "a private mount namespace: the mounts below are the job's alone",
    "netns": "a private network namespace: no interface but a loopback that is down",
    "pidns": "a private PID namespace: no other process is visible, and all of the job's die with it",
    "ipcns": "a private System V IPC namespace",
    "proc": "a fresh /proc that shows only the job's processes",
    "tmpfs": "private, size-capped /tmp and /dev/shm, gone when the job ends",
    "uid": "an unprivileged uid and gid of its own (run as root only)",
    "nproc": "RLIMIT_NPROC on that uid: a fork bomb fails at fork() (max_processes plus room for threads, one a core)",
    "keyring": "a fresh session keyring: the caller's keys cannot be read by holding its keyring",
    "no_new_privs": "no privileges gained through set-user-ID programs",
    "landlock": "Landlock: read only Python, the grader and named paths; write only the writable folder",
    "landlock_net": "Landlock: no TCP connect or bind (ABI 4)",
    "landlock_scope": "Landlock: no signals to, and no abstract sockets of, processes outside the job (ABI 6)",
    "cgroup": "a per-job cgroup v2 with memory.max and pids.max (keeper side, where delegated)",
    # The portable backend (macOS, Windows, and Linux with PYTORCH_TUTOR_BACKEND=portable):
    "spawned": "a fresh process per job, spawned (never forked), its process tree watched and killed by the keeper",
    "seatbelt": "macOS Seatbelt, deny by default: exec of Python only; no network; read only the system, Python and the job; "
                "write only the job folder; no reads of the course's reference, progress or submissions",
    "jobobject": "a Windows Job Object: kill-on-close, a memory limit over the job, a process limit",
    "jobobject_time": "the Job Object's CPU-time limit over the whole job (user time, from the job's start): Windows ends it there",
    "rlimit_cpu": "RLIMIT_CPU: the job's time limit in CPU time, enforced by the OS; the learner's process cannot raise it",
    "rlimit_nofile": "RLIMIT_NOFILE: a cap on open files the learner's process cannot raise",
}


@dataclass(frozen=True)
class Layers:
    """Which layers are in force for one job (or, from `detect()`, on this machine)."""

    in_force: tuple[str, ...]
    missing: tuple[tuple[str, str], ...]  # (layer, why)
    writable: str  # the learner's writable folder ("/tmp" inside a private tmpfs, else the scratch folder)

    def why_missing(self, layer: str) -> str | None:
        """The reason `layer` is missing, or None when it is not missing."""
        return next((why for name, why in self.missing if name == layer), None)


class Tally:
    """Layers as they are applied, one process after the other (each forked child inherits it)."""

    def __init__(self) -> None:
        self.in_force: list[str] = []
        self.missing: list[tuple[str, str]] = []

    def ok(self, layer: str) -> None:
        self.in_force.append(layer)

    def miss(self, layer: str, why: str) -> None:
        self.missing.append((layer, why))

    def has(self, layer: str) -> bool:
        return layer in self.in_force

    def withdraw(self, layer: str, why: str) -> None:
        """A layer that was applied but cannot be relied on after all."""
        self.in_force.remove(layer)
        self.miss(layer, why)

    def attempt(self, layer: str, apply, *args, errors: tuple = (OSError,)) -> bool:
        """Call `apply(*args)`; record `layer` as in force, or as missing with the error."""
        try:
            apply(*args)
        except errors as exc:
            self.miss(layer, describe(exc))
            return False
        self.ok(layer)
        return True

    def layers(self, writable: str) -> Layers:
        return Layers(tuple(self.in_force), tuple(self.missing), writable)


def describe(exc: BaseException) -> str:
    """A short reason from an exception: the errno name where there is one."""
    import errno

    if isinstance(exc, OSError) and exc.errno:
        return f"{errno.errorcode.get(exc.errno, exc.errno)}: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"
