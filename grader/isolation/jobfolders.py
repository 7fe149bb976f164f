"""Sweeping job folders whose keeper is gone, for both backends.

A job's folder is named PREFIX + its keeper's pid + "-" + something random. A keeper killed before
its own clean-up (Ctrl-C during a check, a cancelled Ray task, an autograder's whole-run deadline)
cannot remove its folder; the next pool, or the next run, sweeps it.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile


def sweep(alive, folder: str | None, prefix: str, accept=None, remove=None) -> None:
    """Remove the folders under `folder` (the temporary folder by default) named `prefix` + pid + "-"
    for which `alive(pid)` is false. Only real folders (never a link) are touched, and of those only
    what `accept(path)` allows, if given. `remove(path)` removes one (default: the folder and its files)."""
    root = folder or tempfile.gettempdir()
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].split("-", 1)[0] if name.startswith(prefix) else ""
        path = os.path.join(root, name)
        if pid.isdigit() and not alive(int(pid)) and real_folder(path) and (accept is None or accept(path)):
            remove(path) if remove is not None else shutil.rmtree(path, ignore_errors=True)


def real_folder(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False
