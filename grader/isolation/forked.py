"""A cold check without a second torch import: fork the learner's side from this process.

`pytorch-tutor check 03` used to start a fresh `python -m grader.isolation.worker`, so two
processes imported torch at once (about 1.35x one import on two cores). Instead,
the trusted process imports torch, then forks a one-job zygote (`zygote.serve_once`)
that forks the learner's process exactly as a warm zygote does, with the same
limits, guard and clean-up. The fork happens before this process has loaded any
checks or reference code, so the learner's process inherits nothing that could
reveal an answer; `may_fork()` says when that holds (and that no other thread is
running, since forking a threaded process can deadlock the child).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from grader.isolation import proctree
from grader.isolation.sandbox import Finished, Limits, Worker


def may_fork() -> bool:
    """True when forking this process is safe: Linux fork, one thread, no course code loaded yet,
    and CUDA not initialised here (a forked child could not use it)."""
    import sys

    from grader.judging.loader import course_code_loaded

    torch = sys.modules.get("torch")
    cuda_started = torch is not None and torch.cuda.is_initialized()
    return hasattr(os, "fork") and threading.active_count() == 1 and not course_code_loaded() and not cuda_started


class ForkedWorker:
    """Same interface as `sandbox.Worker`: the learner's process, forked via a one-job zygote."""

    def __init__(self, job: dict, job_dir: Path, limits: Limits):
        from grader.isolation.zygote import fork_off, request_for, serve_once

        self.job, self.job_dir, self.limits = job, job_dir, limits
        self.pid, self.reply = fork_off(serve_once, request_for(job, job_dir, limits))

    def wait(self) -> Finished:
        with self.reply:
            line = self.reply.readline()
        self._reap()
        if not line:  # the keeper died before replying: run the job the old way
            return Worker(self.job, self.job_dir, self.limits).wait()
        return Finished(**json.loads(line))

    def kill(self) -> None:
        """End the keeper and the learner's whole tree (the keeper adopts any orphans)."""
        if self.pid:
            proctree.kill_tree(lambda: proctree.descendants(self.pid))
        self.reply.close()
        self._reap()

    def _reap(self) -> None:
        if self.pid:  # once only: afterwards the pid may belong to someone else
            pid, self.pid = self.pid, 0
            os.waitpid(pid, 0)
