"""What learner code may not touch inside its own process.

Installed by the worker after it has loaded the checks and before it loads the
learner's file, as a `sys.addaudithook` hook (which cannot be removed):

- no opening files in the reference folder (the solutions) or the job folder
  (the job description and the results file the grader writes);
- no starting other programs (`subprocess`, `os.system`, `os.exec*`,
  `os.posix_spawn`); `os.fork` and `multiprocessing` with fork still work, and
  their processes are ended with the check.

This stops the realistic ways to copy the reference or forge a result file.
It is not an OS sandbox: code using ctypes to call libc directly is not seen
here. The verdict never depends on this alone; it is decided in another
process from data read with `weights_only=True`.
"""

from __future__ import annotations

import os
import sys

_EXEC_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn"}


def install(forbidden_dirs: list[str], allowed_file: str) -> None:
    """Refuse opening files under `forbidden_dirs` (except `allowed_file`, the learner's own)."""
    roots = tuple(os.path.realpath(d) + os.sep for d in forbidden_dirs)
    allowed = os.path.realpath(allowed_file)
    realpath, fspath, sep = os.path.realpath, os.fspath, os.sep

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path = args[0]
            if isinstance(path, int):
                return
            try:
                full = realpath(fspath(path))
            except (TypeError, ValueError):
                return
            if isinstance(full, bytes):
                full = full.decode(errors="replace")
            if full != allowed and (full + sep).startswith(roots):
                raise PermissionError(f"exercise code may not open {fspath(path)!r}: it belongs to the grader")
        elif event in _EXEC_EVENTS:
            raise PermissionError("exercise code may not start other programs")

    sys.addaudithook(hook)
