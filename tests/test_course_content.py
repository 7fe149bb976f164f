"""Every exercise of the course is sound, as `pytorch-tutor validate` proves it: the reference
passes along every grading path (warm pool, cold check, grade, notebook) with the same
verdicts, the stub fails, every correct-style file passes, and every known mistake fails
with its own hint, on the trusted side and as a learner's file.

Add files, not tests: `reference/<id>/styles/<style>.py` (a correct solution in another
style) and `reference/<id>/mistakes/<mistake>.py` (a wrong one, with its HINT).
"""

from __future__ import annotations

import pytest

from conftest import COURSE, grade, warm_pool

EXERCISES = [ex.id for ex in COURSE.exercises]


@pytest.fixture(scope="module")
def problems(request):
    """`validate`, every path, once for this module, of the exercises whose soundness test was selected
    (all of them, unless `-k` picked some)."""
    from grader.authoring.validate import validate_exercises

    chosen = {item.callspec.params["ex_id"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_validate_finds_the_exercise_sound"}
    exercises = [ex for ex in COURSE.exercises if ex.id in chosen]
    return validate_exercises(COURSE, exercises, warm_pool(), every_path=True)


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", EXERCISES)
def test_validate_finds_the_exercise_sound(ex_id, problems):
    assert problems[ex_id] == [], "\n".join(p.text() for p in problems[ex_id])  # no warning either


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_untouched_stub_fails_every_check_as_not_implemented(ex_id):
    result = grade(ex_id, COURSE.resolve(ex_id).stub)
    assert result.status == "failed"
    assert result.checks and not any(c.passed for c in result.checks)
    assert all(c.message.startswith("not implemented yet: ") for c in result.checks), [c.message for c in result.checks]


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_each_exercise_clears_the_bar_validate_checks(ex_id):
    """The repository's own bar is validate's, read without grading (grader.authoring.bar): a ladder per
    function, enough known mistakes and styles, a stub whose targets raise NotImplementedError and that
    states everything it forbids, an up-to-date README row, a hint= on every check."""
    from grader.authoring.validate import Problem
    from grader.authoring import bar, soundness
    from grader.judging.reference import load_reference

    exercise = COURSE.resolve(ex_id)
    checks, reference = load_reference(exercise)
    problem = lambda file, decl, msg: Problem(ex_id, str(file), decl, msg)  # noqa: E731
    found = soundness.static_problems(exercise, checks, reference, problem)
    found += bar.bar_problems(COURSE, exercise, checks, problem) + bar.warnings(exercise, checks, problem)
    assert found == [], "\n".join(p.text() for p in found)


@pytest.mark.slow
def test_validate_reports_a_broken_exercise(course_dir):
    """validate can fail: a reference that raises, a case made from the global RNG at import, a mistake
    without HINT and one that passes every check are each named."""
    from grader.authoring.validate import validate_exercise
    from grader.course import load_course

    folder = course_dir / "reference" / "01_tensors"
    checks = folder / "checks.py"
    checks.write_text(checks.read_text().replace("args=[(2, 3), (1, 1), (0, 4)]", "args=[(2, 3), tuple(torch.randint(1, 4, (2,)).tolist())]"))
    (folder / "mistakes" / "no_hint.py").write_text("def add_row_bias(matrix, bias):\n    return bias + matrix\n")
    (folder / "mistakes" / "correct_after_all.py").write_text('HINT = "never shown"\n\ndef add_row_bias(matrix, bias):\n    return bias + matrix\n')
    course = load_course(course_dir)
    texts = [p.text() for p in validate_exercise(course, course.resolve("01"), warm_pool(), every_path=False)]
    assert any("no_hint.py" in t and "HINT" in t for t in texts), texts  # declarations first: nothing is graded yet
    (folder / "mistakes" / "no_hint.py").unlink()
    texts = [p.text() for p in validate_exercise(course, course.resolve("01"), warm_pool(), every_path=False)]
    assert any("zeros_and_ones" in t and "global random state" in t for t in texts), texts
    assert any("correct_after_all.py" in t and "not detected" in t for t in texts), texts
