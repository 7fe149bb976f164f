"""Find, measure and kill a process and all of its descendants (Linux /proc).

Descendants are found two ways: by parent links, and by a token in their
environment, which survives `os.setsid()` and double forks that re-parent a
process away from the worker.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

TOKEN_VAR = "PYTORCH_TUTOR_JOB"
_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command's name (state first), or None if it is gone. Read with
    one os.read: the watcher reads every process's, several times a second, and pathlib doubles the cost."""
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except OSError:
        return None
    try:
        text = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    return text[text.rfind(b")") + 2 :].split()


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, resident pages) of a process, or None if it is gone."""
    fields = _stat_fields(pid)
    return (int(fields[1]), int(fields[21])) if fields and len(fields) > 21 else None


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _has_token(pid: int, token: str) -> bool:
    try:
        return f"{TOKEN_VAR}={token}".encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def descendants(root: int, token: str = "") -> set[int]:
    """The root and every process below it, or carrying the job's token."""
    parents = {}
    for pid in _all_pids():
        st = _stat(pid)
        if st is not None:
            parents[pid] = st[0]
    found = {root} if root in parents else set()
    if token:
        found |= {pid for pid in parents if pid != os.getpid() and _has_token(pid, token)}
    changed = True
    while changed:
        new = {pid for pid, ppid in parents.items() if ppid in found and pid not in found}
        found |= new
        changed = bool(new)
    return found


def tree_rss(pids: set[int]) -> int:
    """Memory of these processes together, in bytes: proportional set size, so pages that
    forked processes share are counted once (resident size where PSS cannot be read)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in pids:
        pss = _pss(pid)
        if pss is None:
            st = _stat(pid)
            pss = st[1] * page if st else 0
        total += pss
    return total


def _pss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pids: set[int]) -> float:
    """CPU time these processes used, with that of their children already reaped, in seconds."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        try:
            total += sum(int(f) for f in fields[11:15]) if fields else 0  # utime stime cutime cstime
        except ValueError:
            continue
    return total / _TICKS


def run_delay(pid: int) -> float | None:
    """Seconds the process's main thread was ready to run but waited for a CPU (the machine's load,
    not its own work), from /proc/PID/schedstat; None where the kernel does not keep it."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def kill_tree(tree) -> None:
    """SIGKILL the processes `tree()` names until none is left (they may fork while we kill)."""
    for _ in range(50):
        living = [pid for pid in tree() if not _ended(_stat_fields(pid))]
        if not living:
            return
        for pid in living:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)


PF_EXITING = 0x4


def exiting(pid: int) -> bool:
    """True once the process is in the kernel's exit path: it never runs code of its own again."""
    fields = _stat_fields(pid)
    return bool(fields) and _in_exit(fields)


def _ended(fields: list[bytes] | None) -> bool:
    """From one read of /proc/PID/stat: gone, a zombie, or in the kernel's exit path."""
    return not fields or fields[0] == b"Z" or _in_exit(fields)


def _in_exit(fields: list[bytes]) -> bool:
    return len(fields) > 6 and int(fields[6]) & PF_EXITING != 0


def alive(pid: int) -> bool:
    """True unless the process is gone or a zombie waiting to be reaped."""
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] != b"Z"


def request_stack(pid: int) -> None:
    """Ask the worker to print its Python stack to stderr (faulthandler on SIGUSR1)."""
    try:
        os.kill(pid, signal.SIGUSR1)
    except (ProcessLookupError, PermissionError):
        pass
