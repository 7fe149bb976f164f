"""Run an exercise's checks against one namespace and record what came back.

The same code runs in the learner's process (on their module) and in the
trusted process (on the reference and on known-mistake variants), so both
sides see the same inputs and produce results in the same encoded form.
"""

from __future__ import annotations

import random
import traceback
from pathlib import Path
from typing import Any, Iterable

from grader.judging.encode import encode


def run_checks(checks: Iterable[Any], ns: Any, learner_file: Path | None = None) -> dict[str, list[dict]]:
    """Outcomes per check name: a list with one entry per case, up to the first error.

    `learner_file` is given in the learner's process, where every exception the code raises is
    an outcome (its process has no terminal, so even KeyboardInterrupt is the code's own). On
    the trusted side (None) a KeyboardInterrupt is the user's Ctrl-C and stops grading."""
    return {check.name: run_check(check, ns, learner_file) for check in checks}


def run_check(check: Any, ns: Any, learner_file: Path | None = None) -> list[dict]:
    if not hasattr(ns, check.target):
        return [{"error": {"type": "missing", "message": f"`{check.target}` is not defined in your file", "frames": []}}]
    outcomes = []
    for i, args in enumerate(check.cases()):
        seed_everything(check.seed(i))
        try:
            outcomes.append({"value": encode(check.run(ns, args))})
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from learner code too
            if isinstance(exc, KeyboardInterrupt) and learner_file is None:
                raise
            outcomes.append({"error": describe_error(exc, learner_file)})
            break
    return outcomes


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy

        numpy.random.seed(seed)
    except ImportError:
        pass


def describe_error(exc: BaseException, learner_file: Path | None) -> dict:
    """An exception as data, keeping only the frames in the learner's own file."""
    frames = traceback.extract_tb(exc.__traceback__)
    if learner_file is not None:
        mine = str(Path(learner_file).resolve())
        frames = [f for f in frames if _same_file(f.filename, mine)]
    rows = [[f.filename, f.lineno or 0, f.name, (f.line or "").strip()] for f in frames]
    if isinstance(exc, SyntaxError) and exc.filename:
        rows.append([exc.filename, exc.lineno or 0, "<module>", (exc.text or "").strip()])
    info = {"type": type(exc).__name__, "message": _message(exc), "frames": rows[-8:]}
    if isinstance(exc, NotImplementedError) and rows:
        info["not_implemented"] = rows[-1][2]
    return info


def _same_file(name: str, resolved: str) -> bool:
    try:
        return str(Path(name).resolve()) == resolved
    except (OSError, ValueError):
        return False


def _message(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = "<message could not be read>"
    if isinstance(exc, SystemExit):
        text = f"your code called sys.exit({exc.code!r})" if not isinstance(exc.code, str) else exc.code
    return text[:1000]
