"""The reference outcomes a cold `check` keeps on disk (grader.judging.refcache): the same values as
computed, keyed by the files and versions they depend on, written atomically, and a file that is
stale, corrupt, cut off or too large ignored (recomputed and rewritten), never trusted or fatal."""

from __future__ import annotations

import hashlib

import pytest
import torch

from conftest import check_exercise, copy_course
from grader.course import find_course
from grader.judging import channel, reference, refcache


@pytest.fixture()
def ex03(tmp_path):
    course = find_course(copy_course(tmp_path / "course"))
    return course, course.resolve("03"), tmp_path / "cache"


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)  # NaN


def _cases(exercise) -> dict:
    checks, _ = reference.load_reference(exercise)
    return {c.name: c.case_count() for c in checks.CHECKS}


def test_stored_outcomes_come_back_exactly_as_computed(ex03):
    _, exercise, folder = ex03
    _, _, expected = reference.reference_outcomes(exercise)
    key = refcache.key(exercise)
    refcache.store(folder, exercise, key, expected)
    found = refcache.load(folder, exercise, key)
    assert found is not None and refcache.fits(found, _cases(exercise)) and _same(found, expected)
    assert [p.name for p in folder.iterdir()] == [f"{exercise.id}.bin"]  # the temporary file was renamed, none left


@pytest.mark.parametrize("edited", ["checks", "solution"])
def test_editing_a_check_or_the_solution_changes_the_key(ex03, edited):
    _, exercise, folder = ex03
    before = refcache.key(exercise)
    path = getattr(exercise, edited)
    path.write_text(path.read_text() + "\n# edited\n")
    assert refcache.key(exercise) != before
    refcache.store(folder, exercise, before, {"x": []})
    assert refcache.load(folder, exercise, refcache.key(exercise)) is None  # stale: never served


def test_a_file_an_author_put_beside_the_checks_is_in_the_key_and_a_new_mistake_is_not(ex03):
    _, exercise, _ = ex03
    before = refcache.key(exercise)
    (exercise.folder / "mistakes" / "zz_new.py").write_text("# a mistake file\n")
    assert refcache.key(exercise) == before
    (exercise.folder / "table.csv").write_text("1,2\n")
    assert refcache.key(exercise) != before


def _corrupt(data: bytes) -> dict[str, bytes]:
    head, body = channel.frames(data, 2)
    bad_ref = channel.pack({"c": [{"value": {"$tensor": "t99"}}]})
    forged = channel.frame(f'{{"key": "K", "sha256": "{hashlib.sha256(bad_ref).hexdigest()}"}}'.encode()) + channel.frame(bad_ref)
    flipped = bytearray(data)
    flipped[-5] ^= 0xFF
    return {"cut off": data[: len(data) // 2], "one byte flipped": bytes(flipped), "garbage": b"\x00\xff" * 50,
            "empty": b"", "no body": channel.frame(bytes(head)), "an unknown tensor": forged,
            "too large": data + b"\0" * (refcache.MAX_FILE + 1)}


def test_a_corrupt_cache_file_is_ignored(ex03):
    _, exercise, folder = ex03
    _, _, expected = reference.reference_outcomes(exercise)
    refcache.store(folder, exercise, "K", expected)
    path = folder / f"{exercise.id}.bin"
    for what, data in _corrupt(path.read_bytes()).items():
        path.write_bytes(data)
        assert refcache.load(folder, exercise, "K") is None, what


def test_outcomes_of_another_shape_do_not_fit():
    cases = {"a": 2, "b": 1}
    assert refcache.fits({"a": [{}, {}], "b": [{}]}, cases)
    for wrong in ({"a": [{}]}, {"a": [{}, {}, {}], "b": []}, {"a": [1], "b": []}, {"a": {}, "b": []}):
        assert not refcache.fits(wrong, cases)


def test_a_folder_that_cannot_be_written_is_no_error(ex03, tmp_path):
    _, exercise, _ = ex03
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    refcache.store(blocked / "cache", exercise, "K", {"x": []})  # nothing raised, nothing written
    assert refcache.load(blocked / "cache", exercise, "K") is None


def test_a_cold_check_reads_the_cache_and_recomputes_when_the_solution_changes(ex03, monkeypatch):
    course, exercise, folder = ex03
    solved = exercise.solution.read_text()
    learner = course.root / "mine.py"
    learner.write_text(solved)
    first = check_exercise(course, exercise, learner, cache=folder)
    assert first.passed and (folder / f"{exercise.id}.bin").is_file()

    def not_again(*_args, **_kwargs):
        raise AssertionError("the reference was computed again")

    with monkeypatch.context() as patched:
        patched.setattr(reference, "reference_outcomes", not_again)
        cached = check_exercise(course, exercise, learner, cache=folder)
    assert cached.to_dict() | {"elapsed": 0} == first.to_dict() | {"elapsed": 0}
    # the reference now doubles count_parameters' answer: the cache must not say the old one
    exercise.solution.write_text(solved.replace("return sum(", "return 2 * sum(", 1))
    reference.forget_exercise(exercise.folder)
    assert "return 2 * sum(" in exercise.solution.read_text()
    stale = check_exercise(course, exercise, learner, cache=folder)
    assert not stale.passed and [c.name for c in stale.checks if not c.passed] == ["count_parameters"]


def test_a_corrupt_cache_file_is_recomputed_and_rewritten(ex03):
    course, exercise, folder = ex03
    learner = course.root / "mine.py"
    learner.write_text(exercise.solution.read_text())
    assert check_exercise(course, exercise, learner, cache=folder).passed
    path = folder / f"{exercise.id}.bin"
    good = path.read_bytes()
    path.write_bytes(good[:100])
    assert check_exercise(course, exercise, learner, cache=folder).passed
    assert refcache.load(folder, exercise, refcache.key(exercise)) is not None
