"""Why a job's process stopped before reporting, in words for a learner."""

from __future__ import annotations

import signal

from grader.text import clean_line


def stopped_reason(f, limits) -> str:
    """`f`: the job's Finished; `limits`: its Limits."""
    where = f" (it was at {clean_line(f.last_frame, 200)})" if f.last_frame else ""
    if f.keeper_lost:
        return "the grader lost contact with the process watching your code (it stopped answering), so nothing was graded"
    if f.overloaded:
        return (f"not graded: this machine was too busy to run your code up to its time limit of {limits.timeout:g} s "
                f"(the wall-clock limit of {f.elapsed:.0f} s came first); check again when it is less busy")
    if f.timed_out:
        # Its own time (what it waited for a CPU does not count): the same words on a busy machine as on a quiet one.
        return f"time limit: your code was still running after {limits.timeout:g} s{where}"
    if f.out_of_memory:
        return f"memory limit: your code used more than {_size(limits.memory_bytes)} of memory{_used(f)}{where}"
    if f.too_many_processes:
        return f"process limit: your code started more than {limits.max_processes} processes"
    if f.returncode is not None and f.returncode < 0:
        try:
            name = signal.Signals(-f.returncode).name
        except ValueError:
            name = f"signal {-f.returncode}"
        return f"your code crashed ({name}) before the checks finished{where}"
    return f"your code exited (exit status {f.returncode}) before the checks finished"


def _used(f) -> str:
    """" (1.2 GiB, 800 MiB of it in files in /tmp and /dev/shm)": what was seen, where the keeper said."""
    used, files = getattr(f, "memory_used", 0), getattr(f, "files_used", 0)
    if not isinstance(used, int) or not isinstance(files, int) or used <= 0:
        return ""
    return f" ({_size(used)}" + (f", {_size(files)} of it in files in /tmp and /dev/shm)" if files > 0 else ")")


def limit_hit(f) -> str:
    """"time", "memory", "process" (its own limits) or "wall-clock" (a machine too busy) when the run was
    stopped by that limit, else ""."""
    if f.keeper_lost:
        return ""
    if f.overloaded:
        return "wall-clock"
    return "time" if f.timed_out else "memory" if f.out_of_memory else "process" if f.too_many_processes else ""


def _size(n: int) -> str:
    """4 GiB, 400 MiB: a limit as people write it."""
    return f"{n / 2**30:.3g} GiB" if n >= 2**30 else f"{n / 2**20:.3g} MiB"


def stopped_hint(f) -> str:
    if f.overloaded:
        return "Nothing is wrong with your code as far as the grader knows: it ran out of wall-clock time on a busy machine."
    if f.timed_out:
        return ("Look for a loop that never ends, a very large computation, or input() waiting for typing. "
                "If your code is quick, the machine may have been very busy: check again.")
    if f.out_of_memory:
        return "Look for tensors or lists that keep growing; keep only what you need."
    if f.keeper_lost:
        return "Don't stop, kill or signal other processes from your exercise code; then check again."
    return "Don't call sys.exit(), os._exit() or kill the process in your exercise code."
