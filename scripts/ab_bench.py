"""A cold `check 03` (passing file) of another checkout beside this one, in the same runs.

    git archive af2a3dc | tar -x -C /tmp/before     # the tree to compare with
    python scripts/ab_bench.py /tmp/before --runs 7
    python scripts/ab_bench.py /tmp/before --backends linux

Each checkout grades its own copy of the course, in a fresh process, with no grading server
(PYTORCH_TUTOR_NO_SERVER=1), on each backend (PYTORCH_TUTOR_BACKEND); the commands alternate with
each other and with `python -c "import torch"`, so a machine growing busier weighs on all of them
alike. Each is run once, untimed, first (a checkout with a reference cache fills it then). Prints
each median and its ratio to `import torch`, and the load average seen during the runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(argv: list[str], env: dict, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout (its cli.py, grader/, exercises/, reference/)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="linux,portable")
    args = parser.parse_args()
    trees = {"other": args.other.resolve(), "this": ROOT}
    env = {**os.environ, "NO_COLOR": "1", "PYTORCH_TUTOR_NO_SERVER": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        commands = {}
        for label, tree in trees.items():
            course = Path(tmp) / label
            for name in ("exercises", "reference"):
                shutil.copytree(tree / name, course / name)
            shutil.copytree(tree / "reference", course / "solved")
            argv = [sys.executable, "-m", "cli", "--course", str(course), "check", "03", "--file",
                    str(course / "solved" / "03_nn_module" / "solution.py")]
            for backend in args.backends.split(","):
                commands[(backend, label)] = (argv, {**env, "PYTHONPATH": str(tree), "PYTORCH_TUTOR_BACKEND": backend}, tree)
        for argv, run_env, tree in commands.values():
            timed(argv, run_env, tree)
        times: dict = {key: [] for key in [*commands, "import torch"]}
        loads = []
        for _ in range(args.runs):
            loads.append(os.getloadavg()[0])
            times["import torch"].append(timed([sys.executable, "-c", "import torch"], env))
            for key, (argv, run_env, tree) in commands.items():
                times[key].append(timed(argv, run_env, tree))
    base = statistics.median(times.pop("import torch"))
    print(f"python -c 'import torch'  {base:.2f} s (median of {args.runs}); load average {min(loads):.1f} to {max(loads):.1f}")
    for (backend, label), seconds in times.items():
        median = statistics.median(seconds)
        print(f"check 03 cold, {backend:8} {label} ({trees[label]}) {median:.2f} s  {median / base:.2f}x")


if __name__ == "__main__":
    main()
