"""A single cold `pytorch-tutor check NN` runs without typer (grader.service.handover.grade_here, issue 25):
what it prints and its exit status are the full command line's, and it keeps the reference's outcomes
for the next cold check (grader.judging.refcache)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import CLI_ENV, ROOT, cli

FIRST_STEP = ("import sys\nfrom grader.service import quick\nimport atexit\n"
              "atexit.register(lambda: sys.stderr.write('TYPER' if 'typer' in sys.modules else 'NO TYPER'))\n"
              "sys.argv = ['pytorch-tutor', *sys.argv[1:]]\nquick.main()\n")


def console_script(course_dir, *args: str) -> subprocess.CompletedProcess:
    """The console script's entry point (grader.service.quick), in a fresh process; its stderr ends with
    whether typer was imported."""
    env = {**os.environ, **CLI_ENV, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", FIRST_STEP, "--course", str(course_dir), *args], cwd=os.getcwd(),
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args", [("check", "03"), ("check", "03", "--json", "--no-server"),
                                  ("check", "03", "--json", "--format", "diagnostics"),
                                  ("check", "02", "--format", "diagnostics"), ("check", "99"),
                                  ("check", "03", "--file", "missing.py")])
def test_a_cold_check_prints_what_the_full_command_line_prints_without_typer(course_dir, args):
    fast = console_script(course_dir, *args)
    assert fast.stderr.endswith("NO TYPER"), fast.stderr
    full = cli(course_dir, *args)
    assert fast.returncode == full.exit_code
    if "--json" in args:
        assert _verdicts(fast.stdout) == _verdicts(full.stdout)
    else:
        assert fast.stdout + fast.stderr.removesuffix("NO TYPER") == full.output


def _verdicts(text: str) -> dict:
    data = json.loads(text)
    return {**data, "elapsed": None}


def test_what_only_the_full_command_line_understands_goes_to_it(course_dir):
    for args in (("check", "03", "--format", "xml"), ("check", "--all", "--json"), ("check", "03", "--help")):
        done = console_script(course_dir, *args)
        assert done.stderr.endswith("TYPER") and not done.stderr.endswith("NO TYPER"), (args, done.stderr)


def test_a_cold_check_keeps_the_reference_outcomes_for_the_next_one(course_dir):
    shutil.copy(ROOT / "reference" / "03_nn_module" / "solution.py", course_dir / "exercises" / "03_nn_module.py")
    first = console_script(course_dir, "check", "03")
    cached = course_dir / ".pytorch-tutor" / "reference-cache" / "03_nn_module.bin"
    assert first.returncode == 0 and cached.is_file()
    second = console_script(course_dir, "check", "03")
    assert second.returncode == 0 and second.stdout == first.stdout


@pytest.mark.parametrize("args, started", [(["check", "03"], True), (["--course", "c", "check", "03"], True),
                                           (["--course=c", "check", "03", "--json"], True), (["check", "--all"], False),
                                           (["--course", "c", "list"], False), (["--course"], False)])
def test_a_single_checks_worker_is_prestarted_whatever_course_option_comes_first(monkeypatch, args, started):
    from grader.isolation import backend
    from grader.service import handover

    calls = []
    monkeypatch.setattr(backend, "prestart", lambda: calls.append(True))
    handover.prestart(args)
    assert bool(calls) == started
