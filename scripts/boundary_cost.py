"""What the OS boundary costs one job: fork + exit + wait of a plain child, against a child that
calls contain() with a trivial run, in a process that has imported torch (as a zygote has).

    python scripts/boundary_cost.py [ROUNDS]

Prints the median of each (ROUNDS pairs, run alternately; default 31, at least 15) and the
median of the differences, in wall-clock ms and in CPU ms (user + system, of the child and of
the processes it reaped: less sensitive to a busy machine), and what detect() costs here.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402,F401  (the size of the process that forks is the point)

from grader.isolation.boundary import Boundary, contain, detect  # noqa: E402


def plain_child() -> None:
    os._exit(0)


def contained_child(scratch: str) -> None:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 3)  # contain() expects the results pipe on fd 3
    contain(Boundary(scratch), lambda: None, lambda state, layers: None)


def timed(child, *args) -> tuple[float, float]:
    """(wall ms, CPU ms of the child and every process it reaped) of one fork + exit + wait."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            child(*args)
        finally:
            os._exit(1)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0, status
    return elapsed * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def main() -> None:
    rounds = max(15, int(sys.argv[1]) if len(sys.argv) > 1 else 31)
    start = time.perf_counter()
    layers = detect()
    detect_ms = (time.perf_counter() - start) * 1000
    scratch = tempfile.mkdtemp(prefix="pytorch-tutor-cost-")
    try:
        timed(plain_child), timed(contained_child, scratch)  # warm up
        pairs = [(timed(plain_child), timed(contained_child, scratch)) for _ in range(rounds)]  # interleaved:
    finally:  # the machine's load drifts, and each pair sees the same
        shutil.rmtree(scratch)
    print(f"layers in force: {', '.join(layers.in_force)}")
    print(f"detect(), once per process: {detect_ms:.1f} ms")
    for i, what in ((0, "wall"), (1, "CPU")):
        plain, contained = (statistics.median(run[i] for run in column) for column in zip(*pairs))
        added = statistics.median(b[i] - a[i] for a, b in pairs)
        print(f"{what}, median of {rounds}: plain fork+exit+wait {plain:.1f} ms; with contain() {contained:.1f} ms; "
              f"added per job {added:.1f} ms (median of the differences)")


if __name__ == "__main__":
    main()
