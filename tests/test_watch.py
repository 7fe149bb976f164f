"""`pytorch-tutor watch` end to end: save, see the verdict change; survive hangs and
crashes; stay clean after a submission that monkeypatches torch; quit leaving nothing."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import COURSE, ROOT, as_at_a_terminal, copy_course
from grader.isolation import proctree

REFERENCE = (ROOT / "reference" / "01_tensors" / "solution.py").read_text()


class Session:
    """A watch process with a pipe for keys and a reader collecting what it prints."""

    def __init__(self, course: Path, *args: str, backend: str = "linux", env: dict | None = None):
        env = {**(env or os.environ), "NO_COLOR": "1", "COLUMNS": "120", "PYTHONPATH": str(ROOT), "PYTORCH_TUTOR_BACKEND": backend}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "--course", str(course), "watch", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True, cwd=course,
            preexec_fn=as_at_a_terminal,  # Ctrl-C reaches it as at a terminal (some tests send one)
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen = self.transcript = ""  # what is not matched yet; everything read
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def expect(self, text: str, timeout: float = 60) -> float:
        """Wait until `text` is printed (after what was already matched); returns the seconds waited."""
        start = time.monotonic()
        while text not in self.seen:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                raise AssertionError(f"{text!r} not printed; output so far:\n{self.seen[-3000:]}")
            try:
                line = self.lines.get(timeout=left)
                self.seen, self.transcript = self.seen + line, self.transcript + line
            except queue.Empty:
                continue
        self.seen = self.seen[self.seen.index(text) + len(text):]
        return time.monotonic() - start

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def press(self, key: str) -> None:
        self.proc.stdin.write(key)
        self.proc.stdin.flush()


def save(path: Path, text: str, by_rename: bool = False) -> None:
    if by_rename:  # how many editors save: write a temporary file, then rename it over the original
        tmp = path.with_suffix(".py.swp")
        tmp.write_text(text)
        os.replace(tmp, path)
    else:
        path.write_text(text)


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    copy_course(tmp_path)
    toml = tmp_path / "reference" / "course.toml"
    toml.write_text(toml.read_text().replace('id = "01_tensors"', 'id = "01_tensors"\ntimeout = 3'))
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["linux", "portable"])  # portable: a spawned worker per check (macOS, Windows)
def test_watch_rechecks_on_save_survives_breakage_and_quits_cleanly(course: Path, backend: str):
    stub = course / "exercises" / "01_tensors.py"
    watch = Session(course, backend=backend)
    try:
        watch.expect("Not started: Tensors")
        save(stub, REFERENCE.replace("return matrix + bias", "return matrix - bias"))
        watch.expect("✗ add_row_bias")
        watch.expect("Not passed yet: Tensors (5 of 6 checks passed)")

        save(stub, REFERENCE.replace("return matrix + bias", "while True:\n        pass"), by_rename=True)
        watch.expect("time limit: your code was still running after 3 s")

        save(stub, "import os\nos._exit(3)\n")
        watch.expect("your code exited (exit status 3) before the checks finished")

        save(stub, "import torch\ntorch.Tensor.__add__ = lambda a, b: a\ntorch.manual_seed = None\n" + REFERENCE)
        watch.expect("Not passed yet: Tensors")

        save(stub, REFERENCE, by_rename=True)
        watch.expect("Passed: Tensors, all 6 checks")
        watch.expect("Well done!")
        second = COURSE.exercises[1]
        watch.expect(f"{second.id}: {second.title}")  # moves on to the next exercise
        watch.expect(f"Not started: {second.title}")

        watch.press("h")
        watch.expect("Hint 1 of")
        watch.press("l")
        watch.expect("not started")  # opening (and checking) the untouched next stub did not make it "failing"
        watch.expect(f"1/{len(COURSE.exercises)} exercises passed")

        tree = proctree.descendants(watch.proc.pid)
        assert len(tree) >= 2  # the watch process and its warm worker
        watch.press("q")
        assert watch.proc.wait(timeout=15) == 0
        time.sleep(0.5)
        assert [p for p in tree if proctree.alive(p)] == []
    finally:
        watch.close()


def test_ctrl_c_during_a_runaway_check_leaves_no_process(course: Path):
    import signal

    stub = course / "exercises" / "01_tensors.py"
    stub.write_text("import time\ntime.sleep(600)\n")
    watch = Session(course)
    try:
        watch.expect("01_tensors: Tensors")
        time.sleep(1.0)  # the check of the sleeping file is in flight
        tree = proctree.descendants(watch.proc.pid)
        watch.proc.send_signal(signal.SIGINT)
        assert watch.proc.wait(timeout=15) == 130
        time.sleep(0.5)
        assert [p for p in tree if proctree.alive(p)] == []
    finally:
        watch.close()


def test_watch_starts_on_the_exercise_named_and_after_a_pass_goes_to_the_earliest_not_passed(course: Path):
    """`watch 03` opens 03; passing it goes back to 01, still failing, not on to 04."""
    import json

    (course / ".pytorch-tutor").mkdir()
    (course / ".pytorch-tutor" / "progress.json").write_text(json.dumps({"version": 1, "exercises": {
        "01_tensors": {"status": "failing"}, "02_autograd": {"status": "passed"}}}))
    third = COURSE.exercises[2]
    watch = Session(course, third.id.split("_")[0])
    try:
        watch.expect(f"{third.id}: {third.title}")
        watch.expect(f"Not started: {third.title}")
        save(course / "exercises" / f"{third.id}.py", (ROOT / "reference" / third.id / "solution.py").read_text())
        watch.expect(f"Passed: {third.title}")
        first = COURSE.exercises[0]
        watch.expect(f"{first.id}: {first.title}")  # the earliest exercise not passed, not the next in order
        watch.press("q")
        assert watch.proc.wait(timeout=15) == 0
    finally:
        watch.close()
