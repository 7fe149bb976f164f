"""What an autograder zip was built to do, written into it as `pytorch-tutor.json`, and where
each service puts things.

Gradescope: `/autograder/submission` in, `/autograder/results/results.json` out, the zip unpacked
in `/autograder/source`. PrairieLearn: `/grade/student` in, `/grade/results/results.json` out; the
zip's files live in the image (`/opt/pytorch-tutor/source`). Every root can be moved with an
environment variable, so the test lays the folders out under a temporary one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.errors import TutorError

CONFIG_FILE = "pytorch-tutor.json"
GRADESCOPE, PRAIRIELEARN = "gradescope", "prairielearn"
FORMATS = (GRADESCOPE, PRAIRIELEARN)
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
INSTALL_DIR = "/opt/pytorch-tutor"  # setup.sh's virtual environment lives in INSTALL_DIR/venv


@dataclass(frozen=True)
class Layout:
    root_env: str  # the variable that moves the root (the test's temporary folder)
    root: str
    inbox: str  # the submission's folder, under the root
    source: str  # where the zip's files are, "" for ROOT/source


LAYOUTS = {
    GRADESCOPE: Layout("PYTORCH_TUTOR_AUTOGRADER_ROOT", "/autograder", "submission", ""),
    PRAIRIELEARN: Layout("PYTORCH_TUTOR_GRADE_ROOT", "/grade", "student", f"{INSTALL_DIR}/source"),
}
SOURCE_ENV = "PYTORCH_TUTOR_AUTOGRADER_SOURCE"
PYTHON_ENV = "PYTORCH_TUTOR_PYTHON"


@dataclass(frozen=True)
class Config:
    format: str
    exercises: list[str]  # exercise ids, in course order
    package_version: str
    torch_version: str
    wheel: str  # the file name of the bundled wheel
    visibility: dict[str, str] = field(default_factory=dict)  # "03_nn_module" or "03_nn_module:name" -> visibility
    show_stdout: bool = False  # learner output shown in each test's output
    deadline: float = 540.0  # seconds for the whole run, then partial results
    timeout: float | None = None  # seconds per exercise (default: each exercise's own)
    jobs: int = 1
    memory_mb: int = 320  # per exercise's learner processes (proportional set size), inside the container's 768 MB
    unsafe: bool = False  # grade even without a file-system boundary (results say so)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def visibility_of(self, exercise_id: str, check: str) -> str:
        return self.visibility.get(f"{exercise_id}:{check}") or self.visibility.get(exercise_id) or "visible"


def read_config(source: Path) -> Config:
    """The zip's own description of itself (written by `build`; a malformed one is a TutorError)."""
    try:
        data = json.loads((source / CONFIG_FILE).read_text(encoding="utf-8"))
        config = Config(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise TutorError(f"The autograder's {CONFIG_FILE} cannot be read: {exc}") from None
    if config.format not in FORMATS or not all(isinstance(e, str) for e in config.exercises):
        raise TutorError(f"The autograder's {CONFIG_FILE} is malformed.")
    return config


def parse_visibility(specs: dict[str, list[str]], course) -> dict[str, str]:
    """{"after_due_date": ["03", "01:add_row_bias"]} -> {"03_nn_module": ..., "01_tensors:add_row_bias": ...}."""
    found: dict[str, str] = {}
    for visibility, items in specs.items():
        for item in items:
            exercise, _, check = item.partition(":")
            ex_id = course.resolve(exercise).id
            if check and not _has_check(course.resolve(exercise), check):
                raise TutorError(f"Exercise {ex_id} has no check named {check!r}.",
                                 hint="`pytorch-tutor check NN --json` lists each check's name.")
            found[f"{ex_id}:{check}" if check else ex_id] = visibility
    return found


def _has_check(exercise, name: str) -> bool:
    from grader.judging.reference import check_points

    return any(check == name for check, _ in check_points(exercise))
