"""Grade one submission's files on the runner's pool of warm workers (one by default: Gradescope's
default container has half a CPU and 768 MB), each from a private snapshot of the bytes read once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from grader.classroom import gradebook, snapshot
from grader.classroom.autograder.report import Graded
from grader.classroom.grading import failed_snapshot, grade_snapshot


def grade_files(course, config, items: list, pool, hidden: tuple, checks: dict, on_done: Callable[[int, Graded], None],
                run) -> None:
    """`items`: (exercise, (rel, label, data, problem)); `on_done(position in the config, graded)` as each ends."""
    from grader.isolation.sandbox import Limits

    order = {ex_id: n for n, ex_id in enumerate(config.exercises)}
    size = max(1, min(config.jobs, len(items)))
    with snapshot.private_folder() as private, ThreadPoolExecutor(size) as threads:
        futures = {}
        for n, (ex, (rel, label, data, _)) in enumerate(items):
            limits = Limits(timeout=config.timeout or ex.timeout, memory_bytes=config.memory_mb * 2**20)
            job = (course, ex, private, n, rel, label, data, limits, pool, (private, *hidden), checks[ex.id])
            futures[threads.submit(_grade_one, *job)] = ex
        try:
            for future in as_completed(futures):
                graded = future.result()
                if graded.entry.get("isolation"):
                    run.isolation = graded.entry["isolation"]
                on_done(order[graded.exercise_id], graded)
        except BaseException:  # stopped (SIGTERM, the deadline): start nothing more, end the job in flight now
            threads.shutdown(wait=False, cancel_futures=True)
            pool.close()
            raise


def _grade_one(course, ex, private: Path, index: int, rel: str, label: str, data: bytes, limits, pool, hidden,
               checks) -> Graded:
    try:
        entry, printed = grade_snapshot(course, ex, private, hidden, index, rel, label, data, limits, pool)
    except Exception as exc:  # noqa: BLE001 - a grader failure on one file costs that file
        return Graded(ex.id, ex.title, failed_snapshot(private, index, ex.id, checks, label, exc))
    return Graded(ex.id, ex.title, entry, gradebook.scrubber(private / str(index))(printed))
