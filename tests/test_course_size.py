"""Course size is data: the README's table is made from course.toml, and adding an exercise
with `pytorch-tutor new` leaves the tests that list, check and watch the whole course green."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COURSE, ROOT


def test_the_readme_course_table_is_the_one_made_from_course_toml():
    from grader.authoring.readme import with_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_table(readme, COURSE) == readme, "README's course table is stale: run `python scripts/course_table.py`"
    for ex in COURSE.exercises:
        assert f"| {ex.number:02d} | {ex.title} |" in readme


def test_the_course_table_lists_what_the_learner_writes_not_what_the_stub_gives(tmp_path: Path):
    from grader.authoring.readme import _targets

    stub = tmp_path / "stub.py"
    stub.write_text("class Given:\n    pass\n\ndef helper():\n    return 1\n\n"
                    "def write_me():\n    # TODO\n    raise NotImplementedError\n\n"
                    "class WriteMe:\n    def forward(self):\n        raise NotImplementedError('forward')\n")
    assert _targets(stub) == ["write_me", "WriteMe"]


# The tests that look at the whole course: listing it, checking all of it, watching it, validating it.
COURSE_WIDE = [
    "tests/test_cli.py::test_list_shows_status_and_overall_progress",
    "tests/test_cli.py::test_check_all_grades_every_exercise_in_one_table",
    "tests/test_cli.py::test_init_creates_a_course_folder_with_stubs_and_refuses_to_overwrite",
    "tests/test_course_size.py::test_the_readme_course_table_is_the_one_made_from_course_toml",
    "tests/test_course_content.py",
]


@pytest.mark.slow
def test_a_new_exercise_leaves_the_course_wide_tests_green(tmp_path: Path):
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("cli.py", "README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    for name in ("grader", "reference", "exercises", "tests", "scripts"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    env = dict(os.environ, PYTHONPATH=str(copy), NO_COLOR="1")
    env.pop("PYTORCH_TUTOR_COURSE", None)
    env.pop("PYTEST_ADDOPTS", None)  # the inner run's output is read: options given to the outer one (--durations) stay out
    made = subprocess.run([sys.executable, "-m", "cli", "--course", str(copy), "new", "99_scratch", "--title", "Scratch",
                           "--topic", "a scratch exercise"], cwd=copy, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "| 99 | Scratch |" in (copy / "README.md").read_text()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *COURSE_WIDE,
                          "-k", "not test_course_content or 99_scratch"],
                         cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "99_scratch" not in run.stdout.split("short test summary")[-1]
