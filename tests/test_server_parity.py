"""The whole course graded through the warm server and through the engine as a cold command runs it
(in a fresh process of its own, a fresh learner process per file): every result field but the
elapsed time is the same, for every exercise's reference, stub and styles, and its first
MISTAKES_EACH known mistakes (by name: each exercise's caches on the server, its reference outcomes
and mistake book, serve several failing files in a row, pointers included). Every mistake of the
course is graded as a learner's file by validate on Linux's pool (test_course_content.py), and each
exercise's first few on the portable backend (test_validate_portable.py); grading them all here too
would cost some four minutes of CPU for what those first ones already show."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, copy_course
from test_server import ask, comparable, short_folder, start_server, stop_server

from grader.service import client

MISTAKES_EACH = 2

COLD = """
    import json, sys
    from grader.isolation import torchsetup
    torchsetup.prepare()
    from grader.course import find_course
    from grader.engine import check_exercise
    from grader.isolation.pool import Pool

    course, jobs = find_course(sys.argv[1]), json.load(open(sys.argv[2]))
    with Pool() as pool:  # forked before any course code is loaded, as `check --all` does
        found = [check_exercise(course, course.resolve(ex), file, pool=pool).to_dict() for ex, file in jobs]
    json.dump(found, open(sys.argv[3], "w"))
"""


@pytest.mark.slow
def test_the_whole_course_grades_the_same_through_the_server_and_cold(tmp_path):
    from grader.course import find_course

    root, folder = copy_course(tmp_path / "course"), short_folder()
    jobs = []
    for ex in find_course(root).exercises:
        for source in [ex.solution, ex.stub, *sorted(ex.mistakes)[:MISTAKES_EACH], *ex.styles]:
            learner = tmp_path / "work" / ex.id / f"{source.parent.name}_{source.name}"  # --file refuses reference/
            learner.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, learner)
            jobs.append((ex.id, str(learner)))
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    # Cold, in a process of its own: this one's warnings filters (pytest's) would be inherited by its forks.
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(COLD), str(root), str(tmp_path / "jobs.json"),
                           str(tmp_path / "cold.json")], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    cold = json.loads((tmp_path / "cold.json").read_text())
    proc = start_server(root, folder)
    try:
        for (exercise, file), expected in zip(jobs, cold, strict=True):
            reply = ask(root, folder, client.check_request(root, exercise, file, "json"))
            assert comparable(reply["result"]) == comparable(expected), (exercise, file)
    finally:
        stop_server(proc)
