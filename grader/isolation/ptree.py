"""macOS (and Linux on the portable backend): one job's process tree, read with `ps`, no /proc.

The worker is spawned in a session of its own, so its members are: its process group, and every
process below it by parent links. A process that leaves both (setsid, then a double fork) still
carries the job's token in its environment, which `ps` shows for processes of our own user; it
is found that way when the job is killed. Memory is the resident size of the tree's processes
added up (pages that forked children share are counted in each: an over-estimate, never under);
CPU time is theirs added up, as `ps` shows it (a process already reaped is no longer counted; the
wall-clock side of the time limit still catches work done there).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from grader.isolation.proctree import TOKEN_VAR

PS = "ps"
Row = tuple[int, int, int, float]  # parent pid, process group, resident bytes, CPU seconds


class PsTree:
    """The interface `grader.isolation.jobobject.JobTree` also has: adopt, limit, sample, kill, close."""

    layers: tuple[str, ...] = ()

    def __init__(self, token: str):
        self.token, self.root = token, 0

    def adopt(self, popen) -> None:
        self.root = popen.pid

    def members(self, table: dict[int, Row] | None = None) -> set[int]:
        table = snapshot() if table is None else table
        found = {pid for pid, row in table.items() if row[1] == self.root} | ({self.root} & set(table))
        while new := {pid for pid, row in table.items() if row[0] in found and pid not in found}:
            found |= new
        return found - {os.getpid()}

    def limit(self, limits: dict) -> None:
        pass  # nothing to set from outside: the keeper polls

    def count(self) -> int:
        return len(self.members())

    def memory(self) -> int:
        table = snapshot()
        return sum(table[pid][2] for pid in self.members(table))

    def over_memory(self, limit: int) -> bool:
        return self.memory() > limit

    def sample(self, memory_limit: int) -> tuple[int, bool, float]:
        """(processes, over the memory limit?, CPU seconds) of the tree, from one `ps`."""
        table = snapshot()
        members = self.members(table)
        return len(members), sum(table[pid][2] for pid in members) > memory_limit, sum(table[pid][3] for pid in members)

    def kill(self) -> None:
        """SIGKILL the group, the tree and the token's holders until none is left (they may fork meanwhile)."""
        for _ in range(20):
            living = self.members() | carrying(self.token)
            if not living:
                return
            _killpg(self.root)  # only while the group has members: its id cannot belong to anyone else then
            for pid in living:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)

    def stop(self) -> None:
        """SIGKILL the worker's process group: quick (no `ps`); `kill` finds the rest."""
        _killpg(self.root)

    def close(self) -> None:
        pass

    @staticmethod
    def out_of_time(returncode) -> bool:
        """Did the OS end the worker at its CPU-time limit (RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL at the hard)?"""
        xcpu = getattr(signal, "SIGXCPU", None)
        return xcpu is not None and returncode == -xcpu


def snapshot() -> dict[int, Row]:
    """{pid: (parent pid, process group, resident bytes, CPU seconds)} of every process, from ps."""
    table = {}
    for line in _ps("-A", "-o", "pid=,ppid=,pgid=,rss=,time=").splitlines():
        fields = line.split()
        if len(fields) == 5 and all(f.isdigit() for f in fields[:4]):
            pid, ppid, pgid, rss = map(int, fields[:4])
            table[pid] = (ppid, pgid, rss * 1024, cpu_time(fields[4]))
    return table


def cpu_time(text: str) -> float:
    """Seconds from ps's TIME column: [DD-][HH:]MM:SS[.cc] (macOS shows hundredths, procps whole seconds)."""
    days, _, clock = text.rpartition("-")
    try:
        seconds = 0.0
        for part in clock.split(":"):
            seconds = seconds * 60 + float(part)
        return seconds + 86400 * int(days or 0)
    except ValueError:
        return 0.0


def carrying(token: str) -> set[int]:
    """Processes of ours whose environment holds the job's token."""
    if not token:
        return set()
    wanted = f"{TOKEN_VAR}={token}"
    env_flag = ["-E"] if sys.platform == "darwin" else ["e"]
    found = set()
    for line in _ps("-A", "-ww", "-o", "pid=,command=", *env_flag).splitlines():
        pid, _, rest = line.strip().partition(" ")
        if pid.isdigit() and wanted in rest.split() and int(pid) != os.getpid():
            found.add(int(pid))
    return found


def _ps(*args: str) -> str:
    try:
        return subprocess.run([PS, *args], capture_output=True, text=True, errors="replace", timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _killpg(pgid: int) -> None:
    if pgid > 1:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
