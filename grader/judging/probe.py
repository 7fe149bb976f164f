"""Run an exercise's checks against one namespace and record what came back.

The same code runs in the learner's process (on their module) and in the trusted
process (on the reference and on known mistakes), so both sides see the same inputs
and produce results in the same encoded form.
"""

from __future__ import annotations

import contextlib
import random
import threading
import traceback
import warnings
from pathlib import Path
from typing import Any, Iterable

from grader.judging.encode import encode


def run_checks(checks: Iterable[Any], ns: Any, module_file: str | None = None, learner: bool = False) -> dict[str, list[dict]]:
    """Outcomes per check name: a list with one entry per case, up to the first error.

    `module_file` is the file of the code under test (for `forbid` and for keeping only its
    frames). In the learner's process (`learner`), every exception the code raises is an
    outcome, even KeyboardInterrupt (it has no terminal); on the trusted side a
    KeyboardInterrupt is the user's Ctrl-C and stops grading."""
    return {check.name: run_check(check, ns, module_file, learner) for check in checks}


def run_check(check: Any, ns: Any, module_file: str | None = None, learner: bool = False) -> list[dict]:
    if not hasattr(ns, check.target):
        return [{"error": {"type": "missing", "message": f"`{check.target}` is not defined in your file", "frames": []}}]
    outcomes = []
    for i, args in enumerate(check.cases()):
        entry = run_case(check, ns, i, args, module_file, learner)
        outcomes.append(entry)
        if "error" in entry:
            break
    return outcomes


def run_case(check: Any, ns: Any, index: int, args: tuple, module_file: str | None, learner: bool) -> dict:
    seed_everything(check.seed(index))
    spy = _spy(check, module_file)
    try:
        with spy if spy is not None else contextlib.nullcontext(), _quiet(not learner):
            entry = {"value": encode(check.run(ns, args))}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt from learner code too
        if isinstance(exc, KeyboardInterrupt) and not learner:
            raise
        entry = {"error": describe_error(exc, module_file if learner else None, module_file)}
        if learner and module_file and not entry["error"]["frames"] and isinstance(exc, RuntimeError):
            _explain_backward(entry["error"], check, ns, index, module_file)
    if spy is not None and spy.called:
        entry["forbidden"] = list(spy.called)
    return entry


@contextlib.contextmanager
def _quiet(trusted: bool):
    """On the trusted side, warnings that the reference or a known mistake raises are not shown: a mistake is
    often exactly the code PyTorch warns about, and its warnings would print among the learner's verdicts.
    In the learner's process warnings stay on: they are part of the output the learner is shown."""
    if not trusted:
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _spy(check: Any, module_file: str | None):
    if not getattr(check, "forbid", ()) or not module_file:
        return None
    from grader.judging.spy import forbidden_calls

    return forbidden_calls(check.forbid, module_file)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    _seed_torch(seed)
    try:
        import numpy

        numpy.random.seed(seed)
    except ImportError:
        pass


_SEEDING = threading.Lock()


def _seed_torch(seed: int) -> None:
    """torch.manual_seed(seed), without the cost of its stack traces: for each device not initialized (CUDA,
    XPU, ...) it queues the seed with `traceback.format_stack()`, for an error message should that device's
    initialization fail, which reads the source of every frame (in a fresh learner process, from disk):
    most of a warm check's own time for an exercise of many cases. The seeds queued and set are the same."""
    import torch

    with _SEEDING:  # one swap at a time: two threads interleaving could leave the stand-in in place
        format_stack, traceback.format_stack = traceback.format_stack, _no_stack
        try:
            torch.manual_seed(seed)
        finally:
            traceback.format_stack = format_stack


def _no_stack(*_args, **_kwargs) -> list[str]:
    return ["  (stack not recorded by pytorch-tutor's seeding)\n"]


def describe_error(exc: BaseException, learner_file: str | None, code_file: str | None = None) -> dict:
    """An exception as data, keeping only the frames in the learner's own file.

    A NotImplementedError is "not implemented yet" only when the code under test raised it itself
    (its innermost frame is in `code_file`, else `learner_file`): one raised inside a library it
    called (torch's `ExportedProgram.module().eval()`) is an error of that code like any other."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = frames[-1].filename if frames else None
    if learner_file is not None:
        mine = str(Path(learner_file).resolve())
        frames = [f for f in frames if _same_file(f.filename, mine)]
    rows = [[f.filename, f.lineno or 0, f.name, (f.line or "").strip()] for f in frames]
    if isinstance(exc, SyntaxError) and exc.filename:
        rows.append([exc.filename, exc.lineno or 0, "<module>", (exc.text or "").strip()])
    info = {"type": type(exc).__name__, "message": _message(exc), "frames": rows[-8:]}
    if isinstance(exc, NotImplementedError) and rows and _raised_in(own, code_file or learner_file):
        info["not_implemented"] = rows[-1][2]
    return info


def _explain_backward(error: dict, check: Any, ns: Any, index: int, module_file: str) -> None:
    """An error raised in the probe's own backward(): run the case again under anomaly
    detection to find the learner's line that built the failing part of the graph."""
    from grader.judging.backward import locate

    found = locate(lambda: check.run(ns, check.cases()[index]), lambda: seed_everything(check.seed(index)), module_file, error)
    if found is not None:
        error["frames"], error["backward"] = found


def _raised_in(innermost: str | None, code_file: str | None) -> bool:
    if code_file is None:
        return True  # nothing to tell the code under test from a library by
    return innermost is not None and _same_file(innermost, str(Path(code_file).resolve()))


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
