"""The whole course graded through the warm server and through the engine as a cold check runs it
(a fresh learner process per file, the reference computed in this process): every result field but
the elapsed time is the same, for every exercise's reference, stub, known mistakes and styles."""

from __future__ import annotations

import shutil

import pytest

from conftest import copy_course, warm_pool
from test_server import ask, comparable, short_folder, start_server

from grader.service import client


@pytest.mark.slow
def test_the_whole_course_grades_the_same_through_the_server_and_cold(tmp_path):
    from grader.course import find_course
    from grader.engine import check_exercise

    root, folder = copy_course(tmp_path / "course"), short_folder()
    proc = start_server(root, folder)
    try:
        course = find_course(root)
        for ex in course.exercises:
            for source in [ex.solution, ex.stub, *ex.mistakes, *ex.styles]:
                learner = tmp_path / "work" / ex.id / f"{source.parent.name}_{source.name}"
                learner.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, learner)
                reply = ask(root, folder, client.check_request(root, ex.id, str(learner), "json"))
                cold = check_exercise(course, ex, learner, pool=warm_pool()).to_dict()
                assert comparable(reply["result"]) == comparable(cold), (ex.id, source.name)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
