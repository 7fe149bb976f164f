"""Every exercise of the course validated through the portable backend (issue 24), each file graded in
a worker spawned for it (`grader.isolation.portable`), with validate's own judgement: the reference
passes every check (twice alike), the untouched stub fails every check as not implemented, every
correct style passes, and every known mistake fails with its own hint, on the trusted side and graded
as a learner's file. That is a worker each, importing torch: about 400 jobs, the suite's longest
module (`python scripts/validate_portable.py` runs the same and prints its figures). The reference's
other grading paths (cold check, grade, notebook) are validated on Linux's backend
(test_course_content.py); `validate` on the command line runs every path on this backend too (the last
test).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSE, cli, copy_course

from grader.isolation import backend

EXERCISES = [ex.id for ex in COURSE.exercises]


@pytest.fixture(scope="module")
def validated(request):
    """`validate` (the warm path only) of the exercises whose test was selected, on a portable pool, and
    the number of jobs that pool ran: (problems per exercise, jobs)."""
    from grader.authoring.validate import validate_exercises
    from grader.isolation.portable import PortablePool

    chosen = {item.callspec.params["ex_id"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_validate_finds_the_exercise_sound_on_the_portable_backend"}
    exercises = [ex for ex in COURSE.exercises if ex.id in chosen]
    with PortablePool(2) as pool:
        found = validate_exercises(COURSE, exercises, pool, every_path=False)
    return found, pool.jobs


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", EXERCISES)
def test_validate_finds_the_exercise_sound_on_the_portable_backend(ex_id: str, validated):
    problems, jobs = validated
    assert problems[ex_id] == [], "\n".join(p.text() for p in problems[ex_id])  # no warning either
    graded = sum(3 + len(ex.styles) + len(ex.mistakes) for ex in COURSE.exercises if ex.id in problems)
    assert jobs >= graded  # each file in a worker of its own: the reference twice, the stub, each style and mistake


@pytest.mark.slow
def test_validate_on_the_portable_backend_grades_the_grade_path_as_the_courses_own_files(tmp_path: Path, monkeypatch):
    """`PYTORCH_TUTOR_BACKEND=portable pytorch-tutor validate 01` grades the reference along every path, `grade`
    included (which refuses a class's files without a file-system wall, and here grades the course's own, as
    --unsafe-no-sandbox would), and says so. 01 is cut to the bar's least mistakes and styles (the rest are
    validated above)."""
    from grader.authoring.bar import MIN_MISTAKES, MIN_STYLES

    course = copy_course(tmp_path)
    folder = course / "reference" / "01_tensors"
    for kind, keep in (("mistakes", MIN_MISTAKES), ("styles", MIN_STYLES)):
        for extra in sorted((folder / kind).glob("*.py"))[keep:]:
            extra.unlink()
    monkeypatch.setenv(backend.ENV, "portable")
    result = cli(course, "validate", "01")
    assert result.exit_code == 0, result.output
    assert "✓ 01_tensors: sound" in result.output
    assert "warm pool; cold check; grade (no file-system wall on this backend" in result.output.replace("\n", " "), result.output
