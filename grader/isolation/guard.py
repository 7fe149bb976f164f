"""What learner code may not touch inside its own process.

Installed by the worker after it has loaded the checks and before it loads the
learner's file, as a `sys.addaudithook` hook (which cannot be removed):

- no opening files in the reference folder (the solutions) or the job folder
  (the job description and the results file the grader writes), except in the
  learner's own writable folder (a forbidden folder can hold it: a submission
  checked from /tmp makes /tmp forbidden, while the learner's /tmp is its own);
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


def install(forbidden_dirs: list[str], allowed_file: str, own_dir: str | None = None) -> None:
    """Refuse opening files under `forbidden_dirs`, except `allowed_file` (the learner's own) and
    anything under `own_dir` (its writable folder)."""
    roots = tuple(folder_prefix(os.path.realpath(d)) for d in forbidden_dirs)
    allowed = os.path.normcase(os.path.realpath(allowed_file))
    own = (folder_prefix(os.path.realpath(own_dir)),) if own_dir else ()
    realpath, fspath, sep, normcase = os.path.realpath, os.fspath, os.sep, os.path.normcase

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
            full = normcase(full)  # Windows: C:\\Course and c:\\course are one folder
            if full != allowed and (full + sep).startswith(roots) and not (full + sep).startswith(own):
                raise PermissionError(f"exercise code may not open {fspath(path)!r}: it belongs to the grader")
        elif event in _EXEC_EVENTS:
            raise PermissionError("exercise code may not start other programs")

    sys.addaudithook(hook)


def folder_prefix(path: str, pathmod=os.path) -> str:
    """`path` as a prefix that only paths inside it start with: normalised case (Windows), one trailing
    separator. `pathmod` is ntpath or posixpath in the tests."""
    return pathmod.normcase(path).rstrip(pathmod.sep) + pathmod.sep
