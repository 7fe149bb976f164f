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

from conftest import COURSE, grade
from grader.engine import load_reference

HERE = Path(__file__).parent
EXERCISES = [ex.id for ex in COURSE.exercises]


def _files(folder: str) -> list:
    return [
        pytest.param(ex_id, path, id=f"{ex_id}/{path.stem}")
        for ex_id in EXERCISES
        for path in sorted((HERE / folder / ex_id).glob("*.py"))
    ]


def _mistakes() -> list:
    params = []
    for ex in COURSE.exercises:
        try:
            names = [m.name for m in load_reference(ex)[0].MISTAKES]
        except Exception as exc:  # reported by a failing test below, not at collection
            params.append(pytest.param(ex.id, f"<cannot load: {exc}>", id=f"{ex.id}/broken"))
            continue
        params += [pytest.param(ex.id, name, id=f"{ex.id}/{name}") for name in names]
    return params


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_reference_passes_every_check(ex_id):
    result = grade(ex_id, COURSE.resolve(ex_id).solution)
    assert result.status == "passed", [c.message for c in result.checks if not c.passed] or result.message
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_untouched_stub_fails_every_check_as_not_implemented(ex_id):
    result = grade(ex_id, COURSE.resolve(ex_id).stub)
    assert result.status == "failed"
    assert result.checks and not any(c.passed for c in result.checks)
    assert all(c.message.startswith("not implemented yet: ") for c in result.checks), [c.message for c in result.checks]
    assert all("Traceback" not in c.message for c in result.checks)


@pytest.mark.parametrize("ex_id,mistake", _mistakes())
def test_declared_mistake_fails_with_its_own_hint(ex_id, mistake):
    result = grade(ex_id, COURSE.resolve(ex_id).solution, mistake=mistake)
    assert result.status == "failed"
    failing = [c for c in result.checks if not c.passed]
    assert any(c.mistake == mistake for c in failing), [(c.name, c.message, c.mistake) for c in failing]
    declared = {m.name: m.hint for m in load_reference(COURSE.resolve(ex_id))[0].MISTAKES}
    assert any(c.hint == declared[mistake] for c in failing)


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
    from grader.hints import progressive_hints

    exercise = COURSE.resolve(ex_id)
    checks, _ = load_reference(exercise)
    assert len(progressive_hints(exercise.checks)) >= 3
    assert len(checks.MISTAKES) >= 4
    assert len({m.name for m in checks.MISTAKES}) == len(checks.MISTAKES)
    assert len({c.name for c in checks.CHECKS}) == len(checks.CHECKS)
    assert len(list((HERE / "styles" / ex_id).glob("*.py"))) >= 3
    assert "# TODO" in exercise.stub.read_text() and "raise NotImplementedError" in exercise.stub.read_text()
