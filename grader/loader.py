"""Load a Python file as a module, by path, under a name of our choosing."""

from __future__ import annotations

import importlib.util
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


def checks_module_name(path: Path) -> str:
    return "pytorch_tutor_checks_" + path.stem.removesuffix("_checks")
