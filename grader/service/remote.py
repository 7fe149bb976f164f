"""The long-lived front ends' way to the course's warm server: `watch`'s checks, a notebook's `check()`.

`ready` starts the server if none answers and waits for it (it costs what a warm worker of their
own would: torch imported once). Every other call returns the server's answer, validated, or None
where no server of ours answered (none running, disabled, not reachable, stale, a fault of its
own, a malformed answer): the caller then grades as it does without a server, with the same
verdict. A server that did not answer is started again in the background for the next job.
"""

from __future__ import annotations

import time
from pathlib import Path

from grader.results import ExerciseResult
from grader.service import client, reply

START = 180.0  # seconds a server may take to import torch and fork its zygote on a loaded machine
BUSY = 3  # the exit status of a server that found another one of the same course holding the lock
JOB_SECONDS = 60 * 60.0


def ready(root: Path, seconds: float = START) -> bool:
    """Whether the course's server answers, once one has been started (and waited for) if none did."""
    if client.disabled():
        return False
    if client.ask(root, {"kind": "status"}, 10) is not None:
        return True
    proc = client.start(root)
    deadline = time.monotonic() + seconds
    while proc is not None and time.monotonic() < deadline:
        if client.ask(root, {"kind": "status"}, 10) is not None:
            return True
        if proc.poll() not in (None, BUSY):
            return False  # it failed (its log is beside its socket): grade without it
        time.sleep(0.2)
    return False


def check(root: Path, exercise_id: str) -> ExerciseResult | None:
    """The server's result of a check of the exercise's own file (progress recorded there), or None."""
    answer = _ask(root, client.check_request(root, exercise_id, None, "json"))
    try:
        return reply.result(answer["result"]) if answer and "result" in answer else None
    except reply.Malformed:
        return None


def check_cells(request: dict) -> dict | None:
    """A notebook's check (its cells, as `grader.notebooks.kernel` sends them): {"result"} or
    {"error": {"message", "hint"}} as the kernel's own grading server answers, or None."""
    answer = _ask(Path(str(request.get("course"))), {**request, "kind": "cells"})
    try:
        if answer and "result" in answer:
            return {"result": reply.result(answer["result"]).to_dict()}
        if answer and "error" in answer:
            message, hint, _ = reply.error(answer["error"])
            return {"error": {"message": message, "hint": hint}}
    except reply.Malformed:
        pass
    return None


class CourseServer:
    """The server as `watch` uses it (`grader.frontends.watch`): `ready()`, then `check(exercise_id)`."""

    def __init__(self, root: Path):
        self.root = root

    def ready(self) -> bool:
        return ready(self.root)

    def check(self, exercise_id: str) -> ExerciseResult | None:
        return check(self.root, exercise_id)


def _ask(root: Path, request: dict) -> dict | None:
    if client.disabled():
        return None
    answer = client.ask(root, request, seconds=JOB_SECONDS)
    if answer is None:
        client.start(root)  # gone or stale: a fresh one for the next job (it ends at once if one runs)
    return None if answer is None or "fault" in answer else answer
