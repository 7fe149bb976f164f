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
    return [p.text() for p in validate_exercise(c, c.resolve("01"), warm_pool(), every_path=False)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


@pytest.mark.slow
def test_new_scaffolds_a_working_example_that_validate_accepts(course: Path):
    stub = (course / "exercises" / "01_scale.py").read_text()
    assert stub.count("    raise NotImplementedError\n") == 1 and stub.startswith('"""01 · Scale and shift')
    assert 'id = "01_scale"' in (course / "reference" / "course.toml").read_text()
    folder = course / "reference" / "01_scale"
    assert len(list((folder / "mistakes").glob("*.py"))) >= 4 and len(list((folder / "styles").glob("*.py"))) >= 3
    result = cli(course, "validate")
    assert result.exit_code == 0 and "✓ 01_scale: sound" in result.output
    assert "sound exercises): warm pool; cold check; grade" in result.output and "; notebook." in result.output
    listed = cli(course, "list")
    assert "Scale and shift" in listed.output and "arithmetic" in listed.output


def test_the_scaffold_probe_catches_a_wrong_gradient_that_sum_would_hide(course: Path):
    """`new` backpropagates a fixed random weighting of the output: a function with the right values
    and a wrong gradient fails on the gradient, with the gradient hint."""
    learner = course / "mine.py"
    learner.write_text("import torch\n\ndef scale_and_shift(x, scale, shift):\n"
                       "    return x.detach() * scale + shift + (x - x.detach()) * 2\n")
    result = cli(course, "check", "1", "--file", str(learner), "--json")
    import json

    check = json.loads(result.output)["checks"][0]
    assert not check["passed"] and "gradient of x" in check["message"] and "gradient" in check["hint"]


def test_the_filled_in_stub_passes_check(course: Path):
    stub = course / "exercises" / "01_scale.py"
    edit(stub, "    raise NotImplementedError", "    return x * scale + shift")
    assert cli(course, "check", "1").exit_code == 0


def test_a_reference_that_fails_its_own_check_is_rejected(course: Path):
    edit(course / "reference" / "01_scale" / "solution.py", "return x * scale + shift", "return x.view(-1, 7) * scale + shift")
    found = problems(course)
    assert any("solution.py (CHECKS 'scale_and_shift'): the reference fails its own check" in p for p in found), found


def test_a_stub_that_passes_a_check_is_rejected(course: Path):
    edit(course / "exercises" / "01_scale.py", "    raise NotImplementedError", "    return x * scale + shift")
    found = problems(course)
    assert any("the untouched stub passes this check" in p for p in found), found


def test_an_undetected_mistake_is_rejected(course: Path):
    edit(course / "reference" / "01_scale" / "mistakes" / "shift_then_scale.py", "(x + shift) * scale", "x * scale + shift")
    found = problems(course)
    assert any("shift_then_scale.py: is not detected: it passes every check" in p for p in found), found


def test_a_mistake_indistinguishable_from_another_is_rejected(course: Path):
    edit(course / "reference" / "01_scale" / "mistakes" / "shift_then_scale.py", "(x + shift) * scale", "(x * scale + shift).detach()")
    found = problems(course)
    assert any("shift_then_scale.py: fails, but never with its own hint: it is taken for detached" in p for p in found), found


def test_a_mistake_that_raises_a_message_of_several_lines_is_recognised_in_a_learners_file(course: Path):
    """The learner's process sends error messages cleaned (a newline arrives as an escape); the trusted
    side's outcome for the same mistake has the raw message, and the two must still be the same outcome."""
    (course / "reference" / "01_scale" / "mistakes" / "raises_two_lines.py").write_text(
        'HINT = "the two-line error"\n\n\ndef scale_and_shift(x, scale, shift):\n'
        '    raise ValueError("first line\\nsecond line")\n')
    found = problems(course)
    assert not any("raises_two_lines" in p for p in found), found


def test_short_ladders_bad_hints_and_missing_targets_are_named(course: Path):
    checks = course / "reference" / "01_scale" / "checks.py"
    edit(checks, '        "Multiply first, then add: `x * scale` is a tensor, and adding `shift` keeps its shape.",\n', "")
    edit(checks, '        "Nearly there: `return x * scale + shift`.",\n', "")
    edit(checks, 'target="scale_and_shift"', 'target="scale_shift"')
    found = " | ".join(problems(course))
    assert "HINTS['scale_shift']): needs a ladder of at least 2 hints" in found
    assert "(CHECKS 'scale_and_shift'): target `scale_shift` is not defined in the reference" in found
    assert cli(course, "validate", "01").exit_code == 1


def test_hints_that_are_not_plain_strings_name_the_entry(course: Path):
    checks = course / "reference" / "01_scale" / "checks.py"
    edit(checks, '        "Nearly there: `return x * scale + shift`.",', '        f"Nearly there: {1 + 1}",')
    result = cli(course, "hint", "01")
    assert result.exit_code == 2 and "HINTS['scale_and_shift'][2] (line" in result.output and "f-string" in result.output


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
        (lambda c: (c / "reference" / "01_scale" / "checks.py").write_text("raise ValueError('oops')\n"), "checks.py is broken: ValueError: oops"),
        (lambda c: (c / "reference" / "01_scale" / "checks.py").unlink(), "checks.py is missing"),
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


def test_warnings_of_the_reference_and_known_mistakes_stay_on_the_trusted_side():
    """A known mistake is often the very code PyTorch warns about (a target that broadcasts against the
    predictions); run on the trusted side its warnings must not print among the learner's verdicts.
    The learner's own process keeps them: they are part of the output the learner is shown."""
    import types
    import warnings

    from grader.judging.probe import run_check
    from grader.kit import Check

    def broadcast(x):
        warnings.warn("Using a target size that is different to the input size")
        return x * 2

    ns, check = types.SimpleNamespace(broadcast=broadcast), Check("broadcast", target="broadcast", args=[(1,), (2,)])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        trusted = run_check(check, ns)
        assert seen == []
        learner = run_check(check, ns, learner=True)
    assert trusted == learner == [{"value": 2}, {"value": 4}]
    assert len(seen) == 2 and "target size" in str(seen[0].message)


def test_known_mistakes_run_without_printing_their_warnings(course: Path):
    """The trusted side runs known mistakes while grading a learner: their warnings (a 0 / 0, a var() of one
    sample) are not the learner's code and must not reach the learner's terminal."""
    import warnings

    from grader.judging.reference import load_reference, mistake_book

    (course / "reference" / "01_scale" / "mistakes" / "warns.py").write_text(
        'import warnings\n\nHINT = "never shown"\n\n\ndef scale_and_shift(x, scale, shift):\n'
        '    warnings.warn("from the variant")\n    return x * scale\n')
    exercise = find_course(course).resolve("01")
    checks, _ = load_reference(exercise)
    book = mistake_book(exercise)
    mistake = next(m for m in book.mistakes if m.name == "warns")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcomes = book.outcomes(mistake, checks.CHECKS[0])
    assert outcomes and all("value" in o for o in outcomes), outcomes
    assert not [w for w in caught if "from the variant" in str(w.message)]


def _git(folder: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@x", *args],
                   check=True, capture_output=True)


@pytest.mark.slow
def test_validate_holds_every_exercise_to_the_bar_the_course_tests_demand(course: Path):
    """Too few styles, a target that does not raise NotImplementedError, a forbidden call the stub never
    mentions: each named, and the exercise is not sound."""
    next(iter(sorted((course / "reference" / "01_scale" / "styles").glob("*.py")))).unlink()
    edit(course / "exercises" / "01_scale.py", "    raise NotImplementedError", "    return None")
    edit(course / "reference" / "01_scale" / "checks.py", 'target="scale_and_shift",',
         'target="scale_and_shift",\n        forbid=["torch.nn.functional.softplus"],')
    found = " | ".join(problems(course))
    assert "styles: has 2 correct styles; at least 3 are needed" in found
    assert "(scale_and_shift): this target does not `raise NotImplementedError`" in found
    assert "forbids 'torch.nn.functional.softplus' without saying so" in found and "`F.softplus`" in found
    edit(course / "exercises" / "01_scale.py", '"""01 · Scale and shift', '"""01 · Scale and shift (F.softplus is not allowed)')
    assert "softplus" not in " | ".join(problems(course))
    assert cli(course, "validate", "01", "--quick").exit_code == 1


@pytest.mark.slow
def test_a_check_without_hint_still_hints_at_a_wrong_value_and_validate_warns(course: Path):
    import json
    import re

    checks = course / "reference" / "01_scale" / "checks.py"
    text = checks.read_text()
    text = re.sub(r"        hints=\{\{?.*?\}\}?,\n", "", text, flags=re.S)
    text = re.sub(r'        hint="Compare your formula.*?",\n', "", text)
    checks.write_text(text)
    assert "hint" not in text.split("CHECKS = [")[1]
    result = cli(course, "validate", "01", "--quick")
    assert result.exit_code == 0, result.output
    assert "sound (1 warning)" in result.output and "has no hint=" in result.output
    learner = course / "mine.py"
    learner.write_text("def scale_and_shift(x, scale, shift):\n    return x * scale - shift\n")
    check = json.loads(cli(course, "check", "1", "--file", str(learner), "--json").output)["checks"][0]
    assert not check["passed"] and "print what `scale_and_shift` returns" in check["hint"]


@pytest.mark.skipif(__import__("shutil").which("git") is None, reason="needs git, for a committed stub")
def test_new_makes_the_readme_table_from_committed_stubs_and_validate_names_a_stale_row(course: Path):
    from grader.authoring.readme import END, START

    (course / "README.md").write_text(f"# Pack\n\n{START}\n{END}\n")
    _git(course, "init", "-q")
    _git(course, "add", "-A")
    _git(course, "commit", "-qm", "course")
    edit(course / "exercises" / "01_scale.py", "    raise NotImplementedError", "    return x * scale + shift")  # solved
    assert cli(course, "new", "02_more", "--title", "More").exit_code == 0
    readme = (course / "README.md").read_text()
    assert "| 01 | Scale and shift | arithmetic | `scale_and_shift` |" in readme  # the committed stub's target
    assert cli(course, "validate", "02", "--quick").exit_code == 0
    for file in (course / "exercises" / "02_more.py", course / "reference" / "02_more" / "solution.py"):
        edit(file, "def scale_and_shift(", "def scale_then_shift(")
    stale = cli(course, "validate", "02", "--quick")
    assert stale.exit_code == 1 and "README.md (course table): its row in the README's course table is stale" in stale.output
