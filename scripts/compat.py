"""Prove the course on (Python, torch) pairs, each in a fresh virtual environment, as a learner would.

    python scripts/compat.py                          # the pairs of README's "Tested versions"
    python scripts/compat.py 3.12:2.15.0 3.11:2.6.0   # these pairs only
    python scripts/compat.py --cache DIR --venvs DIR  # where wheels and environments go

For each pair: a virtual environment (reused when it already has that torch) with torch from
the package index (PyPI's Linux wheels come with their CUDA libraries, several GB: they are
downloaded once into the cache, default ~/.cache/pytorch-tutor-compat, and installed from it),
then this checkout (`pip install -e .[test]`; tests/test_packaging.py tests the wheel). In it: `pytorch-tutor doctor`; every untouched stub
(`check --all` on a fresh `init` course: each must fail); `validate` on the whole course; the
stand-ins' tests (`tests/test_lazy*.py`, forced on with PYTORCH_TUTOR_STANDINS=1, so they say
whether this torch may take the fast path); and `scripts/notebook_bench.py`: a notebook's warm
re-check of 03, a cold `check 03`, both against `import torch` in the same environment.
Prints a markdown table (README's "Tested versions" holds the last one). Needs each pair's Python
(`python3.X` on PATH, or a pyenv version). A pip constraints file that caps torch must be lifted
for the run (e.g. PIP_CONSTRAINT=/dev/null).
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ("3.13:2.11.0", "3.11:2.13.0", "3.12:2.15.0", "3.11:2.6.0")  # floor and Colab's, CI's, newest on PyPI, below the floor
STANDIN_TESTS = ["tests/test_lazydynamo.py", "tests/test_lazyshapes.py", "tests/test_lazysympy.py"]


def say(message: str) -> None:
    print(f"[compat {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run(argv: list, timeout: float = 3600, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, **kwargs)


def interpreter(version: str) -> str:
    pyenv = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    found = (pyenv or [None])[-1] or shutil.which(f"python{version}")  # a pyenv shim may not run it
    if not found:
        sys.exit(f"no Python {version} here (python{version} on PATH, or a pyenv version)")
    return found


def environment(python: str, torch: str, venvs: Path, cache: Path) -> Path:
    """The venv's python, with torch `torch` (from the cache, downloaded into it first if missing) and this project."""
    venv = venvs / f"py{python}-torch{torch}"
    py = venv / "bin" / "python"
    if not py.exists():
        run([interpreter(python), "-m", "venv", venv]).check_returncode()
    have = run([py, "-c", "import importlib.metadata as m; print(m.version('torch'))"]).stdout.strip()
    if have.split("+")[0] != torch:
        cached = sorted(cache.glob(f"torch-{torch}-*cp{python.replace('.', '')}*.whl"))
        say(f"torch {torch} for Python {python}: " + (f"in the wheel cache {cache}" if cached else
            f"downloading into the wheel cache {cache} (PyPI's Linux wheels bring their CUDA libraries: several GB, once)"))
        pip(py, "download", f"torch=={torch}", "-d", cache)
        pip(py, "install", "--find-links", cache, f"torch=={torch}")
    say(f"installing this project into {venv}")
    pip(py, "install", "--find-links", cache, "-e", f"{ROOT}[test]")  # editable: this checkout, as it is now
    return py


def pip(py: Path, *args) -> None:
    done = run([py, "-m", "pip", "--disable-pip-version-check", *args])
    if done.returncode:
        sys.exit(f"pip {' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}")


def stubs_failing(cli: Path, course: Path) -> tuple[int, int]:
    """(stubs that fail, stubs) from `check --all --json` on a fresh course."""
    done = run([cli, "--course", course, "check", "--all", "--json"], env=_env())
    results = json.loads(done.stdout[done.stdout.index("["):])
    return sum(not r["passed"] for r in results), len(results)


def validated(cli: Path, course: Path) -> tuple[int, int, list[str]]:
    """(sound exercises, exercises, the first problem of each unsound one) from `validate`."""
    out = run([cli, "--course", course, "validate"], timeout=7200, env=_env()).stdout
    sound = re.findall(r"^✓ (\S+): sound", out, re.M)
    broken = re.findall(r"^✗ (\S+): .*\n\s*- (.*)", out, re.M)
    return len(sound), len(sound) + len(broken), [f"{ex}: {problem[:160]}" for ex, problem in broken]


def standins_pass(py: Path) -> bool:
    done = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", *STANDIN_TESTS], cwd=ROOT,
               env=_env(PYTHONPATH=str(ROOT), PYTORCH_TUTOR_STANDINS="1"))
    if done.returncode:
        say(f"stand-in tests failed:\n{done.stdout[-3000:]}")
    return done.returncode == 0


def notebook_figures(py: Path) -> dict:
    done = run([py, ROOT / "scripts" / "notebook_bench.py", "--warm", "5", "--runs", "3", "--json"], cwd=ROOT, env=_env())
    if done.returncode:
        say(f"notebook bench failed:\n{done.stdout[-3000:]}")
        return {}
    return json.loads(done.stdout[done.stdout.index("{"):])


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTORCH_TUTOR_COURSE", "VIRTUAL_ENV")}
    return dict(env, NO_COLOR="1", **extra)


def one_pair(pair: str, venvs: Path, cache: Path) -> dict:
    python, torch = pair.split(":")
    py = environment(python, torch, venvs, cache)
    cli = py.parent / "pytorch-tutor"
    row = {"python": run([py, "-c", "import platform; print(platform.python_version())"]).stdout.strip(),
           "torch": run([py, "-c", "import torch; print(torch.__version__)"]).stdout.strip()}
    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-compat-") as tmp:
        course = Path(tmp) / "course"
        run([cli, "init", course]).check_returncode()
        row["doctor"] = run([cli, "doctor"], cwd=course, env=_env()).returncode == 0
        say(f"{pair}: the stubs")
        row["stubs"] = stubs_failing(cli, course)
        say(f"{pair}: validate (every exercise)")
        row["sound"] = validated(cli, course)
    say(f"{pair}: the stand-ins' tests and the notebook bench")
    row["standins"] = standins_pass(py)
    row["bench"] = notebook_figures(py)
    say(f"{pair}: {json.dumps(row)}")
    return row


def table(rows: list[dict]) -> str:
    lines = ["| Python | torch | doctor | stubs fail | exercises sound | stand-ins | warm notebook check | cold check 03 / import torch | what broke |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        b = r["bench"]
        warm = f"{b['warm']:.2f} s" if b else "–"
        cold = f"{b['cold'] / b['import_torch']:.2f}× ({b['cold']:.2f} s / {b['import_torch']:.2f} s)" if b else "–"
        lines.append(f"| {r['python']} | {r['torch']} | {'ok' if r['doctor'] else 'failed'} | {r['stubs'][0]}/{r['stubs'][1]} "
                     f"| {r['sound'][0]}/{r['sound'][1]} | {'on' if r['standins'] else 'off (tests fail)'} | {warm} | {cold} "
                     f"| {'; '.join(r['sound'][2]) or '–'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", nargs="*", default=list(PAIRS), help="PYTHON:TORCH, e.g. 3.12:2.15.0")
    parser.add_argument("--cache", type=Path, default=Path("~/.cache/pytorch-tutor-compat").expanduser())
    parser.add_argument("--venvs", type=Path, default=Path(tempfile.gettempdir()) / "pytorch-tutor-compat-venvs")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--rows", type=Path, nargs="+", help="run nothing: the table of rows written by earlier --json runs")
    args = parser.parse_args()
    if args.rows:
        print(table([row for path in args.rows for row in json.loads(path.read_text())]))
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    args.venvs.mkdir(parents=True, exist_ok=True)
    rows = []
    for pair in args.pairs:
        rows.append(one_pair(pair, args.venvs, args.cache))
        if args.json:  # after each pair: a long run stopped half-way keeps what it proved
            args.json.write_text(json.dumps(rows, indent=1))
    print(f"Run on {datetime.date.today()} by `python scripts/compat.py {' '.join(args.pairs)}` (Linux, x86_64, CPU):\n")
    print(table(rows))


if __name__ == "__main__":
    main()
