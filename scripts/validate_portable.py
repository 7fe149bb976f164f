"""Validate the course through the portable backend (a worker spawned for every job), and print figures.

    python scripts/validate_portable.py               # every exercise, the warm path (as the suite does)
    python scripts/validate_portable.py 03 19         # only these
    python scripts/validate_portable.py --pool 1      # one worker at a time (default: 2)
    python scripts/validate_portable.py --every-path  # also the cold check, grade and notebook paths

Prints each exercise's verdict and seconds, then the wall-clock time, the CPU time of this process
and of its children (the spawned workers, each importing torch), the number of jobs, and the load
average before and after (figures from a busy machine are not comparable). Exits 1 if an exercise is
unsound. `tests/test_validate_portable.py` runs the same validate in the suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercises", nargs="*")
    parser.add_argument("--pool", type=int, default=2, help="workers at a time (and spares warming)")
    parser.add_argument("--every-path", action="store_true")
    args = parser.parse_args()
    os.environ["PYTORCH_TUTOR_BACKEND"] = "portable"  # the cold check and grade paths' own pools, too
    from grader.authoring.validate import unsound, validate_exercises
    from grader.course import find_course
    from grader.isolation.portable import PortablePool

    course = find_course(ROOT)
    chosen = [course.resolve(e) for e in args.exercises] if args.exercises else list(course.exercises)
    load, start, (own0, children0) = os.getloadavg(), time.monotonic(), cpu()
    bad, jobs = 0, 0
    with PortablePool(args.pool) as pool:
        for ex in chosen:
            began = time.monotonic()
            problems = validate_exercises(course, [ex], pool, every_path=args.every_path)[ex.id]
            bad += bool(unsound(problems))
            print(f"{ex.id:24} {'unsound' if unsound(problems) else 'sound':8} {time.monotonic() - began:6.1f} s "
                  f"{pool.jobs - jobs:4} jobs", flush=True)
            for problem in problems:
                print(f"    - {problem.text()}")
            jobs = pool.jobs
    wall, (own1, children1) = time.monotonic() - start, cpu()
    print(f"\n{len(chosen)} exercises, {jobs} jobs (the warm pool's), pool of {args.pool}: wall {wall:.1f} s, "
          f"CPU {own1 - own0:.1f} s here + {children1 - children0:.1f} s in children "
          f"({(children1 - children0) / max(jobs, 1):.2f} s a job)")
    print(f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
