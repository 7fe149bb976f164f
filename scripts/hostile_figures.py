"""Figures for issue 22: the trusted process's peak resident memory while it reads the largest
results frame, notebook and stderr line the limits allow, and how a fork bomb ends.

    python scripts/hostile_figures.py [frame notebook stderr grade grade2 grade8 autograder bomb]   (all by default)

Each case runs `check 01` in a fresh process (the trusted one: it forks its own keeper) and
reports that process's own peak RSS (getrusage RUSAGE_SELF), beside a reference solution's.
`grade2` and `grade8` run `grade --jobs 2` / `--jobs 8` over a class of twice as many students who
all send the largest results frame; `autograder` runs Gradescope's runner on an upload of the
largest results frame and on one of the largest notebook (the runner's own peak RSS each time).
The fork bomb (6 forks a generation, 5 generations) reports its time to end and the load
average just before, right after and 5 s after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

REFERENCE = (ROOT / "reference" / "01_tensors" / "solution.py").read_text()


def largest_frame() -> str:
    """The largest results the limits let through validation: MAX_VALUES values in MAX_JSON bytes of JSON (lists
    of at most 10,000 strings), and a MAX_TENSORS blob of tensors that all of them are referred to."""
    return """import os, json, torch
from safetensors.torch import save
from grader.judging import channel
count = 15
blob = save({f"x{i}": torch.zeros((channel.MAX_TENSORS - 4096) // count // 4) for i in range(count)})
tensors = [{"kind": "tensor", "type": "Tensor", "dtype": "torch.float32", "device": "cpu", "requires_grad": False, "grad_fn": None,
            "shape": [(channel.MAX_TENSORS - 4096) // count // 4], "data": {"$tensor": f"x{i}"}} for i in range(count)]
strings = channel.MAX_VALUES - 500
text = "y" * ((channel.MAX_JSON - 8192) // strings - 3)
lists = [{"kind": "list", "items": [text] * 9_900, "len": 9_900} for _ in range(strings // 9_900)]
value = {"kind": "list", "items": tensors + lists, "len": count + len(lists)}
doc = json.dumps({"complete": True, "outcomes": {"tensor_from_list": [{"value": value}]}}, separators=(",", ":")).encode()
assert len(doc) <= channel.MAX_JSON, len(doc)
data = channel.frame(doc) + channel.frame(blob)
view = memoryview(data)
while view:
    view = view[os.write(3, view[:65536]):]
os._exit(0)
"""


def largest_notebook() -> str:
    from grader.submission.source import MAX_CELL, MAX_SOURCE

    cell = "x = [" + "1," * ((MAX_CELL - 8) // 2) + "]\n"
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": cell}
             for _ in range(MAX_SOURCE // MAX_CELL)]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


CASES = {  # name: (label, suffix, source, time limit)
    "frame": ("largest results frame (4 MiB of JSON, 100,000 values; 32 MiB of tensors, all referred to)", ".py", largest_frame, 60),
    "notebook": ("largest notebook (20 cells of 100,000 characters of list literal)", ".ipynb", largest_notebook, 120),
    "stderr": ("1 MB stderr line of File \" (timed out)", ".py", lambda: "import sys\nsys.stderr.write('File \"' * 170_000)\nwhile True:\n    pass\n", 3),
}

ONE = """
import json, resource, sys, time
from pathlib import Path
from grader import engine
from grader.course import find_course
from grader.isolation.sandbox import Limits
course = find_course(Path(sys.argv[1]))
start = time.monotonic()
result = engine.check_exercise(course, course.resolve("01"), Path(sys.argv[2]), Limits(timeout=float(sys.argv[3])))
print(json.dumps({"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "seconds": time.monotonic() - start,
                  "job_seconds": result.elapsed,
                  "status": result.status, "message": result.message[:160]}))
"""


def run_one(path: Path, timeout: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", ONE, str(ROOT), str(path), str(timeout)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600)
    if done.returncode != 0:
        return {"peak_mib": float("nan"), "seconds": 0, "status": "usage error", "message": done.stderr.strip()[-160:]}
    return json.loads(done.stdout.splitlines()[-1])


GRADE = """
import resource, sys
from cli import app
try:
    app(["grade", sys.argv[1], "-e", "01", "--timeout", "60", "--json", "-o", sys.argv[2], *sys.argv[3:]], standalone_mode=False)
finally:
    print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def grade_class(folder: Path) -> None:
    """`grade` of a class whose students send the three above at once, beside an honest one."""
    subs = folder / "class"
    subs.mkdir()
    for name, (_, suffix, make, _) in CASES.items():
        (subs / f"{name}__01_tensors{suffix}").write_text(make())
    (subs / "honest__01_tensors.py").write_text(REFERENCE)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", GRADE, str(subs), str(folder / "book")], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=900)
    peak = next((line.split()[1] for line in done.stdout.splitlines() if line.startswith("PEAK")), "?")
    book = json.loads((folder / "book" / "grades.json").read_text())["students"] if done.returncode == 0 else {}
    statuses = ", ".join(f"{k}: {v['exercises']['01_tensors']['status']}" for k, v in sorted(book.items()))
    print(f"grade of those three students and an honest one: trusted peak RSS {float(peak):.0f} MiB, "
          f"{time.monotonic() - start:.1f} s ({statuses or done.stderr[-200:]})", flush=True)


def grade_frames(folder: Path, jobs: int) -> None:
    """`grade --jobs N` of a class of 2 N students who all send the largest results frame: each worker's
    results arrive while the others' may still be held."""
    subs = folder / f"class{jobs}"
    subs.mkdir()
    for n in range(2 * jobs):
        (subs / f"frame{n:02d}__01_tensors.py").write_text(largest_frame())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", GRADE, str(subs), str(folder / f"book{jobs}"), "--jobs", str(jobs)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
    peak = next((line.split()[1] for line in done.stdout.splitlines() if line.startswith("PEAK")), "nan")
    book = json.loads((folder / f"book{jobs}" / "grades.json").read_text())["students"] if done.returncode == 0 else {}
    statuses = sorted({v["exercises"]["01_tensors"]["status"] for v in book.values()})
    print(f"grade --jobs {jobs} of {2 * jobs} students who all send the largest results frame: trusted peak RSS "
          f"{float(peak):.0f} MiB, {time.monotonic() - start:.1f} s (statuses: {', '.join(statuses) or done.stderr[-300:]})",
          flush=True)


AUTOGRADER = """
import resource, runpy, sys
sys.argv = ["runner", "--format", "gradescope"]
try:
    runpy.run_module("grader.classroom.autograder.runner", run_name="__main__")
except SystemExit:
    pass
print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def autograder(folder: Path) -> None:
    """Gradescope's run_autograder (its runner, in a container's layout) on an upload of the largest results
    frame (01, .py), and on one of the largest notebook (01, .ipynb)."""
    import zipfile

    from typer.testing import CliRunner

    from cli import app

    zip_path = folder / "gradescope.zip"
    built = CliRunner().invoke(app, ["autograder", "gradescope", "-e", "01", "-o", str(zip_path)],
                               env={"PYTORCH_TUTOR_COURSE": str(ROOT)})
    assert built.exit_code == 0, built.output
    for name, upload in (("largest results frame", ("01_tensors.py", largest_frame)),
                         ("largest notebook", ("01_tensors.ipynb", largest_notebook))):
        root = folder / f"ag-{upload[0]}"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(root / "source")
        (root / "submission").mkdir()
        (root / "submission" / upload[0]).write_text(upload[1]())
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTORCH_TUTOR_AUTOGRADER_ROOT": str(root),
               "PYTORCH_TUTOR_AUTOGRADER_SOURCE": str(root / "source")}
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-c", AUTOGRADER], capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=900)
        peak = next((line.split()[1] for line in done.stdout.splitlines() if line.startswith("PEAK")), "nan")
        tests = json.loads((root / "results" / "results.json").read_text()).get("tests", [])
        said = (tests[0]["output"] if tests else done.stderr[-200:]).replace("\n", " ")[:100]
        print(f"run_autograder (Gradescope) on the {name}: trusted peak RSS {float(peak):.0f} MiB, "
              f"{time.monotonic() - start:.1f} s ({said})", flush=True)


def fork_bomb(folder: Path) -> None:
    import hostile

    path = folder / "01_tensors.py"
    path.write_text(REFERENCE + "\n" + hostile.BOMB)
    before = os.getloadavg()[0]
    found = run_one(path, 10)
    right_after = os.getloadavg()[0]
    time.sleep(5)
    print(f"fork bomb (6 a generation, 5 generations; 10 s limit): the job ended {found.get('job_seconds', 0):.1f} s after it "
          f"started (the whole check, torch import included: {found['seconds']:.1f} s), {found['status']}: "
          f"{found['message'][:90]}")
    print(f"  1-minute load average: {before:.2f} before, {right_after:.2f} right after, {os.getloadavg()[0]:.2f} 5 s later "
          f"({os.cpu_count()} cores, shared with other work)")


def main() -> None:
    import tempfile

    wanted = sys.argv[1:] or [*CASES, "grade", "grade2", "grade8", "autograder", "bomb"]
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["baseline", *wanted]:
            label, suffix, make, timeout = CASES.get(name, ("reference solution (baseline)", ".py", lambda: REFERENCE, 30))
            if name in ("grade2", "grade8"):
                grade_frames(Path(tmp), int(name[5:]))
                continue
            if name == "autograder":
                autograder(Path(tmp))
                continue
            if name in ("bomb", "grade"):
                (fork_bomb if name == "bomb" else grade_class)(Path(tmp))
                continue
            path = Path(tmp) / f"01_tensors{suffix}"
            path.write_text(make())
            found = run_one(path, timeout)
            print(f"{label}: trusted peak RSS {found['peak_mib']:.0f} MiB, {found['seconds']:.1f} s, {found['status']}: "
                  f"{found['message'][:100]}", flush=True)


if __name__ == "__main__":
    main()
