"""Python and the grader, read from where the private /tmp hides them.

Where Python or the grader is installed under /tmp (a clone or a virtual environment there),
the job's private /tmp covers it. Rather than bind it back into that /tmp (a stray entry
the learner would see there), the learner's process keeps an `O_PATH` descriptor of each such
folder, opened before the cover, and reads it through `/proc/self/fd/N`, which reaches the
folder whatever is mounted over its name. Every path Python holds to it is rewritten once,
before Landlock: `sys.path`, the modules' files and package paths, the import caches, the
prefixes and sysconfig's variables. Landlock's rules are on the folders themselves (opened
before the cover too), so what the learner may read there is unchanged.
"""

from __future__ import annotations

import importlib
import os
import stat
import sys
import sysconfig
from pathlib import Path


def hidden_under(folder: str, paths) -> list[str]:
    """The outermost of `paths` that lie under `folder` and exist: what a mount on `folder` would hide."""
    inside = sorted(p for p in dict.fromkeys(paths) if p.startswith(folder.rstrip("/") + "/") and os.path.isdir(p))
    return [p for i, p in enumerate(inside) if not any(_within(p, outer) for outer in inside[:i])]


def open_all(paths: list[str]) -> dict[str, int]:
    """{path: an O_PATH descriptor of it}, opened now, before anything is mounted over them."""
    return {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for path in paths}


def open_to_others(path: str, folders: dict[str, int]) -> bool:
    """Whether a user with no rights of its own reaches `path` (under one of `folders`) through its
    descriptor: the folders above the hidden one no longer count, those from it down to `path` do."""
    root = next(folder for folder in folders if _within(path, folder))
    below = Path(path).relative_to(root).parts
    steps = [os.path.join(root, *below[:i]) for i in range(len(below) + 1)]
    try:
        return all(not stat.S_ISDIR(mode) or mode & stat.S_IXOTH for mode in (os.stat(step).st_mode for step in steps))
    except OSError:
        return False


def close_all(folders: dict[str, int]) -> dict[str, int]:
    """Close the descriptors (nothing was covered after all); an empty mapping."""
    for fd in folders.values():
        os.close(fd)
    return {}


def moved(path: str, folders: dict[str, int]) -> str:
    """`path` as this process reaches it once `folders` are hidden (itself if it is under none)."""
    for folder, fd in folders.items():
        if _within(path, folder):
            return f"/proc/self/fd/{fd}{path[len(folder.rstrip('/')):]}"
    return path


def relocate(folders: dict[str, int]) -> None:
    """Point every path Python holds under `folders` at their descriptors (see the module's docstring)."""
    if not folders:
        return
    sys.path[:] = [moved(p, folders) if isinstance(p, str) else p for p in sys.path]
    for name in ("prefix", "base_prefix", "exec_prefix", "base_exec_prefix", "executable", "_base_executable"):
        if isinstance(getattr(sys, name, None), str):
            setattr(sys, name, moved(getattr(sys, name), folders))
    for module in list(sys.modules.values()):
        try:
            _relocate_module(vars(module), folders)
        except Exception:  # noqa: BLE001 (an odd module: it keeps its old paths, which only its own imports use)
            continue
    variables = sysconfig.get_config_vars()
    for key, value in list(variables.items()):
        if isinstance(value, str) and value.startswith("/"):
            variables[key] = moved(value, folders)
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()


def _relocate_module(names: dict, folders: dict[str, int]) -> None:
    """One module's paths, read from its namespace (never through a module's own __getattr__)."""
    for attribute in ("__file__", "__cached__"):
        if isinstance(names.get(attribute), str):
            names[attribute] = moved(names[attribute], folders)
    search = names.get("__path__")
    inner = search.__dict__.get("_path") if hasattr(search, "__dict__") else search  # a namespace package's list
    if isinstance(inner, list):
        inner[:] = [moved(p, folders) if isinstance(p, str) else p for p in inner]
    loader = names.get("__loader__")
    if isinstance(getattr(loader, "path", None), str):  # a source file's loader: get_data, get_source
        _set(loader, "path", moved(loader.path, folders))
    spec = names.get("__spec__")
    if spec is not None and isinstance(getattr(spec, "origin", None), str):
        _set(spec, "origin", moved(spec.origin, folders))
        if isinstance(getattr(spec, "_cached", None), str):  # ModuleSpec.cached, once worked out
            _set(spec, "_cached", moved(spec._cached, folders))
    locations = getattr(spec, "submodule_search_locations", None)
    if isinstance(locations, list) and locations is not inner:
        locations[:] = [moved(p, folders) if isinstance(p, str) else p for p in locations]


def _set(target, attribute: str, value: str) -> None:
    try:
        setattr(target, attribute, value)
    except (AttributeError, TypeError):  # a read-only attribute of an extension's module: left as it is
        pass


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
