"""Check every exercise of a course in one command, through one pool of warm workers.

Torch is imported once, here, and the warm workers are forked from this process
(`grader.isolation.pool`), so the wall time is about one import plus the checks' own compute.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from grader.course import Course
from grader.results import ExerciseResult


def check_all(course: Course, progress=None, size: int | None = None, pool=None) -> list[ExerciseResult]:
    """Grade each exercise's learner file; record progress for each. Results in course order.
    `pool`: warm zygotes to use (the grading server's), else a pool of `size` is started here."""
    from contextlib import nullcontext

    from grader.engine import check_exercise
    from grader.isolation.backend import Pool

    with nullcontext(pool) if pool is not None else Pool(size) as pool, ThreadPoolExecutor(pool.size) as threads:
        futures = [threads.submit(check_exercise, course, ex, None, None, pool) for ex in course.exercises]
        results = [f.result() for f in futures]
    if progress is not None:
        for ex, result in zip(course.exercises, results):
            progress.record_result(ex.id, result)
    return results
