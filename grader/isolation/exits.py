"""How a learner's process ends, on every backend: its exit status and what it writes on the way out."""

from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn


def run_and_exit(run) -> NoReturn:
    """Call `run()`; exit 0, SystemExit's code, or 1 after printing the exception."""
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        if exc.code is not None and not isinstance(exc.code, int):
            write_stderr(f"{exc.code}\n")
    except BaseException:
        print_exception()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code & 0xFF)


def write_stderr(text: str) -> None:
    try:
        os.write(2, text.encode(errors="replace"))
    except OSError:
        pass


def print_exception() -> None:
    """The exception being handled, written to fd 2 itself: sys.stderr may wrap an fd that the
    boundary has closed (as under pytest's capture)."""
    write_stderr(traceback.format_exc())
