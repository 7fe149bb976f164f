"""Benchmark the learner's wait, as ratios to `python -c "import torch"` measured in the same run.

    python scripts/bench.py            # median of 5 runs each
    python scripts/bench.py --runs 9
    python scripts/bench.py --checks 03,14,16   # only these cold checks
    python scripts/bench.py --server   # only warm (through the grading server) and cold check 03 and 19
    python scripts/bench.py --backends linux,portable   # cold check 03 and watch, per backend, in one run

Each command runs in a fresh process on a temporary copy of the course (so your
progress is untouched), exactly as a learner would type it. Prints seconds and
the ratio to the import-torch baseline, timed alternately with each command (so a
busier machine weighs on both alike); the targets are the ones in the issues. For an
exercise with a course.toml `preload` it also times `import torch` plus those modules, the
floor that exercise's cold check cannot go below, and the check's ratio to that floor.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import threading
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(argv: list[str], env: dict, expect: int | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if expect is not None and done.returncode != expect:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}, expected {expect}:\n{done.stdout[-2000:]}")
    return elapsed


def median_of(runs: int, argv: list[str], env: dict, expect: int | None = None) -> float:
    return statistics.median(timed(argv, env, expect) for _ in range(runs))


def paired(runs: int, argv: list[str], env: dict, expect: int | None, preload: tuple[str, ...] = ()) -> tuple[float, ...]:
    """Medians of `argv` and of `python -c "import torch"` (and, for an exercise with a `preload`, of
    `import torch` plus those modules: the floor its check cannot go below), run alternately, so that
    a machine growing busier during the bench affects a row and its baselines alike."""
    baselines = ["import torch"] + ([f"import torch, {', '.join(preload)}"] if preload else [])
    times: list[list[float]] = [[] for _ in range(1 + len(baselines))]
    for _ in range(runs):
        times[0].append(timed(argv, env, expect))
        for i, code in enumerate(baselines, 1):
            times[i].append(timed([sys.executable, "-c", code], env))
    return tuple(statistics.median(t) for t in times)


def scenarios(course: Path, only: set[str] | None = None) -> list[tuple[str, list[str], int, float | None, tuple]]:
    """(label, argv, expected exit code, target ratio to import torch, the exercise's course.toml
    `preload` for a cold check of a passing file). `only`: just the cold checks of these numbers."""
    sys.path.insert(0, str(ROOT))
    from grader.course import load_course

    cli = [sys.executable, "-m", "cli", "--course", str(course)]
    ref = lambda name: str(course / "solved" / name / "solution.py")  # noqa: E731  (check --file refuses reference/ itself)
    passing = [
        (f"pytorch-tutor check {ex.id[:2]} (passing file)", [*cli, "check", ex.id[:2], "--file", ref(ex.id)], 0, 1.5,
         ex.preload)
        for ex in sorted(load_course(course).exercises, key=lambda ex: ex.id) if only is None or ex.id[:2] in only
    ]
    if only is not None:
        return passing
    return [
        *passing,
        ("pytorch-tutor check 03 (untouched stub)", [*cli, "check", "03"], 1, None, ()),
        (f"pytorch-tutor check --all ({len(passing)} stubs)", [*cli, "check", "--all"], 1, None, ()),
        ("pytorch-tutor list", [*cli, "list"], 0, 0.25, ()),
        ("pytorch-tutor hint 03", [*cli, "hint", "03"], 0, 0.25, ()),
    ]


def all_compute(course: Path, env: dict) -> float:
    """Seconds the learner's processes of `check --all` ran, summed (each forked warm, so no imports)."""
    done = subprocess.run([sys.executable, "-m", "cli", "--course", str(course), "check", "--all", "--json"],
                          env=env, capture_output=True, text=True)
    return sum(r["elapsed"] for r in json.loads(done.stdout))


def watch_latency(course: Path, env: dict, saves: int, pause: float = 0.3) -> list[float]:
    """Seconds from saving a passing 03 to its verdict on screen, in `pytorch-tutor watch`."""
    sys.path.insert(0, str(ROOT))
    from grader.progress import Progress

    shutil.rmtree(course / ".pytorch-tutor", ignore_errors=True)
    progress = Progress(course / ".pytorch-tutor")
    for ex in sorted(p.stem for p in (course / "exercises").glob("[0-9][0-9]_*.py")):
        if ex != "03_nn_module":
            progress.record_check(ex, passed=True)  # so watch opens on 03 and stays there
    stub, solution = course / "exercises" / "03_nn_module.py", (course / "reference" / "03_nn_module" / "solution.py").read_text()
    shutil.copy(ROOT / "exercises" / "03_nn_module.py", stub)  # untouched again (an earlier watch run solved it)
    proc = subprocess.Popen([sys.executable, "-m", "cli", "--course", str(course), "watch"], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    _wait_for(lines, "Not started: nn.Module", 300)
    latencies = []
    for i in range(saves):
        time.sleep(pause)
        start = time.perf_counter()
        stub.write_text(solution + f"\n# save {i}\n")
        _wait_for(lines, "Passed: nn.Module", 60)
        latencies.append(time.perf_counter() - start)
    proc.stdin.write("q")
    proc.stdin.flush()
    proc.wait(timeout=30)
    return latencies


def grade_throughput(course: Path, env: dict, students: int) -> tuple[float, int]:
    """Seconds for `pytorch-tutor grade` over `students` x every exercise (a mix of right and wrong files)."""
    subs = course.parent / "class"
    exercises = sorted(p.stem for p in (course / "exercises").glob("[0-9]*.py"))
    for i in range(students):
        folder = subs / f"student{i:03d}"
        folder.mkdir(parents=True)
        for ex in exercises:
            source = course / "solved" / ex / "solution.py" if i % 3 else course / "exercises" / f"{ex}.py"
            (folder / f"{ex}.py").write_text(source.read_text() + f"\n# student {i}\n")
    argv = [sys.executable, "-m", "cli", "--course", str(course), "grade", str(subs), "--out", str(course.parent / "book"), "--force"]
    return timed(argv, env, 0), students * len(exercises)


def boundary_cost(course: Path, env: dict, runs: int) -> tuple[float, float]:
    """Median seconds of a passing cold `check 03` with the OS boundary and without it
    (PYTORCH_TUTOR_UNSAFE_NO_BOUNDARY=1), the two runs alternating so load affects both alike."""
    argv = [sys.executable, "-m", "cli", "--course", str(course), "check", "03", "--file",
            str(course / "solved" / "03_nn_module" / "solution.py")]
    plain = {**env, "PYTORCH_TUTOR_UNSAFE_NO_BOUNDARY": "1"}
    with_it, without = [], []
    for _ in range(runs):
        with_it.append(timed(argv, env, 0))
        without.append(timed(argv, plain, 0))
    return statistics.median(with_it), statistics.median(without)


def server_rows(course: Path, env: dict, runs: int) -> None:
    """Warm `check NN` (answered by the course's grading server) and cold (`--no-server`), for 03 and 19,
    each timed alternately with `import torch`; the targets are issue 25's (warm <= 0.1x, cold <= 1.3x)."""
    folder = Path(tempfile.mkdtemp(prefix="srv"))  # short: a socket's path holds about 100 bytes
    warm_env = {k: v for k, v in env.items() if k != "PYTORCH_TUTOR_NO_SERVER"} | {"PYTORCH_TUTOR_SERVER_DIR": str(folder)}
    cli = [sys.executable, "-m", "cli", "--course", str(course)]
    server = subprocess.Popen([sys.executable, "-m", "grader.service.server", str(course)], env=warm_env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while subprocess.run([*cli, "server", "status"], env=warm_env, capture_output=True).returncode != 0:
            time.sleep(0.5)
        for number in ("03", "19"):
            name = next(p.name for p in (course / "solved").iterdir() if p.name.startswith(number))
            argv = [*cli, "check", number, "--file", str(course / "solved" / name / "solution.py")]
            timed(argv, warm_env, 0)  # the server computes this exercise's reference outcomes once
            for label, extra, use, target in (("warm", [], warm_env, 0.1), ("cold", ["--no-server"], env, 1.3)):
                seconds, local = paired(runs, argv + extra, use, 0)
                mark = "ok" if seconds / local <= target else "OVER"
                print(f"{f'pytorch-tutor check {number} ({label})':42} {seconds:6.2f} s  {seconds / local:5.2f}x  "
                      f"target <= {target:.2f}x {mark}  (import torch {local:.2f} s in the same runs)")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def compare_backends(course: Path, env: dict, runs: int, backends: list[str]) -> None:
    """A passing cold `check 03` and watch's save -> verdict, per backend (PYTORCH_TUTOR_BACKEND), as ratios
    to `import torch`, all in one run: the cold checks alternate with each other and the baseline. On the
    portable backend every check runs in a freshly spawned worker, and the spare for the next one is spawned
    when a check ends: watch's saves are spaced by twice `import torch`, the pace at which a spare is warm
    on this machine (a person saving by hand is slower still)."""
    argv = [sys.executable, "-m", "cli", "--course", str(course), "check", "03", "--file",
            str(course / "solved" / "03_nn_module" / "solution.py")]
    times: dict[str, list[float]] = {name: [] for name in [*backends, "import torch"]}
    for _ in range(runs):
        for name in backends:
            times[name].append(timed(argv, {**env, "PYTORCH_TUTOR_BACKEND": name}, 0))
        times["import torch"].append(timed([sys.executable, "-c", "import torch"], env))
    base = statistics.median(times["import torch"])
    print(f"python -c 'import torch'   {base:6.2f} s   (baseline, median of {runs}, alternating with the rows below)")
    for name in backends:
        cold = statistics.median(times[name])
        print(f"{f'check 03 cold, {name} backend':42} {cold:6.2f} s  {cold / base:5.2f}x  target <= 1.30x")
    for name in backends:
        pause = 0.3 if name == "linux" else 2 * base
        warm = statistics.median(watch_latency(course, {**env, "PYTORCH_TUTOR_BACKEND": name}, 6, pause))
        print(f"{f'watch save -> verdict, {name} backend':42} {warm:6.2f} s  {warm / base:5.2f}x  target <= 0.30 s "
              f"(saves {pause:.1f} s apart, median of 6)")


def _wait_for(lines: queue.Queue, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in lines.get(timeout=max(deadline - time.monotonic(), 0.01)):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per command; the median is reported")
    parser.add_argument("--students", type=int, default=50, help="class size for the grade throughput figure")
    parser.add_argument("--checks", help="only the cold-check rows of these exercises (e.g. 03,14,16), and nothing else")
    parser.add_argument("--server", action="store_true", help="only the warm and cold check 03 and 19 rows")
    parser.add_argument("--backends", help="only cold check 03 and watch, on each of these backends (linux,portable)")
    args = parser.parse_args()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "PYTORCH_TUTOR_NO_SERVER": "1"}  # cold unless said
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        for name in ("exercises", "reference"):
            shutil.copytree(ROOT / name, course / name)
        shutil.copytree(ROOT / "reference", course / "solved")  # passing files outside reference/
        if args.server:
            return server_rows(course, env, args.runs)
        if args.backends:
            return compare_backends(course, env, args.runs, args.backends.split(","))
        base = median_of(args.runs, [sys.executable, "-c", "import torch"], env)
        print(f"python -c 'import torch'   {base:6.2f} s   (baseline, median of {args.runs})")
        for label, argv, code, target, preload in scenarios(course, set(args.checks.split(",")) if args.checks else None):
            seconds, local, *floor = paired(args.runs, argv, env, code, preload)
            goal = f"target <= {target:.2f}x" if target else ""
            mark = "" if not target else ("ok" if seconds / local <= target else "OVER")
            more = (f"; import torch + its preload {floor[0]:.2f} s = {floor[0] / local:.2f}x, the check "
                    f"{seconds / floor[0]:.2f}x that" if floor else "")
            print(f"{label:42} {seconds:6.2f} s  {seconds / local:5.2f}x  {goal} {mark}  (import torch {local:.2f} s "
                  f"in the same runs{more})")
        if args.checks:
            return
        server_rows(course, env, args.runs)
        walled, bare = boundary_cost(course, env, max(args.runs, 7))
        print(f"{'check 03 with the OS boundary / without':42} {walled:6.2f} s / {bare:.2f} s  {walled / base:.2f}x / "
              f"{bare / base:.2f}x  the boundary adds {walled - bare:+.3f} s (target < 0.05 s)")
        compute = all_compute(course, env)
        label = "  (import + the checks' own time, summed)"
        print(f"{label:42} {base + compute:6.2f} s  {(base + compute) / base:5.2f}x  "
              f"the target for check --all: about one import plus the checks' compute")
        ms = statistics.median(watch_latency(course, env, 10))
        print(f"{'watch: save 03 -> verdict (median of 10)':42} {ms:6.2f} s  {ms / base:5.2f}x  target <= 0.30 s {'ok' if ms <= 0.3 else 'OVER'}")
        seconds, items = grade_throughput(course, env, args.students)
        single = median_of(args.runs, [sys.executable, "-m", "cli", "--course", str(course), "check", "03", "--file",
                                       str(course / "solved" / "03_nn_module" / "solution.py")], env, 0)
        print(f"{f'grade {items} submission-exercises':42} {seconds:6.2f} s  {items / seconds:5.1f}/s  "
              f"{seconds / items:.3f} s each = {seconds / items / base:.2f}x import, {seconds / items / single:.2f}x one cold check")
    print(f"cpu count {os.cpu_count()}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
