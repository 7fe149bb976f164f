"""Run a check's case again with a `grader.judging.tracer.Recorder` recording: in the learner's process
(`trace_cases`, the trace job) and on the trusted side (`grader.judging.pointer.correct_trace`).
"""

from __future__ import annotations

from typing import Any

from grader.judging.trace_grads import MAX_GRADS
from grader.judging.tracer import Recorder


def trace_case(check: Any, ns: Any, index: int, recorder: Recorder, learner: bool = False) -> dict:
    """Run case `index` of `check` on `ns` again, as `run_case` does, with `recorder` recording.
    Whatever the code raises ends the trace there (what was recorded is kept)."""
    import warnings

    from grader.judging.probe import seed_everything

    cases, result = check.cases(), None
    if index >= len(cases):
        return recorder.trace(None, index)
    seed_everything(check.seed(index))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with recorder:
                result = check.run(ns, cases[index])
        except BaseException as exc:  # the code under test again: whatever it raises, keep what ran
            if isinstance(exc, KeyboardInterrupt) and not learner:
                raise  # on the trusted side, the user's Ctrl-C
    return recorder.trace(result, index)


def trace_cases(checks: list, ns: Any, module_file: str, wanted: Any) -> dict:
    """In the learner's process: {check name: its trace} for each {check name: case index} asked for."""
    by_name = {c.name: c for c in checks}
    found = {}
    for name, index in (wanted.items() if type(wanted) is dict else ()):
        if name in by_name and type(index) is int:
            found[name] = trace_case(by_name[name], ns, index, Recorder([module_file], max_grads=MAX_GRADS), learner=True)
    return found
