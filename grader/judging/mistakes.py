"""Known mistakes: one learner-style file each, `reference/NN_name/mistakes/<name>.py`.

A mistake file is a wrong solution as a learner would write it, with its hint in a
`HINT = "..."` line. It may define every target, or only the ones it gets wrong: the
trusted side runs the reference's source and then the mistake's in one namespace, so a
function the file leaves out is the reference's, and a reference function that calls one
the file redefines calls the mistake's (exactly as in a learner's file). Mistake files
are loaded only in the trusted process, never in the learner's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.judging.hints import literal_string

MODULE_PREFIX = "pytorch_tutor_mistake_"


@dataclass(frozen=True)
class MistakeFile:
    name: str
    path: Path
    hint: str  # "" when the file has no HINT literal (validate reports it)

    @property
    def unreviewed(self) -> bool:
        """A draft mined from a class (`pytorch-tutor mine`) whose hint is not written yet: a student's code,
        never run by the grader until an instructor has read it and written the hint (validate refuses it)."""
        return self.hint.strip() == "TODO"


def mistake_files(paths: list[Path]) -> list[MistakeFile]:
    return [MistakeFile(p.stem, p, literal_string(p, "HINT") or "") for p in paths]


def load_mistake(mistake: MistakeFile, solution: Path, exercise_name: str) -> ModuleType:
    """The reference's namespace with the mistake file's definitions on top (exceptions propagate)."""
    module = ModuleType(f"{MODULE_PREFIX}{exercise_name}_{mistake.name}")
    module.__file__ = str(mistake.path)
    for path in (solution, mistake.path):
        code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
        exec(code, module.__dict__)  # noqa: S102 - course material, trusted side only
    return module


def composed_source(mistake_path: Path, solution: Path) -> str:
    """The mistake as one learner file: the reference, then the mistake's definitions (for tests and
    validate, which grade it the way a learner's file is graded)."""
    return solution.read_text(encoding="utf-8") + "\n\n# ---- the mistake ----\n\n" + mistake_path.read_text(encoding="utf-8")


class MistakeBook:
    """Each known mistake's outcomes on each check, computed in this process when first needed."""

    def __init__(self, mistakes: list[MistakeFile], solution: Path, exercise_name: str, transformed):
        self.mistakes, self.solution, self.exercise_name = mistakes, solution, exercise_name
        self.transformed = transformed  # (check, outcomes) -> outcomes, the check's trusted-side transform
        self._modules: dict[str, ModuleType | None] = {}
        self._outcomes: dict[tuple[str, str], list[dict]] = {}

    def module(self, mistake: MistakeFile) -> ModuleType | None:
        if mistake.name not in self._modules:
            try:
                self._modules[mistake.name] = load_mistake(mistake, self.solution, self.exercise_name)
            except Exception:  # a broken mistake file never matches; validate names it
                self._modules[mistake.name] = None
        return self._modules[mistake.name]

    def outcomes(self, mistake: MistakeFile, check: Any) -> list[dict]:
        """The mistake's outcomes on `check`, after the check's transform (as the reference's are)."""
        from grader.judging.probe import run_check

        key = (mistake.name, check.name)
        if key not in self._outcomes:
            with warnings.catch_warnings():  # a variant's warnings (0 / 0, a var() of one sample) are not the learner's
                warnings.simplefilter("ignore")
                module = self.module(mistake)
                raw = [] if module is None else run_check(check, module, str(mistake.path))
            self._outcomes[key] = self.transformed(check, raw)
        return self._outcomes[key]
