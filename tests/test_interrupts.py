"""grader.interrupts: the command line notes every Ctrl-C, and keeps an inherited "ignore SIGINT"."""

from __future__ import annotations

import signal
import subprocess
import sys

from conftest import ROOT

SHOW = ("import signal; from grader import interrupts; interrupts.install(); "
        "h = signal.getsignal(signal.SIGINT); print('ignored' if h is signal.SIG_IGN else h.__name__)")


def _installed(preexec) -> str:
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, capture_output=True, text=True, check=True,
                          preexec_fn=preexec).stdout.strip()


def test_a_command_line_started_normally_notes_each_ctrl_c():
    assert _installed(lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) == "_note_and_raise"


def test_a_command_line_started_with_sigint_ignored_keeps_ignoring_it():
    """nohup, or a background job of a script: Python keeps the inherited SIG_IGN, and so does install()."""
    assert _installed(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) == "ignored"
