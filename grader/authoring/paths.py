"""Grade a file along every path a learner or instructor uses, to prove they agree.

- warm: a warm zygote of a pool (`check --all`, `watch`, the tests): validate's own first grading
  of the reference (`soundness.reference_problems`);
- cold: a fresh `pytorch-tutor check NN --file ... --json` process (a single check);
- grade: `pytorch-tutor grade` of a one-student class (on a backend with no file-system wall, which
  `grade` refuses for a class, run as `--unsafe-no-sandbox` runs it: the files graded are the course's
  own references, which validate already runs in its own process);
- notebook: the file written as a notebook and graded as `.ipynb`.

Each path gives, per exercise, a list of (check name, passed, message). `names()` says which paths a
validate grades along here, and how.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.course import Course, Exercise

Verdicts = list[tuple[str, bool, str]]
OWN_FILES = "no file-system wall on this backend: the course's own files, as with --unsafe-no-sandbox"


def names(every_path: bool = True) -> list[str]:
    """The paths a validate grades the reference along, as its report names them."""
    if not every_path:
        return ["warm pool"]
    return ["warm pool", "cold check", "grade" + ("" if _has_wall() else f" ({OWN_FILES})"), "notebook"]


def _has_wall() -> bool:
    from grader.isolation import backend

    return backend.file_system_wall(backend.detect()) is not None


def cold(course: Course, pairs: list[tuple[Exercise, Path]]) -> dict[str, Verdicts]:
    """Each (exercise, file) in a fresh command-line process, two at a time."""
    def one(pair):
        exercise, file = pair
        with tempfile.TemporaryDirectory(prefix="pytorch-tutor-validate-") as tmp:
            copy = Path(tmp) / f"{exercise.id}.py"
            shutil.copyfile(file, copy)  # --file refuses the reference itself
            command = [sys.executable, "-m", "cli", "--course", str(course.root), "check", exercise.id, "--file", str(copy), "--json"]
            done = subprocess.run(command, capture_output=True, text=True, cwd=_code_root(), env=_env(), timeout=600)
        if done.returncode not in (0, 1):
            return exercise.id, [("(the command)", False, done.stderr.strip()[-500:])]
        return exercise.id, [(c["name"], c["passed"], c["message"]) for c in json.loads(done.stdout)["checks"]]

    with ThreadPoolExecutor(2) as threads:
        return dict(threads.map(one, pairs))


def grade(course: Course, pairs: list[tuple[Exercise, Path]]) -> dict[str, Verdicts]:
    """One `grade` run over a class with a single student who handed in every file (where the backend has
    no file-system wall, as `--unsafe-no-sandbox` grades: the files are the course's own)."""
    from grader.classroom import grading, plan

    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-validate-") as tmp:
        student = Path(tmp) / "class" / "reference"
        student.mkdir(parents=True)
        for exercise, file in pairs:
            shutil.copyfile(file, student / f"{exercise.id}.py")
        found = plan.plan(course, student.parent, Path(tmp) / "gradebook", ",".join(e.id for e, _ in pairs))
        run = grading.grade_class(course, found, force=True, unsafe=not _has_wall())
    book = run.book["reference"]
    return {ex.id: [(c["name"], c["passed"], c["message"]) for c in book[ex.id]["checks"]] for ex, _ in pairs}


def notebook(course: Course, exercise: Exercise, file: Path, pool) -> Verdicts:
    """`file` as a notebook (one cell per definition, as `pytorch-tutor notebook` writes), graded as .ipynb."""
    from grader.engine import check_exercise
    from grader.notebooks.export import export_notebook

    with tempfile.TemporaryDirectory(prefix="pytorch-tutor-validate-") as tmp:
        target = export_notebook(exercise, Path(tmp) / f"{exercise.id}.ipynb", source=file)
        return verdicts(check_exercise(course, exercise, target, pool=pool).checks)


def verdicts(checks) -> Verdicts:
    return [(c.name, c.passed, c.message) for c in checks]


def _code_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _env() -> dict:
    env = dict(os.environ, NO_COLOR="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_code_root()), env.get("PYTHONPATH")]))
    return env
