"""The learner's process. Run as `python -m grader.isolation.worker JOB.json`.

It loads the checks and then the learner's file, runs every check's probe on
the learner's code, and writes the encoded outcomes with `torch.save` to the
path the job names. The trusted process reads that file with
`weights_only=True` and decides. Nothing this process says, prints or returns
with its exit status counts as a verdict.
"""

from __future__ import annotations

import faulthandler
import json
import os
import resource
import signal
import sys
from pathlib import Path


def main(job_path: str) -> None:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    _limit_resources(job.get("limits", {}))
    faulthandler.register(signal.SIGUSR1, all_threads=False)  # the grader asks "where are you?" on timeout
    from grader.isolation import guard, torchsetup
    from grader.judging.loader import checks_module_name, load_module
    from grader.judging.probe import describe_error, run_checks

    torch = torchsetup.prepare()
    out = Path(job["out"])
    checks = load_module(Path(job["checks"]), checks_module_name(Path(job["checks"])))
    sys.modules.pop(checks.__name__, None)  # not importable by learner code (its helpers hold reference code)
    learner_file = Path(job["learner"]).resolve()
    save = _saver(torch.save, out)  # opened now: learner code may not open files in the job folder
    guard.install(job.get("private", []) + [str(Path(job["checks"]).parent), str(out.parent)], str(learner_file))
    sys.path.insert(0, str(learner_file.parent))
    try:
        ns = load_module(learner_file, "learner_" + learner_file.stem.split("_", 1)[-1])
    except BaseException as exc:
        save({"import_error": describe_error(exc, learner_file)})
        return
    if job.get("mistake"):
        mistake = next(m for m in checks.MISTAKES if m.name == job["mistake"])
        for name, value in mistake.replace.items():
            setattr(ns, name, value)
    outcomes = run_checks(checks.CHECKS, ns, learner_file)
    save({"outcomes": outcomes, "complete": True})


def _limit_resources(limits: dict) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    fsize = int(limits.get("file_bytes", 512 * 2**20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))


def _saver(torch_save, out: Path):
    """Write the payload through a handle opened before learner code runs; rename when complete."""
    part = out.with_suffix(".part")
    handle = open(part, "wb")

    def save(payload: dict) -> None:
        torch_save(payload, handle)
        handle.close()
        os.replace(part, out)

    return save


if __name__ == "__main__":
    main(sys.argv[1])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip atexit handlers and threads the learner's code may have left
