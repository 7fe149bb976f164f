"""Figures for the Gradescope autograder: one `run_autograder` over a whole-course submission (the
reference solutions), its wall time and its peak memory, against Gradescope's defaults (768 MB,
10 minutes).

    python scripts/autograder_bench.py [--format gradescope] [--runs 3] [--jobs 1]

Memory is sampled every 20 ms over the whole process tree of run_autograder (the grader, its warm
worker, every learner process): the peak of the summed proportional set size (PSS: a page shared by
n processes counts 1/n to each, so the sum is what the tree holds, as a container's memory limit
counts it) and of the summed resident set size (RSS: shared pages counted in every process, an
upper bound). The largest single process's RSS and the tree's CPU time (user + system, every
process waited for) are from getrusage: on Gradescope's half vCPU a run takes about twice its CPU time. Run as root to read the learner
processes' memory (they run as uids of their own).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.classroom.autograder.build import build  # noqa: E402
from grader.course import find_course  # noqa: E402

MB = 2**20


def tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return found


def memory(pids: list[int]) -> tuple[int, int]:
    """(summed PSS, summed RSS) in bytes."""
    pss = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith(("Pss:", "Rss:")):
                        kb = int(line.split()[1]) * 1024
                        pss, rss = (pss + kb, rss) if line.startswith("Pss:") else (pss, rss + kb)
        except OSError:
            continue
    return pss, rss


def one_run(zip_path: Path, fmt: str, files: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / ("autograder" if fmt == "gradescope" else "grade")
        source = root / "source"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(source)
        inbox = root / ("submission" if fmt == "gradescope" else "student")
        inbox.mkdir(parents=True)
        for name, text in files.items():
            (inbox / name).write_text(text)
        env = {**os.environ, "PYTORCH_TUTOR_PYTHON": sys.executable, "PYTHONPATH": str(ROOT),
               "PYTORCH_TUTOR_AUTOGRADER_ROOT": str(root), "PYTORCH_TUTOR_GRADE_ROOT": str(root),
               "PYTORCH_TUTOR_AUTOGRADER_SOURCE": str(source)}
        peak = [0, 0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.Popen(["bash", str(source / "run_autograder")], env=env, stdout=subprocess.DEVNULL)

        def watch() -> None:
            while proc.poll() is None:
                pss, rss = memory(tree(proc.pid))
                peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        proc.wait()
        wall = time.monotonic() - started
        watcher.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        data = json.loads((root / "results" / "results.json").read_text())
    score = data["score"]
    total = sum(t.get("max_score", t.get("max_points", 0)) for t in data["tests"])
    return {"wall_s": wall, "cpu_s": cpu, "pss": peak[0], "rss": peak[1], "score": score, "max": total,
            "reported_s": data.get("execution_time")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", default="gradescope", choices=("gradescope", "prairielearn"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    course = find_course(ROOT)
    files = {f"{ex.id}.py": ex.solution.read_text() for ex in course.exercises}
    with tempfile.TemporaryDirectory() as tmp:
        zip_path, _ = build(course, list(course.exercises), Path(tmp) / "autograder.zip", args.format, jobs=args.jobs)
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        torch_s = time.monotonic() - started
        runs = [one_run(zip_path, args.format, files) for _ in range(args.runs)]
    wall = statistics.median(r["wall_s"] for r in runs)
    print(f"{args.format} run_autograder, {len(files)} exercises (the reference solutions), jobs={args.jobs}, "
          f"{args.runs} runs, load average {os.getloadavg()[0]:.1f}")
    print(f"  python -c 'import torch': {torch_s:.2f} s")
    for n, r in enumerate(runs, 1):
        print(f"  run {n}: {r['wall_s']:.1f} s wall (results say {r['reported_s']} s), {r['cpu_s']:.1f} s CPU, score {r['score']} of {r['max']}, "
              f"peak PSS {r['pss'] / MB:.0f} MiB, peak RSS (sum) {r['rss'] / MB:.0f} MiB")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cpu = statistics.median(r["cpu_s"] for r in runs)
    print(f"  median CPU {cpu:.1f} s: on Gradescope's half vCPU about {2 * cpu:.0f} s of its 600 s")
    print(f"  median wall {wall:.1f} s here; peak PSS {max(r['pss'] for r in runs) / MB:.0f} MiB "
          f"of 768 MB ({max(r['pss'] for r in runs) / 768e6 * 100:.0f}%); largest single process {largest:.0f} MiB RSS")


if __name__ == "__main__":
    main()
