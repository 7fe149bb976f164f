"""`grade --ray`: grade a class on a Ray cluster, one task per student.

The class is planned, cached and written exactly as by the local `grade` (`grader.classroom.grading`
with this module's runner), so the gradebook is byte-identical; only the submissions the cache does
not know travel. Each task declares its resources (one CPU, `memory` bytes), may be retried when its
worker is lost (`max_retries`), and has a hard deadline: past it, it is cancelled (its worker
killed) and its files are scored 0 with that reason, never cached. At most as many tasks are in
flight as the cluster can run at once, so a task's deadline runs from about when it starts. Results
stream back as tasks finish (`ray.wait`), into the same progress bar.

What crosses back is JSON text made by the task (the trusted side, `grader.classroom.rayworker`,
which runs no learner code in its own process); it is parsed here as data and every entry is
checked with `gradebook.is_entry` and against the file it claims to be, so nothing shaped by a
submission is unpickled as an object. The learner's process cannot reach the cluster: it has no
network, and Landlock lets it read neither Ray's sockets nor its session folder. `ray` is imported
only here, and only when a class is graded on it.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from grader.classroom import gradebook, rayworker
from grader.classroom.raysockets import socket_folder
from grader.errors import TutorError
from grader.isolation import backend
from grader.text import clean_line

MEMORY = 3 * 2**29  # 1.5 GiB a task: the worker and its zygote (torch imported once), and the learner's job
STARTUP = 120.0  # seconds a task may spend before its first file: a fresh worker imports torch, warms a zygote
RETRIES = 2  # a task whose worker or node is lost is run again this many times
POLL = 1.0  # the longest ray.wait blocks, so that deadlines are enforced on time


@dataclass
class RayOptions:
    address: str | None = None  # None: $RAY_ADDRESS if set, else a new local cluster of this machine's cores
    memory: int = MEMORY  # bytes declared per task
    deadline: float | None = None  # seconds per task; default: STARTUP + twice each file's time limit, and 10 s


def runner(options: RayOptions, unsafe: bool = False):
    """A `runner` for `grading.grade_class`: grades `todo` on Ray (joined only when there is any)."""
    ray = _import_ray()  # now: a missing ray is a usage error before anything is read or written

    def run(course, todo, timeout, checks, done, hidden=()) -> None:
        if not todo:
            return  # all from the cache: no cluster, no torch
        with socket_folder(_local(options.address)) as folder:
            started = _connect(ray, options.address, folder)
            try:
                _grade(ray, course, todo, timeout, checks, done, options, (unsafe, [str(h) for h in hidden]))
            finally:
                if started:
                    ray.shutdown()

    return run


def _import_ray():
    try:
        import ray
    except ImportError:
        raise TutorError("Grading on a Ray cluster needs ray, which is not installed.",
                         hint='pip install "pytorch-tutor[ray]"') from None
    return ray


def _local(address: str | None) -> bool:
    return address in (None, "local") and not os.environ.get("RAY_ADDRESS")


def _connect(ray, address: str | None, folder: str | None = None) -> bool:
    """Join the cluster at `address` ($RAY_ADDRESS, or a new local one, its sockets under `folder`
    when given); True if this call started it."""
    if ray.is_initialized():
        return False  # a session of the caller's (a test, a notebook): used as it is
    import logging

    kwargs = {"num_cpus": backend.cores(), "include_dashboard": False,
              "runtime_env": {"env_vars": {"PYTHONPATH": _code_path()}}} if _local(address) else {"address": address}
    if folder and _local(address):
        kwargs["_temp_dir"] = folder
    try:
        ray.init(log_to_driver=False, logging_level=logging.WARNING, **kwargs)
    except (ConnectionError, RuntimeError, ValueError, OSError) as exc:
        where = "start a local Ray cluster" if _local(address) else \
            f"join the Ray cluster at {address or os.environ.get('RAY_ADDRESS')}"
        raise TutorError(f"Cannot {where}: {clean_line(exc)}",
                         hint="Start one with `ray start --head`, or leave out the address for a local one; "
                              "with a long TMPDIR, set RAY_TMPDIR to a short folder such as /tmp.") from None
    return True


def _code_path() -> str:
    """PYTHONPATH for a local cluster's workers: this copy of the grader first (a checkout, an editable install)."""
    here = str(Path(rayworker.__file__).resolve().parents[2])
    return os.pathsep.join([here, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])


def _grade(ray, course, todo, timeout, checks, done, options: RayOptions, how: tuple) -> None:
    """`how`: (unsafe, the driver's folders no learner may read: they exist on a local cluster or a shared disk)."""
    slots = _slots(ray, options.memory)
    task = ray.remote(rayworker.grade_student).options(
        num_cpus=1, memory=options.memory, max_retries=RETRIES, retry_exceptions=False)
    blob, version = ray.put(rayworker.pack_course(course)), rayworker.tool_version()
    waiting, running = deque(_by_student(todo)), {}
    try:
        while waiting or running:
            while waiting and len(running) < slots:
                subs = waiting.popleft()
                ref = task.remote(blob, [_item(s, checks) for s in subs], timeout, version, *how)
                seconds = _deadline(subs, timeout, options)
                running[ref] = (subs, time.monotonic() + seconds, seconds)
            soonest = min(limit for _, limit, _ in running.values())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=max(0.0, min(POLL, soonest - time.monotonic())))
            for ref in ready:
                _deliver(ray, ref, running.pop(ref)[0], checks, done)
            _expire(ray, running, checks, done)
    finally:
        for ref in running:  # Ctrl-C or a broken course: stop what is still running
            ray.cancel(ref, force=True)


def _slots(ray, memory: int) -> int:
    """How many tasks the cluster can run at once (a TutorError if no node can run one)."""
    nodes = [n.get("Resources", {}) for n in ray.nodes() if n.get("Alive")]
    slots = sum(min(int(r.get("CPU", 0)), int(r.get("memory", 0) // memory)) for r in nodes)
    if slots < 1:
        raise TutorError(f"No node of the Ray cluster has a CPU and {memory / 2**30:g} GiB of memory free for a task.",
                         hint="Give the nodes more memory, or ask for less with --ray-memory.")
    return slots


def _by_student(todo) -> list[list]:
    groups: dict[str, list] = {}
    for sub in todo:
        groups.setdefault(sub.student, []).append(sub)
    return list(groups.values())


def _item(sub, checks) -> dict:
    return {"exercise": sub.exercise.id, "rel": sub.rel, "label": sub.label, "data": sub.data,
            "checks": checks[sub.exercise.id]}


def _deadline(subs, timeout, options: RayOptions) -> float:
    if options.deadline is not None:
        return options.deadline
    return STARTUP + sum(2 * (timeout or sub.exercise.timeout) + 10 for sub in subs)


def _deliver(ray, ref, subs, checks, done) -> None:
    """The task's answer, validated, into `done`; a lost task or a malformed answer costs its files only."""
    try:
        text = ray.get(ref)
    except ray.exceptions.RayError as exc:  # its worker lost past the retries, killed for memory, ...
        return _fail(subs, checks, done, f"its Ray task failed ({type(exc).__name__})")
    rows = _rows(text, subs)
    if rows is None:
        return _fail(subs, checks, done, "the answer of its Ray task could not be read")
    for sub, (entry, cacheable) in zip(subs, rows):
        done(sub, entry, cacheable)


def _rows(text: object, subs) -> list | None:
    """[(entry, cacheable), ...] for `subs` from a task's JSON text, or None if it is not that."""
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("fatal"), str):
        raise TutorError(f"A Ray worker could not grade: {clean_line(data['fatal'])}.")
    rows = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(rows, list) or len(rows) != len(subs):
        return None
    ok = all(isinstance(r, list) and len(r) == 2 and gradebook.is_entry(r[0]) and type(r[1]) is bool
             and r[0]["file"] == sub.label for r, sub in zip(rows, subs))
    return [(entry, cacheable) for entry, cacheable in rows] if ok else None


def _expire(ray, running: dict, checks, done) -> None:
    """Cancel (kill the worker of) every task past its deadline; its files score 0 with that reason."""
    now = time.monotonic()
    for ref in [r for r, (_, limit, _) in running.items() if limit <= now]:
        subs, _, seconds = running.pop(ref)
        ray.cancel(ref, force=True)
        _fail(subs, checks, done, f"its Ray task ran past its deadline of {seconds:g} s and was stopped")


def _fail(subs, checks, done, reason: str) -> None:
    for sub in subs:
        done(sub, gradebook.failed_entry(sub.exercise.id, checks[sub.exercise.id], sub.label, reason), False)
