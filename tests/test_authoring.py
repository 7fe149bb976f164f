"""Instructors: scaffold an exercise in a course of their own, prove it sound, and get
clear errors (never tracebacks) for unsound or broken courses."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import cli, warm_pool
from grader.course import find_course
from grader.authoring.validate import validate_exercise



@pytest.fixture()
def course(tmp_path: Path) -> Path:
    """An instructor's own course, outside this repository, with one exercise made by `new`."""
    (tmp_path / "exercises").mkdir()
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "course.toml").write_text('[course]\nname = "Pack"\nversion = "1"\n')
    done = cli(tmp_path, "new", "01_scale", "--title", "Scale and shift", "--topic", "arithmetic")
    assert done.exit_code == 0, done.output
    return tmp_path


def problems(course: Path) -> list[str]:
    c = find_course(course)
    return [p.text() for p in validate_exercise(c, c.resolve("01"), warm_pool())]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_new_scaffolds_a_working_example_that_validate_accepts(course: Path):
    assert (course / "exercises" / "01_scale.py").read_text().count("raise NotImplementedError") == 1
    assert 'id = "01_scale"' in (course / "reference" / "course.toml").read_text()
    result = cli(course, "validate")
    assert result.exit_code == 0 and "✓ 01_scale: sound" in result.output
    listed = cli(course, "list")
    assert "Scale and shift" in listed.output and "arithmetic" in listed.output


def test_the_filled_in_stub_passes_check(course: Path):
    stub = course / "exercises" / "01_scale.py"
    edit(stub, "    raise NotImplementedError", "    return x * scale + shift")
    assert cli(course, "check", "1").exit_code == 0


def test_a_reference_that_fails_its_own_check_is_rejected(course: Path):
    edit(course / "reference" / "01_scale.py", "return x * scale + shift", "return x.view(-1, 7) * scale + shift")
    found = problems(course)
    assert any("01_scale.py (CHECKS 'scale_and_shift'): the reference fails its own check" in p for p in found), found


def test_a_stub_that_passes_a_check_is_rejected(course: Path):
    edit(course / "exercises" / "01_scale.py", "    raise NotImplementedError", "    return x * scale + shift")
    found = problems(course)
    assert any("the untouched stub passes this check" in p for p in found), found


def test_an_undetected_mistake_is_rejected(course: Path):
    edit(course / "reference" / "01_scale_checks.py", "(x + shift) * scale}", "x * scale + shift}")
    found = problems(course)
    assert any("(MISTAKES 'shift_then_scale'): is not detected: the variant passes every check" in p for p in found), found


def test_a_mistake_shadowed_by_an_earlier_one_is_rejected(course: Path):
    edit(course / "reference" / "01_scale_checks.py", "(x * scale + shift).detach()", "((x + shift) * scale)")
    found = problems(course)
    assert any("(MISTAKES 'detached'): fails, but never with its own hint: it is taken for shift_then_scale" in p for p in found), found


def test_too_few_hints_duplicate_names_and_missing_targets_are_named(course: Path):
    checks = course / "reference" / "01_scale_checks.py"
    edit(checks, '    "`return x * scale + shift`",\n', "")
    edit(checks, 'Mistake(\n        "detached"', 'Mistake(\n        "shift_then_scale"')
    edit(checks, 'target="scale_and_shift"', 'target="scale_shift"')
    found = " | ".join(problems(course))
    assert "HINTS): needs at least 3 hints" in found
    assert "(MISTAKES 'shift_then_scale'): the name is used more than once" in found
    assert "(CHECKS 'scale_and_shift'): target `scale_shift` is not defined in the reference" in found
    assert cli(course, "validate", "01").exit_code == 1


def test_new_refuses_bad_ids_taken_numbers_and_existing_files(course: Path):
    assert cli(course, "new", "2_bad", "--title", "x").exit_code == 2
    taken = cli(course, "new", "01_other", "--title", "x")
    assert taken.exit_code == 2 and "taken by 01_scale" in taken.output
    (course / "exercises" / "02_here.py").write_text("mine")
    exists = cli(course, "new", "02_here", "--title", "x")
    assert exists.exit_code == 2 and "already exists; nothing was written" in exists.output
    assert (course / "exercises" / "02_here.py").read_text() == "mine"


@pytest.mark.parametrize(
    "breakage,message",
    [
        (lambda c: (c / "reference" / "01_scale_checks.py").write_text("raise ValueError('oops')\n"), "01_scale_checks.py is broken: ValueError: oops"),
        (lambda c: (c / "reference" / "01_scale_checks.py").unlink(), "01_scale_checks.py is missing"),
        (lambda c: (c / "reference" / "course.toml").write_text("[[exercise]]\nid = \"01_a\"\ntitle=\"a\"\n[[exercise]]\nid = \"01_b\"\ntitle=\"b\"\n"), "course.toml"),
        (lambda c: (c / "reference" / "course.toml").write_text("this is = = not toml"), "course.toml"),
    ],
    ids=["declaration_raises", "missing_checks", "duplicate_number", "corrupt_course_file"],
)
def test_a_broken_course_gets_a_clear_error_naming_the_file(course: Path, breakage, message):
    breakage(course)
    result = cli(course, "validate")
    assert result.exit_code in (1, 2)
    assert message in result.output, result.output
    assert "Traceback" not in result.output
