"""What runs inside the boundary: the learner's process (a "learn" job), or a bounded
process that applies a check's transform to a learner's results (an "inspect" job).

`prepare` runs first, still privileged: it loads the exercise's checks module, which
holds only case builders and probes (never the reference or the known mistakes). Then
the boundary's restrictions apply, and `run` writes one frame to the results pipe
(fd 3) saying which layers are in force, before any learner code runs, so that report
cannot be forged. Only then is the learner's file loaded. What the probes return is
written as data (`grader.judging.channel`); the trusted side validates and decides.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

RESULTS_FD = 3


def prepare(job: dict):
    """Load the checks module (learner-side declarations), with the global RNGs in a fixed state."""
    from grader.isolation import torchsetup
    from grader.judging.loader import checks_module_name, load_module
    from grader.judging.probe import seed_everything

    torchsetup.prepare()
    seed_everything(0)  # cases built at import time are the same in every process
    checks = load_module(Path(job["checks"]), checks_module_name(job["exercise"]))
    sys.modules.pop(checks.__name__, None)  # not importable by learner code
    return checks


def run(job: dict, checks, layers) -> None:
    _limit_files(job.get("limits", {}))
    write({"in_force": list(layers.in_force), "missing": [list(m) for m in layers.missing], "writable": layers.writable})
    if job["kind"] == "inspect":
        return _inspect(job, checks, Path(layers.writable))
    _learn(job, checks, Path(layers.writable) / job["filename"])


def _learn(job: dict, checks, learner_file: Path) -> None:
    from grader.isolation import guard
    from grader.judging.channel import pack
    from grader.judging.loader import load_module
    from grader.judging.probe import describe_error, run_checks

    guard.install(job.get("forbidden", []), str(learner_file), own_dir=str(learner_file.parent))
    sys.path.insert(0, str(learner_file.parent))
    try:
        ns = load_module(learner_file, "learner_" + learner_file.stem.split("_", 1)[-1])
    except BaseException as exc:
        _write_raw(pack({"import_error": describe_error(exc, str(learner_file))}))
        return
    if "trace" in job:  # a check failed on values: its failing case again, recording each op (grader.judging.tracer)
        from grader.judging.trace_run import trace_cases

        return _write_raw(pack({"traces": trace_cases(checks.CHECKS, ns, str(learner_file), job["trace"])}))
    outcomes = run_checks(checks.CHECKS, ns, str(learner_file), learner=True)
    _write_raw(pack({"complete": True, "outcomes": outcomes}))


def _inspect(job: dict, checks, folder: Path) -> None:
    """Apply each check's transform to the learner's results for it (no learner code runs here)."""
    from grader.judging import channel, schema
    from grader.judging.transforms import transformed

    wanted = [c for c in checks.CHECKS if c.transform is not None]
    document, tensors = channel.unpack(*channel.frames((folder / "input.bin").read_bytes(), 2))
    cases = {c.name: c.case_count() for c in wanted}
    outcomes = schema.payload(document, tensors, cases)["outcomes"]
    done = {c.name: transformed(c, outcomes.get(c.name, [])) for c in wanted}
    _write_raw(channel.pack({"complete": True, "outcomes": done}))


def write(data: dict) -> None:
    from grader.judging.channel import frame

    _write_raw(frame(json.dumps(data).encode("utf-8")))


def _write_raw(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(RESULTS_FD, view) :]


def _limit_files(limits: dict) -> None:
    try:
        import resource
    except ImportError:  # Windows: the Job Object limits the process from outside
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    fsize = int(limits.get("file_bytes", 512 * 2**20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
