"""The client's end: find the course's server, hand it a job, start one in the background.

Imports neither torch, rich nor typer: a warm `check` costs a Python start, this module, one
round trip and printing. A server that cannot be reached, is not ours, is stale, or failed is
never an error here: the caller grades cold instead (and a fresh server is started afterwards).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from grader.isolation import protocol
from grader.service import transport

NO_SERVER_ENV = "PYTORCH_TUTOR_NO_SERVER"
REPLY_CAP = protocol.MAX_HEAD  # a result with its captured output (check --all: 16 MiB in all)
CONNECT_SECONDS = 2.0


def disabled() -> bool:
    return os.environ.get(NO_SERVER_ENV, "") not in ("", "0")


def ask(root: Path, message: dict, seconds: float) -> dict | None:
    """The server's reply to `message`, or None if no server of ours answered in time."""
    from grader.service.stamp import code_stamp

    try:
        channel = transport.connect(transport.address(root), CONNECT_SECONDS)
    except transport.Refused:
        return None
    with channel:
        try:
            channel.send({**message, "stamp": code_stamp()})
            reply = channel.receive(time.monotonic() + seconds, REPLY_CAP)
        except (protocol.Lost, OSError):
            return None
    return None if reply.get("stale") else reply


def check_request(root: Path, exercise: str, file: str | None, fmt: str) -> dict:
    """A `check` job as the server expects it, with how this terminal shows text."""
    return {"kind": "check", "course": str(root), "exercise": exercise, "format": fmt, "cwd": os.getcwd(),
            "file": os.path.abspath(os.path.expanduser(file)) if file else None,
            "width": terminal_width(), "colour": colour_system()}


def terminal_width() -> int:
    """The width rich would use for this stdout: $COLUMNS, the terminal's, else 80."""
    try:
        return max(20, min(1000, int(os.environ["COLUMNS"])))
    except (KeyError, ValueError):
        pass
    try:
        return max(20, min(1000, os.get_terminal_size(sys.stdout.fileno()).columns)) if sys.stdout.isatty() else 80
    except (OSError, ValueError):
        return 80


def colour_system() -> str | None:
    """None for plain text (piped, or $NO_COLOR), else the colours this terminal declares."""
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty() or os.environ.get("TERM") == "dumb":
        return None
    if os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    return "256" if "256" in os.environ.get("TERM", "") else "standard"


def start(root: Path):
    """Start the server of `root` in the background (it ends at once if one is running): its Popen, or None
    if it cannot be started."""
    import subprocess  # here: a warm check never starts one

    try:
        log = open(transport.files(root).with_suffix(".log"), "ab")
    except (OSError, transport.Refused):
        return None
    code = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(code) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")}
    env.pop("PYTORCH_TUTOR_COURSE", None)
    with log:
        return subprocess.Popen([sys.executable, "-m", "grader.service.server", str(root)], cwd=code, env=env,
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True)
