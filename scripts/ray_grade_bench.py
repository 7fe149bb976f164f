"""Local `grade` against `grade --ray` on a local Ray cluster, for the same class, in the same run.

    python scripts/ray_grade_bench.py                 # 50 students x 01, 02, 03
    python scripts/ray_grade_bench.py --students 20 --exercises 01,02

The class mixes reference solutions, known mistakes and untouched stubs. Each command runs in a
fresh process on a temporary copy of the course, as an instructor would type it: the local grade
(--force), then --ray --force (its wall time includes starting the local cluster and its workers'
torch import), then a --ray regrade of the unchanged class (every file from the cache: no cluster is
started). Then, in this process, a cluster that stays up is graded on twice (--force each time):
the second run shows the throughput once the workers are warm, as on a cluster that grades every
week. Prints submissions per second for each, and whether the gradebooks are byte-identical.
Needs ray (`pip install "pytorch-tutor[ray]"`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_class(course: Path, folder: Path, students: int, exercises: list[str]) -> int:
    """One file per student and exercise: 1 in 3 the reference, 1 in 3 a known mistake, else the stub."""
    sys.path.insert(0, str(ROOT))
    from grader.judging.mistakes import composed_source

    count = 0
    for i in range(students):
        for ex in exercises:
            ref = course / "reference" / ex
            mistakes = sorted((ref / "mistakes").glob("[!_]*.py"))
            if i % 3 == 0:
                text = (ref / "solution.py").read_text()
            elif i % 3 == 1 and mistakes:
                text = composed_source(mistakes[i % len(mistakes)], ref / "solution.py")
            else:
                text = (course / "exercises" / f"{ex}.py").read_text()
            path = folder / f"student{i:03d}" / f"{ex}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + f"\n# student {i}\n")
            count += 1
    return count


def grade(course: Path, subs: Path, out: Path, env: dict, *extra: str) -> tuple[float, dict]:
    argv = [sys.executable, "-m", "cli", "--course", str(course), "grade", str(subs), "-o", str(out), "--json", *extra]
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds, json.loads(done.stdout)


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--exercises", default="01,02,03", help="exercise numbers, comma-separated")
    args = parser.parse_args()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        course, subs = Path(tmp) / "course", Path(tmp) / "class"
        for name in ("exercises", "reference"):
            shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
        wanted = {int(n) for n in args.exercises.split(",")}
        exercises = sorted(p.stem for p in (course / "exercises").glob("[0-9]*.py") if int(p.stem[:2]) in wanted)
        n = build_class(course, subs, args.students, exercises)
        print(f"class: {args.students} students x {len(exercises)} exercises = {n} submissions; {os.cpu_count()} CPUs")
        rows = [("grade (local, --force)", *grade(course, subs, Path(tmp) / "local", env, "-e", args.exercises, "--force")),
                ("grade --ray (new local cluster, --force)", *grade(course, subs, Path(tmp) / "ray", env, "-e", args.exercises, "--ray", "--force")),
                ("grade --ray regrade (unchanged class)", *grade(course, subs, Path(tmp) / "ray", env, "-e", args.exercises, "--ray"))]
        for label, seconds, summary in rows:
            print(f"{label:42} {seconds:6.2f} s  {n / seconds:5.2f} submissions/s  "
                  f"graded {summary['graded']}, from the cache {summary['cached']}")
        for label, seconds in warm_cluster(course, subs, Path(tmp) / "warm", args.exercises):
            rate = "" if "ray.init" in label else f"  {n / seconds:5.2f} submissions/s"
            print(f"{label:42} {seconds:6.2f} s{rate}")
        same = all(files_of(Path(tmp) / "local") == files_of(Path(tmp) / name) for name in ("ray", "warm"))
        print(f"gradebooks local vs --ray: {'byte-identical' if same else 'DIFFERENT'}")


def warm_cluster(course: Path, subs: Path, out: Path, exercises: str) -> list[tuple[str, float]]:
    """Seconds of two --force runs on one local cluster started here (the API the CLI calls)."""
    import ray

    from grader.classroom import bookfiles, grading, onray, plan
    from grader.course import find_course

    tutor = find_course(course)
    start = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    rows = [("  ray.init (a local cluster)", time.perf_counter() - start)]
    try:
        for label in ("  --ray on it, cold workers", "  --ray on it again, warm workers"):
            start = time.perf_counter()
            found = plan.plan(tutor, subs, out, exercises)
            run = grading.grade_class(tutor, found, force=True, runner=onray.runner(onray.RayOptions()))
            bookfiles.write_gradebook(found.out, tutor, found.exercises, run.book, run.cache_text, run.unsafe)
            rows.append((label, time.perf_counter() - start))
    finally:
        ray.shutdown()
    return rows


if __name__ == "__main__":
    main()
