"""The server's reply, validated on the client like any other input before anything is printed.

A result must have every field of an ExerciseResult with its type and bounds; its learner-derived
strings are cleaned again (cleaning is idempotent). The rendered terminal text keeps newlines, tabs
and colour (SGR) escapes only; every other control character is made visible.
"""

from __future__ import annotations

import re

from grader.results import ERROR, FAILED, PASSED, CheckResult, ExerciseResult
from grader.text import clean_block, clean_line


class Malformed(Exception):
    """The reply is not what a server of this grader sends."""


_SGR = re.compile(r"\x1b\[[0-9;]{0,40}m")
_OTHER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE = ("call", "message", "expected", "got", "hint", "mistake", "target", "name", "differs_at")
_MAX_TEXT = 8 * 2**20


def result(data) -> ExerciseResult:
    """An ExerciseResult from the reply's `result`, or Malformed."""
    if type(data) is not dict:
        raise Malformed("no result")
    fields = dict(exercise=_text(data, "exercise"), title=_text(data, "title"), status=data.get("status"),
                  message=_text(data, "message"), hint=_text(data, "hint"), file=_text(data, "file"),
                  output=clean_block(_text(data, "output", _MAX_TEXT)), elapsed=_number(data, "elapsed"),
                  traceback=_frames(data.get("traceback")), isolation=_names(data.get("isolation")),
                  limit=clean_line(_text(data, "limit", 40)))
    if fields["status"] not in (PASSED, FAILED, ERROR):
        raise Malformed("bad status")
    checks = data.get("checks")
    if type(checks) is not list or len(checks) > 1000:
        raise Malformed("bad checks")
    return ExerciseResult(**fields, checks=[_check(c) for c in checks])


def results(data) -> list[ExerciseResult]:
    """The results of `check --all`, or Malformed."""
    if type(data) is not list or len(data) > 10_000:
        raise Malformed("no results")
    return [result(item) for item in data]


def _check(data) -> CheckResult:
    if type(data) is not dict or type(data.get("passed")) is not bool:
        raise Malformed("bad check")
    lines = {k: clean_line(_text(data, k), 100_000) for k in _LINE}
    return CheckResult(passed=data["passed"], points=_number(data, "points"), traceback=_frames(data.get("traceback")), **lines)


def _text(data: dict, key: str, limit: int = 1_000_000) -> str:
    value = data.get(key)
    if type(value) is not str or len(value) > limit:
        raise Malformed(f"bad {key}")
    return value


def _number(data: dict, key: str) -> float:
    value = data.get(key)
    if type(value) not in (int, float) or value != value or abs(value) > 1e12:
        raise Malformed(f"bad {key}")
    return value


def _frames(frames) -> list[list]:
    if type(frames) is not list or len(frames) > 1000:
        raise Malformed("bad traceback")
    out = []
    for frame in frames:
        if type(frame) is not list or len(frame) != 4 or type(frame[1]) is not int:
            raise Malformed("bad frame")
        if not all(type(frame[i]) is str for i in (0, 2, 3)):
            raise Malformed("bad frame")
        out.append([clean_line(frame[0], 4000), frame[1], clean_line(frame[2], 4000), clean_line(frame[3], 4000)])
    return out


def _names(names) -> list[str]:
    if type(names) is not list or len(names) > 50 or not all(type(n) is str and len(n) < 40 for n in names):
        raise Malformed("bad isolation")
    return [clean_line(n) for n in names]


def terminal_text(text) -> str:
    """The rendered text with its colour escapes kept and every other control character made visible."""
    if type(text) is not str or len(text) > _MAX_TEXT:
        raise Malformed("bad text")
    parts = _SGR.split(text)
    escapes = _SGR.findall(text)
    safe = [_OTHER.sub(lambda m: f"\\x{ord(m.group()):02x}", p) for p in parts]
    return "".join(p + (escapes[i] if i < len(escapes) else "") for i, p in enumerate(safe))


def error(data) -> tuple[str, str, int]:
    """(message, hint, exit status) of an error reply."""
    if type(data) is not dict or data.get("exit") not in (1, 2):
        raise Malformed("bad error")
    return clean_line(_text(data, "message", 100_000)), clean_line(_text(data, "hint", 100_000)), data["exit"]
