"""`pytorch-tutor autograder gradescope|prairielearn`: the zip an instructor uploads.

It holds setup.sh, run_autograder, pytorch-tutor.json (what to grade, and how), a wheel of this
very pytorch-tutor, and the course material of the chosen exercises (`course/reference/`: the
course file and each exercise's folder); for PrairieLearn also a Dockerfile, since its grader runs
an image the course builds. Nothing here imports torch (its version is read from its metadata).
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

from grader.classroom.autograder import scripts
from grader.classroom.autograder.config import CONFIG_FILE, PRAIRIELEARN, Config
from grader.classroom.autograder.wheel import build_wheel, zip_bytes
from grader.errors import TutorError

EXECUTABLE = 0o755


def build(course, exercises: list, out: Path, fmt: str, **options) -> tuple[Path, Config]:
    """Write the zip for `exercises` of `course` to `out` (whole or not at all); the config it carries."""
    out = Path(out).expanduser()
    if out.is_dir():
        raise TutorError(f"{out} is a folder.", hint="Name the zip to write, e.g. -o autograder.zip")
    wheel, wheel_data, version = build_wheel()
    config = Config(fmt, [ex.id for ex in exercises], version, torch_version(), wheel, **options)
    entries = {"setup.sh": scripts.setup_sh(config).encode(), "run_autograder": scripts.run_autograder(config).encode(),
               CONFIG_FILE: config.to_json().encode(), wheel: wheel_data, **course_files(course, exercises)}
    if fmt == PRAIRIELEARN:
        entries["Dockerfile"] = scripts.dockerfile(config).encode()
    data = zip_bytes(sorted(entries.items()), {"setup.sh": EXECUTABLE, "run_autograder": EXECUTABLE})
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    return out, config


def torch_version() -> str:
    """The torch this machine has, without importing it ("2.13.0", local labels such as +cpu dropped)."""
    try:
        return metadata.version("torch").split("+")[0]
    except metadata.PackageNotFoundError:
        raise TutorError("torch is not installed here, so the autograder's torch version cannot be pinned.",
                         hint="Install the torch the course is tested with, e.g. pip install torch==2.13.0") from None


def course_files(course, exercises: list) -> dict[str, bytes]:
    """course/reference/course.toml and each chosen exercise's folder (no caches, no links)."""
    reference = exercises[0].folder.parent if exercises else course.root / "reference"
    files = {"course/reference/course.toml": (reference / "course.toml").read_bytes()}
    for ex in exercises:
        for path in sorted(ex.folder.rglob("*")):
            rel = path.relative_to(reference)
            if path.is_file() and not path.is_symlink() and "__pycache__" not in rel.parts:
                files[f"course/reference/{rel.as_posix()}"] = path.read_bytes()
    return files

