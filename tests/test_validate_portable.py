"""Every exercise of the course validated through the portable backend (issue 24), each file graded in
a worker spawned for it (`grader.isolation.portable`), with validate's own judgement: the reference
passes every check (twice alike), the untouched stub fails every check as not implemented, every
correct style passes, and known mistakes fail with their own hints, on the trusted side and graded as
a learner's file. Each job is a worker importing torch (about 1.4 s of CPU), so the suite judges each
exercise's first MIN_MISTAKES mistakes by name (the least the bar asks of an exercise): all of them
would add some five minutes to the suite, a third of its budget. `python scripts/validate_portable.py`
runs them all and prints its figures (each stop's note reports them); every mistake is judged as a
learner's file on Linux's pool (test_course_content.py). The reference's other grading paths (cold
check, grade, notebook) are validated on Linux's backend there too; `validate` on the command line
runs every path on this backend (the last test).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSE, cli, copy_course

from grader.authoring.bar import MIN_MISTAKES
from grader.isolation import backend

EXERCISES = [ex.id for ex in COURSE.exercises]


def cut_to_the_bar(course: Path, exercise: str, mistakes: int, styles: int | None = None) -> None:
    """Keep the first `mistakes` known mistakes of `exercise` by name (and `styles` correct styles, unless None)."""
    folder = course / "reference" / exercise
    for kind, keep in (("mistakes", mistakes), ("styles", styles)):
        for extra in sorted((folder / kind).glob("*.py"))[keep:] if keep is not None else []:
            extra.unlink()


@pytest.fixture(scope="module")
def validated(request, tmp_path_factory):
    """`validate` (the warm path only) of the exercises whose test was selected, each cut to its first
    MIN_MISTAKES mistakes, on a portable pool: (problems per exercise, that course, the jobs the pool ran)."""
    from grader.authoring.validate import validate_exercises
    from grader.course import find_course
    from grader.isolation.portable import PortablePool

    chosen = {item.callspec.params["ex_id"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_validate_finds_the_exercise_sound_on_the_portable_backend"}
    root = copy_course(tmp_path_factory.mktemp("portable course"))
    for ex_id in chosen:
        cut_to_the_bar(root, ex_id, MIN_MISTAKES)
    course = find_course(root)
    exercises = [ex for ex in course.exercises if ex.id in chosen]
    with PortablePool(2) as pool:
        found = validate_exercises(course, exercises, pool, every_path=False)
    return found, course, pool.jobs


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", EXERCISES)
def test_validate_finds_the_exercise_sound_on_the_portable_backend(ex_id: str, validated):
    problems, course, jobs = validated
    assert problems[ex_id] == [], "\n".join(p.text() for p in problems[ex_id])  # no warning either
    assert len(course.resolve(ex_id).mistakes) == min(MIN_MISTAKES, len(COURSE.resolve(ex_id).mistakes))
    graded = sum(3 + len(ex.styles) + len(ex.mistakes) for ex in course.exercises if ex.id in problems)
    assert jobs >= graded  # each file in a worker of its own: the reference twice, the stub, each style and mistake


@pytest.mark.slow
def test_validate_on_the_portable_backend_grades_the_grade_path_as_the_courses_own_files(tmp_path: Path, monkeypatch):
    """`PYTORCH_TUTOR_BACKEND=portable pytorch-tutor validate 01` grades the reference along every path, `grade`
    included (which refuses a class's files without a file-system wall, and here grades the course's own, as
    --unsafe-no-sandbox would), and says so. 01 is cut to the bar's least mistakes and styles (its other
    styles are validated above, its other mistakes on Linux)."""
    from grader.authoring.bar import MIN_STYLES

    course = copy_course(tmp_path)
    cut_to_the_bar(course, "01_tensors", MIN_MISTAKES, MIN_STYLES)
    monkeypatch.setenv(backend.ENV, "portable")
    result = cli(course, "validate", "01")
    assert result.exit_code == 0, result.output
    assert "✓ 01_tensors: sound" in result.output
    assert "warm pool; cold check; grade (no file-system wall on this backend" in result.output.replace("\n", " "), result.output
