"""Load a Python file as a module, by path, under a name of our choosing."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType


def load_module(path: Path, name: str) -> ModuleType:
    """Execute `path` as module `name`. Exceptions from the file propagate."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


CHECKS_PREFIX, REFERENCE_PREFIX = "pytorch_tutor_checks_", "pytorch_tutor_reference_"


def checks_module_name(exercise_id: str) -> str:
    return CHECKS_PREFIX + exercise_id


def reference_module_name(exercise_id: str) -> str:
    return REFERENCE_PREFIX + exercise_id


def course_code_loaded() -> bool:
    """True once this process has loaded any checks, reference or mistake module (a fork would inherit it)."""
    from grader.judging.mistakes import MODULE_PREFIX

    return any(name.startswith((CHECKS_PREFIX, REFERENCE_PREFIX, MODULE_PREFIX)) for name in list(sys.modules))


def file_signature(path) -> tuple | None:
    """What changes when the file is edited or replaced (size, modification time, inode); None if unreadable.
    A checks module loaded ahead of its job is used only while its file's signature is unchanged."""
    try:
        info = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino
