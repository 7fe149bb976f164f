"""Time `check("03")` in a real notebook kernel, beside `python -c "import torch"` and a cold
`pytorch-tutor check 03`, all measured in this one run.

    python scripts/notebook_bench.py            # 10 warm checks, medians of 5 for the baselines
    python scripts/notebook_bench.py --warm 20 --runs 7
    python scripts/notebook_bench.py --json     # the medians as JSON (scripts/compat.py reads them)

The exported 03 notebook, filled in with the reference, is executed with nbclient in a
fresh ipykernel on a temporary copy of the course (your progress is untouched). A
timing cell then calls `check("03")` once (the first check of the kernel: it starts the
grading server, which imports torch) and `--warm` times more (each forks a fresh learner
process from the warm server). Two figures per check: seconds from the call to its
return inside the kernel (what the learner waits for), and the cell's round trip as
nbclient sees it. Prints seconds and ratios to the import-torch baseline.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIMED = 'import time as _t\n_s = _t.perf_counter()\n_r = check("03")\nprint("seconds:", _t.perf_counter() - _s, "passed:", _r.passed)'


def filled_notebook(course: Path):
    """The exported 03 notebook with each task cell holding the reference's definition."""
    import nbformat

    from grader.course import find_course
    from grader.notebooks.export import export_notebook
    from grader.submission.cells import DEFS

    ex = find_course(course).resolve("03")
    path = export_notebook(ex, course / "notebooks" / f"{ex.id}.ipynb")
    nb = nbformat.read(path, as_version=4)
    source = ex.solution.read_text()
    tree, lines = ast.parse(source), source.splitlines()
    tasks = {n.name: "\n".join(lines[n.lineno - 1 : n.end_lineno]) for n in tree.body if isinstance(n, DEFS)}
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[0].source = "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
    for cell in code[1:-1]:
        cell.source = tasks[ast.parse(cell.source).body[0].name]
    nb.cells[-1].source = "from grader import check\n" + TIMED
    return nb, path.parent


def in_kernel(nb, folder: Path, warm: int) -> tuple[float, list[float], float, list[float]]:
    """(first check, warm checks) as timed inside the kernel, then as nbclient's cell round trips."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}})
    inside, trips = [], []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells[:-1]):
            client.execute_cell(cell, index)
        for _ in range(warm + 1):
            start = time.perf_counter()
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
            trips.append(time.perf_counter() - start)
            said = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
            if "passed: True" not in said:
                sys.exit(f"the check did not pass:\n{json.dumps(nb.cells[-1].outputs, indent=1)[-3000:]}")
            inside.append(float(said.split("seconds:")[1].split()[0]))
    return inside[0], inside[1:], trips[0], trips[1:]


def median_seconds(argv: list[str], runs: int, env: dict, expect: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != expect:
            sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout[-2000:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm", type=int, default=10, help="warm checks to time after the first (default 10)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each baseline command (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (seconds)")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), NO_COLOR="1")
    env.pop("PYTORCH_TUTOR_COURSE", None)
    os.environ.update(PYTHONPATH=env["PYTHONPATH"])  # the kernel imports this checkout's grader
    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-nbbench-") as tmp:
        course = Path(tmp)
        for name in ("exercises", "reference"):
            shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
        solved = course / "solved.py"  # check --file refuses files in reference/
        shutil.copy(course / "reference" / "03_nn_module" / "solution.py", solved)
        torch = median_seconds([sys.executable, "-c", "import torch"], args.runs, env, 0)
        cold = median_seconds([sys.executable, "-m", "cli", "--course", str(course), "check", "03", "--file", str(solved)],
                              args.runs, {**env, "PYTORCH_TUTOR_NO_SERVER": "1"}, 0)  # cold: the first check would start a server that answers the rest
        first, warm, first_trip, warm_trips = in_kernel(*filled_notebook(course), args.warm)
    if args.json:
        print(json.dumps({"import_torch": torch, "cold": cold, "first": first, "warm": statistics.median(warm)}))
        return
    rows = [
        ('python -c "import torch"', torch, f"median of {args.runs}"),
        ("pytorch-tutor check 03, cold (a new command)", cold, f"median of {args.runs}"),
        ('check("03") in a kernel, first (starts the server)', first, f"cell round trip {first_trip:.2f} s"),
        (f'check("03") in a kernel, warm (median of {args.warm})', statistics.median(warm),
         f"cell round trip {statistics.median(warm_trips):.2f} s; range {min(warm):.2f} to {max(warm):.2f} s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  seconds  ratio to import torch")
    for label, seconds, note in rows:
        print(f"{label:<{width}}  {seconds:7.2f}  {seconds / torch:5.2f}x   ({note})")
    print("target: warm check within 0.3 s of the call")


if __name__ == "__main__":
    main()
