"""The kernel's end of the grading server (`grader.notebooks.server`).

The first check of a kernel starts the server (a fresh process: a kernel has threads and
is not forked) on a socketpair whose other end only it holds; later checks reuse it. The
server ends when this kernel closes its end (a clean shutdown: `atexit` here) or dies (a
restart kills the kernel: PR_SET_PDEATHSIG tells the server, which then cleans up and
exits). A server that died is replaced at the next check; an interrupted check ends its
server. Nothing here imports torch.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from grader.errors import TutorError
from grader.isolation import protocol
from grader.isolation.forked import GRACE, child_env
from grader.isolation.sandbox import wall_limit
from grader.text import clean_block

START = 180.0  # seconds the server may take to import torch and fork its zygote

_lock = threading.Lock()
_server: "Server | None" = None


class Server:
    """One grading server process, and our end of its socketpair."""

    def __init__(self):
        code = Path(__file__).resolve().parents[2]  # where grader/ lives, installed or not
        ours, theirs = socket.socketpair()
        self.log = tempfile.TemporaryFile()  # what it says if it fails to start
        if sys.platform == "win32":  # no descriptor passing: the socket is handed over with socket.share()
            argv = [sys.executable, "-m", "grader.notebooks.server", "share", str(os.getpid())]
            self.proc = subprocess.Popen(argv, cwd=code, env=child_env(), stdin=subprocess.PIPE, stdout=self.log,
                                         stderr=self.log, creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)
            self.proc.stdin.write(theirs.share(self.proc.pid))
            self.proc.stdin.close()
        else:
            argv = [sys.executable, "-m", "grader.notebooks.server", str(theirs.fileno()), str(os.getpid())]
            self.proc = subprocess.Popen(argv, pass_fds=(theirs.fileno(),), cwd=code, env=child_env(), start_new_session=True,
                                         stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)  # a session of its own:
            # Jupyter kills a kernel's whole process group on restart, and the server must live to clean up after itself
        theirs.close()
        self.sock, self.hello = ours, None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ask(self, request: dict, seconds: float) -> dict:
        """Send one request; its reply (a TutorError if the server stopped or did not answer in time)."""
        try:
            if self.hello is None:
                self.hello, _ = protocol.receive_json(self.sock, deadline=time.monotonic() + START)
            protocol.send_json(self.sock, request)
            reply, _ = protocol.receive_json(self.sock, deadline=time.monotonic() + seconds)
            return reply
        except (protocol.Lost, OSError) as exc:
            said = self.said()
            self.close()
            raise TutorError(f"The grading process stopped before it answered ({exc}).{said}",
                             hint="Run the check again: it starts a new grading process.") from None

    def said(self) -> str:
        """The end of what the server wrote to its log, for an error message."""
        try:
            self.log.seek(0)
            text = clean_block(self.log.read()[-1500:].decode("utf-8", "replace")).strip()
        except (OSError, ValueError):
            return ""
        return f" It said: {text}" if text else ""

    def close(self, now: bool = False) -> None:
        """End the server: close our end, upon which it shuts down cleanly once idle (`now`: at once,
        mid-check, by SIGTERM); killed if it lingers."""
        self.sock.close()
        if now:
            self.proc.terminate()
        for stop in (self.proc.terminate, self.proc.kill):
            try:
                self.proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                stop()
        else:
            self.proc.wait()
        self.log.close()


def grade(request: dict, timeout: float) -> dict:
    """The server's reply to a check request (the server started first if none is running)."""
    global _server
    with _lock:
        if _server is None or not _server.alive():
            if _server is not None:
                _server.close()
            _server = Server()
        server = _server
        try:
            return server.ask(request, 2 * (wall_limit(timeout) + GRACE) + 60)  # a learn job, an inspect job, the reference
        except BaseException:  # no answer, or Ctrl-C / the kernel's interrupt button: this server is done
            server.close(now=True)
            _server = None
            raise


def about() -> dict | None:
    """What the running server said when it was ready (its pid, whether it is dumpable), or None."""
    return dict(_server.hello or {}) if _server is not None and _server.alive() else None


@atexit.register
def shutdown() -> None:
    """End the server, if any (the kernel is shutting down or restarting)."""
    global _server
    with _lock:
        if _server is not None:
            _server.close()
            _server = None
