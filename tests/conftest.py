"""Shared fixtures: the repository's own course, and a way to grade a file through the real pipeline."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

import os  # noqa: E402
import tempfile  # noqa: E402

# One temporary folder for everything this test session (and the processes it starts) makes, so a
# test can see exactly what grading left behind, whatever else runs on the machine. Under
# pytest-xdist each worker has its own, beside the controller's (not inside it: a server's socket
# address must stay short).
_BASE = os.environ.setdefault("PYTORCH_TUTOR_TESTS_BASE", tempfile.gettempdir())
tempfile.tempdir = os.environ["TMPDIR"] = tempfile.mkdtemp(prefix="pytorch-tutor-tests-", dir=_BASE)
# Every command a test runs grades cold, in its own process, and starts no background server;
# the server's own tests (test_server.py) turn it back on for the processes they start.
os.environ["PYTORCH_TUTOR_NO_SERVER"] = "1"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grader.course import find_course  # noqa: E402
from grader.engine import check_exercise  # noqa: E402

COURSE = find_course(ROOT)


def copy_course(target: Path) -> Path:
    """A copy of the repository's course (exercises and references) in `target`, for tests that change it."""
    import shutil

    for name in ("exercises", "reference"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
    return target


CLI_ENV = {"NO_COLOR": "1", "COLUMNS": "200"}  # plain text, wide enough that messages do not wrap


def cli(course_dir: Path, *args: str):
    """`pytorch-tutor --course COURSE_DIR ARGS...`, run in this process with plain output."""
    from typer.testing import CliRunner

    from cli import app

    return CliRunner().invoke(app, ["--course", str(course_dir), *args], env=CLI_ENV)


def python_json(script: str, *args: str) -> dict:
    """Run `script` (dedented) in a fresh `python -c` from the checkout; the JSON its last line printed."""
    import json
    import subprocess
    import textwrap

    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def progress(course_dir: Path) -> dict:
    """The exercises part of a course's progress file."""
    import json

    return json.loads((course_dir / ".pytorch-tutor" / "progress.json").read_text())["exercises"]


@pytest.fixture()
def course_dir(tmp_path: Path) -> Path:
    """A fresh copy of the course, for one test to change."""
    return copy_course(tmp_path)


@pytest.fixture(scope="session")
def course():
    return COURSE


_POOL = None


def warm_pool():
    """One pool of warm workers for the whole test session (learner code still runs in a fresh fork)."""
    global _POOL
    if _POOL is None:
        from grader.isolation.backend import Pool

        _POOL = Pool().__enter__()
    return _POOL


# The longest modules first: with `-n auto --dist loadfile` (README's test command) each worker takes
# the next whole module in this order, so the long ones start at once and the workers end together.
LONGEST_FIRST = ("test_validate_portable.py", "test_course_content.py", "test_server_parity.py", "test_adversarial.py",
                 "test_portable.py", "test_load.py", "test_cli.py", "test_autograder.py", "test_server.py")


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each module keeps its own order


def pytest_sessionfinish(session, exitstatus):
    if _POOL is not None:
        _POOL.close()


def grade(exercise_id: str, file: Path | None = None, cold: bool = False, **limits):
    """Grade `file` for an exercise of the repository's course, in a real learner process."""
    from grader.isolation.sandbox import Limits

    exercise = COURSE.resolve(exercise_id)
    lim = Limits(timeout=limits.pop("timeout", exercise.timeout), **limits)
    return check_exercise(COURSE, exercise, file, limits=lim, pool=None if cold else warm_pool())


@contextlib.contextmanager
def kernel_set_up(client):
    """`client.setup_kernel()` (nbclient), started once more when the first start lost jupyter_client's
    port race: it picks free TCP ports, then the kernel binds them, and another test's process may take
    one in between (zmq "Address already in use", then "Kernel died before replying to kernel_info":
    seen once in a loaded run). A second failure is a real one."""
    for attempt in (1, 2):
        manager = client.setup_kernel()
        try:
            manager.__enter__()
            break
        except RuntimeError as exc:
            if attempt == 2 or "before replying to kernel_info" not in str(exc):
                raise
            client.km = client.kc = None
    try:
        yield
    except BaseException:
        if not manager.__exit__(*sys.exc_info()):
            raise
    else:
        manager.__exit__(None, None, None)


def as_at_a_terminal() -> None:
    """`preexec_fn` for a command line a test will Ctrl-C: SIGINT handled as a terminal's shell leaves it,
    even when the suite was started with SIGINT ignored (a background job of a non-interactive shell, as
    `bash .ci/run &` is: Python, and so the command line, keep an inherited SIG_IGN)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def process_name(pid: int) -> str:
    """The process's name (/proc comm); "" once it is gone. A keeper's spare (`grader.isolation.spare`)
    is named `spare.NAME` until it takes a job."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""
