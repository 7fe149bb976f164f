"""What "where your values first differ" adds to a cold `check` (issue 27: at most 20% on a failing
check, nothing on a passing one).

    python scripts/trace_bench.py [--runs 5] [EXERCISE/MISTAKE ...]

For each known mistake named (default: a few, across the course), a fresh process runs
`pytorch-tutor check NN --file MISTAKE` on the reference with the mistake on top, once as it is and
once with the pointer switched off (`grader.judging.where.point` replaced by a no-op in that process),
alternately, and prints the medians, their difference, and the share of each run (with it on) that
`where.point` took, timed inside that process (robust to a busy machine, where the difference of
medians is mostly noise). The reference itself (a passing check) is timed the same way: there the
pointer never runs (its share is 0).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT = ["08/dim_ignored", "08/double_softmax", "13/kernel_flattened_wrong_order", "19/no_scaling",
           "12/eps_outside_sqrt", "03/no_relu"]
RUN = """
import atexit, sys, time
import grader.judging.where as where
if sys.argv[1] == "off":
    where.point = lambda *args, **kwargs: None
else:
    spent, point = [0.0], where.point
    def timed_point(*args, **kwargs):
        start = time.perf_counter()
        try:
            point(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
    where.point = timed_point
    atexit.register(lambda: sys.stderr.write(f"\\npointer-seconds {spent[0]}\\n"))
from cli import app
app(sys.argv[2:])
"""


def timed(mode: str, args: list[str], expect: int) -> tuple[float, float]:
    """(the command's wall time, the part of it spent finding the pointer, as the process measured it)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, mode, *args], cwd=ROOT, capture_output=True, text=True,
                          env={"NO_COLOR": "1", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        sys.exit(f"{args} exited {done.returncode}, expected {expect}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    spent = [float(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("pointer-seconds ")]
    return elapsed, (spent[-1] if spent else 0.0)


def row(label: str, args: list[str], expect: int, runs: int) -> None:
    """Medians with the pointer on and off (alternately), and the pointer's own share of each run with it on:
    on a loaded machine the difference of medians is noise; the share is measured inside one run."""
    on, off, share = [], [], []
    for _ in range(runs):
        total, spent = timed("on", args, expect)
        on.append(total)
        share.append(spent / total)
        off.append(timed("off", args, expect)[0])
    a, b = statistics.median(on), statistics.median(off)
    print(f"{label:44} {b:8.2f} {a:8.2f} {100 * (a - b) / b:+7.1f}% {100 * statistics.median(share):7.1f}%", flush=True)


def main() -> None:
    from grader.authoring.pointers import compose
    from grader.course import find_course

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("mistakes", nargs="*", default=DEFAULT)
    options = parser.parse_args()
    course = find_course(None, ROOT)
    print(f"{'cold check (median of ' + str(options.runs) + ')':44} {'off s':>8} {'on s':>8} {'added':>8} {'pointer':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in options.mistakes:
            number, stem = name.split("/")
            ex = course.resolve(number)
            file = Path(tmp) / f"{ex.id}_{stem}.py"
            file.write_text(compose(ex, ex.folder / "mistakes" / f"{stem}.py"), encoding="utf-8")
            row(f"{number} {stem} (fails)", ["--course", str(ROOT), "check", number, "--file", str(file)], 1, options.runs)
        for number in sorted({n.split("/")[0] for n in options.mistakes}):
            ex = course.resolve(number)
            file = Path(tmp) / f"{ex.id}_reference.py"
            file.write_text(ex.solution.read_text(encoding="utf-8"), encoding="utf-8")
            row(f"{number} reference (passes)", ["--course", str(ROOT), "check", number, "--file", str(file)], 0,
                options.runs)


if __name__ == "__main__":
    main()
