"""Ctrl-C that cannot be lost on the way.

Python raises KeyboardInterrupt wherever the main thread is when SIGINT lands. A few places in code
not ours drop every exception raised inside them: a Cython module's start-up registering its classes
with `collections.abc` (numpy.random's, imported on the first seed: seen here, a check then ran on to
its time limit), an at-fork hook. The command line calls `install()` once: each SIGINT is noted before
it is raised, and `raise_if_noted()`, called before every wait for a learner's process and after a
command, raises it again where the first was dropped. Other hosts (a notebook's kernel) keep theirs.
"""

from __future__ import annotations

import signal

_noted: list[int] = []


def install() -> None:
    """Note each SIGINT from now on; not where SIGINT is ignored (started by `nohup`, or as a background job
    of a script): Python keeps an inherited SIG_IGN, and so do we."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _note_and_raise)


def _note_and_raise(signum, frame) -> None:
    _noted.append(signum)
    raise KeyboardInterrupt


def noted() -> bool:
    return bool(_noted)


def raise_if_noted() -> None:
    if _noted:
        raise KeyboardInterrupt
