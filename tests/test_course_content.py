"""Every exercise of the course is sound: the reference passes, the stub fails,
every declared known mistake fails with its own hint, correct solutions in
other styles pass, and realistic mistaken files get the right hint.

Add files, not tests:
  tests/styles/<exercise id>/<style>.py      a correct solution in another style: must pass
  tests/mistakes/<exercise id>/<mistake>.py  a learner file with a declared mistake: must fail,
                                             recognised as the mistake named by the file name
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSE, grade, warm_pool
from grader.engine import load_reference

HERE = Path(__file__).parent
EXERCISES = [ex.id for ex in COURSE.exercises]


def _files(folder: str) -> list:
    return [
        pytest.param(ex_id, path, id=f"{ex_id}/{path.stem}")
        for ex_id in EXERCISES
        for path in sorted((HERE / folder / ex_id).glob("*.py"))
    ]


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_validate_finds_the_exercise_sound(ex_id):
    """The reference passes (twice, identically), the stub fails every check, and every
    declared mistake fails a check with its own hint: `pytorch-tutor validate`."""
    from grader.authoring.validate import validate_exercise

    problems = validate_exercise(COURSE, COURSE.resolve(ex_id), warm_pool())
    assert problems == [], "\n".join(p.text() for p in problems)


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_untouched_stub_fails_every_check_as_not_implemented(ex_id):
    result = grade(ex_id, COURSE.resolve(ex_id).stub)
    assert result.status == "failed"
    assert result.checks and not any(c.passed for c in result.checks)
    assert all(c.message.startswith("not implemented yet: ") for c in result.checks), [c.message for c in result.checks]
    assert all("Traceback" not in c.message for c in result.checks)


@pytest.mark.parametrize("ex_id", ["01_tensors", "04_training_loop"])
def test_a_mistake_overlay_runs_through_the_learner_process(ex_id):
    """Declared mistakes are validated in the trusted process; one per exercise here goes the real way."""
    mistake = load_reference(COURSE.resolve(ex_id))[0].MISTAKES[0]
    result = grade(ex_id, COURSE.resolve(ex_id).solution, mistake=mistake.name)
    failing = [c for c in result.checks if not c.passed]
    assert result.status == "failed" and any(c.mistake == mistake.name and c.hint == mistake.hint for c in failing)


@pytest.mark.parametrize("ex_id,path", _files("styles"))
def test_correct_solution_in_another_style_passes(ex_id, path):
    result = grade(ex_id, path)
    assert result.status == "passed", [(c.name, c.message) for c in result.checks if not c.passed] or result.message


@pytest.mark.parametrize("ex_id,path", _files("mistakes"))
def test_learner_file_with_known_mistake_gets_its_hint(ex_id, path):
    result = grade(ex_id, path)
    assert result.status == "failed"
    assert path.stem in [c.mistake for c in result.checks], [(c.name, c.message, c.mistake) for c in result.checks]


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_each_exercise_declares_enough_hints_and_mistakes(ex_id):
    from grader.judging.hints import progressive_hints

    exercise = COURSE.resolve(ex_id)
    checks, _ = load_reference(exercise)
    assert len(progressive_hints(exercise.checks)) >= 3
    assert len(checks.MISTAKES) >= 4
    assert len({m.name for m in checks.MISTAKES}) == len(checks.MISTAKES)
    assert len({c.name for c in checks.CHECKS}) == len(checks.CHECKS)
    assert len(list((HERE / "styles" / ex_id).glob("*.py"))) >= 3
    assert "# TODO" in exercise.stub.read_text() and "raise NotImplementedError" in exercise.stub.read_text()
