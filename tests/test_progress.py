"""Progress survives concurrent checks, a check killed mid-write, and hand-edited files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, cli
from grader.progress import Progress

WRITER = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from grader.progress import Progress
p = Progress(Path({state!r}))
for i in range({n}):
    p.record_check({ex!r} + '_' + str(i % 3), passed=i % 2 == 0)
"""


def _writer(state: Path, ex: str, n: int) -> subprocess.Popen:
    code = WRITER.format(root=str(ROOT), state=str(state), ex=ex, n=n)
    return subprocess.Popen([sys.executable, "-c", code])


def test_concurrent_checks_lose_no_attempts(tmp_path: Path):
    writers = [_writer(tmp_path, f"w{k}", 30) for k in range(4)]
    assert all(w.wait(timeout=120) == 0 for w in writers)
    data = Progress(tmp_path).read()
    assert sum(e["attempts"] for e in data.values()) == 4 * 30
    assert {e["status"] for e in data.values()} <= {"passed", "failing"}


def test_a_writer_killed_mid_write_leaves_a_readable_file(tmp_path: Path):
    Progress(tmp_path).record_check("01_tensors", passed=True)
    for _ in range(5):
        w = _writer(tmp_path, "busy", 10_000)
        time.sleep(0.4)
        w.send_signal(signal.SIGKILL)
        w.wait()
        data = json.loads((tmp_path / "progress.json").read_text())  # never half-written
        assert data["exercises"]["01_tensors"]["status"] == "passed"
    assert not list(tmp_path.glob("progress.corrupt-*"))


def test_a_corrupt_file_is_set_aside_with_a_warning_and_progress_restarts(tmp_path: Path):
    (tmp_path / "progress.json").write_text("{ this is not json")
    p = Progress(tmp_path)
    assert p.read() == {}
    assert p.warnings and "damaged" in p.warnings[0]
    backups = list(tmp_path.glob("progress.corrupt-*.json"))
    assert len(backups) == 1 and backups[0].read_text() == "{ this is not json"
    p.record_check("02_autograd", passed=False)
    assert Progress(tmp_path).entry("02_autograd")["status"] == "failing"


def test_a_hand_edited_file_of_the_wrong_shape_is_set_aside(tmp_path: Path):
    (tmp_path / "progress.json").write_text(json.dumps({"exercises": {"01_tensors": "passed"}}))
    p = Progress(tmp_path)
    assert p.read() == {} and p.warnings


def test_passing_once_is_remembered_after_later_failures(tmp_path: Path):
    p = Progress(tmp_path)
    p.record_check("01_tensors", passed=True)
    entry = p.record_check("01_tensors", passed=False)
    assert entry["status"] == "passed" and entry["last_result"] == "failed" and entry["attempts"] == 2


def test_reading_does_not_create_files(tmp_path: Path):
    state = tmp_path / ".pytorch-tutor"
    assert Progress(state).read() == {}
    assert not state.exists()
    assert os.listdir(tmp_path) == []


BAD_SHAPES = {
    "attempts a word": {"exercises": {"01_tensors": {"status": "failing", "attempts": "many"}}},
    "status a number": {"exercises": {"01_tensors": {"status": 3}}},
    "status unknown": {"exercises": {"01_tensors": {"status": "done!"}}},
    "hints_shown a list": {"exercises": {"01_tensors": {"hints_shown": [1]}}},
    "hints_shown negative": {"exercises": {"01_tensors": {"hints_shown": -5}}},
    "attempts true": {"exercises": {"01_tensors": {"attempts": True}}},
    "last_checked a number": {"exercises": {"01_tensors": {"last_checked": 20240101}}},
    "exercises a list": {"exercises": [{"01_tensors": {"status": "passed"}}]},
    "an entry a list": {"exercises": {"01_tensors": ["passed"]}},
    "version a word": {"version": "one", "exercises": {}},
}


@pytest.mark.parametrize("name", BAD_SHAPES)
def test_a_file_with_fields_of_the_wrong_type_is_set_aside_and_every_use_still_works(tmp_path: Path, name):
    text = json.dumps(BAD_SHAPES[name])
    (tmp_path / "progress.json").write_text(text)
    p = Progress(tmp_path)
    assert p.read() == {}
    assert len(p.warnings) == 1 and "damaged" in p.warnings[0] and "moved to progress.corrupt-" in p.warnings[0]
    assert [b.read_text() for b in tmp_path.glob("progress.corrupt-*.json")] == [text]  # renamed, never deleted
    assert p.next_hint("01_tensors", 3) == 0  # hint
    assert p.record_check("01_tensors", passed=True)["attempts"] == 1  # check
    assert Progress(tmp_path).entry("01_tensors")["status"] == "passed"  # list


def test_two_damaged_files_in_the_same_second_are_both_kept(tmp_path: Path):
    for text in ("{ one", "{ two"):
        (tmp_path / "progress.json").write_text(text)
        assert Progress(tmp_path).read() == {}
    assert sorted(b.read_text() for b in tmp_path.glob("progress.corrupt-*.json")) == ["{ one", "{ two"]


def test_a_file_that_is_not_utf8_is_set_aside(tmp_path: Path):
    (tmp_path / "progress.json").write_bytes(b'{"exercises": {"\xff": {}}}')
    p = Progress(tmp_path)
    assert p.read() == {} and "damaged" in p.warnings[0]


@pytest.mark.parametrize("command", [["list"], ["hint", "01"], ["list", "--json"]])
def test_light_commands_survive_a_progress_file_with_wrong_types(course_dir, command):
    state = course_dir / ".pytorch-tutor"
    state.mkdir()
    (state / "progress.json").write_text(json.dumps({"exercises": {"01_tensors": {"status": 3, "hints_shown": [1]}}}))
    result = cli(course_dir, *command)
    assert result.exit_code == 0, result.output
    assert len(list(state.glob("progress.corrupt-*.json"))) == 1
