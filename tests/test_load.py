"""Verdicts do not depend on the machine's load: `validate` says the same with every CPU kept busy.

The busy processes are this test's own (started before, killed after); they are plain Python loops
at the same priority as the grader, BUSY_PER_CORE per core, so the learner's processes wait for a CPU
most of the time (and so does everything else the suite runs meanwhile: hence one exercise, three a
core). Time limits count the job's own time, not that wait (grader/isolation/sandbox.py).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import COURSE, cli

BUSY_PER_CORE = 3


@pytest.fixture()
def saturated_cpu():
    """Every core kept busy by BUSY_PER_CORE endless loops, ended when the test ends."""
    loop = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    pass\n"  # ends if the test dies
    hogs = [subprocess.Popen([sys.executable, "-c", loop], stdin=subprocess.DEVNULL)
            for _ in range(BUSY_PER_CORE * (os.cpu_count() or 1))]
    try:
        yield len(hogs)
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()


@pytest.mark.slow
def test_validate_is_sound_on_a_saturated_cpu(saturated_cpu):
    chosen = [COURSE.exercises[0].id]  # every path, its mistakes and styles: each a job that waits for a CPU
    result = cli(COURSE.root, "validate", *chosen)
    assert result.exit_code == 0, result.output
    for exercise in chosen:
        assert f"✓ {exercise}: sound" in result.output, result.output
