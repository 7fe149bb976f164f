"""Figures for the integrity issue: kill latency over the time limit, the grader's peak
memory while a submission floods stdout, and what the memory watch costs a normal check.

    python scripts/containment.py
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.course import find_course  # noqa: E402
from grader.engine import check_exercise  # noqa: E402
from grader.isolation.sandbox import Limits  # noqa: E402

COURSE = find_course(ROOT)
EX = COURSE.resolve("01")
REFERENCE = (ROOT / "reference" / "01_tensors" / "solution.py").read_text()


def grade(source: str, **limits) -> tuple[float, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "submission.py"
        path.write_text(source)
        start = time.monotonic()
        result = check_exercise(COURSE, EX, path, Limits(**{"timeout": 30, **limits}))
        return time.monotonic() - start, result


def main() -> None:
    grade(REFERENCE)  # warm the page cache and this process's imports
    overs = []
    for _ in range(3):
        _, result = grade(REFERENCE + "\nwhile True:\n    pass\n", timeout=2)
        overs.append(result.elapsed - 2)
    print(f"kill latency over a 2 s limit (worker start to all killed): median {statistics.median(overs):.2f} s")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds, result = grade(REFERENCE + "\nimport sys\nfor _ in range(300):\n    sys.stdout.write('x' * 10**6)\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"300 MB stdout flood: grader peak RSS {base:.0f} MiB before, {peak:.0f} MiB after; kept {len(result.output):,} chars; {seconds:.1f} s")
    normal = [grade(REFERENCE)[1].elapsed for _ in range(5)]
    print(f"normal check of 01, learner process time: median {statistics.median(normal):.2f} s "
          "(memory is read from /proc/PID/smaps_rollup of each process of the tree every 50 ms)")


if __name__ == "__main__":
    main()
