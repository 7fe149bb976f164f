"""Every parse of learner bytes in the trusted process is bounded before it builds anything: the
results channel (JSON and safetensors), notebooks and .py files, and the keeper's stack-dump search.
(The end-to-end cases, through a real learner process, are in tests/hostile.py.)"""

from __future__ import annotations

import json
import struct
import tracemalloc

import pytest

from grader import boundedjson
from grader.errors import TutorError
from grader.judging import channel
from grader.judging.channel import Unreadable


def test_a_results_frame_of_too_many_values_is_refused_without_building_them():
    frame = b"[" + b"{}," * (channel.MAX_JSON // 3 - 1) + b"{}]"  # json.loads would build 2.8 million dicts
    tracemalloc.start()
    try:
        with pytest.raises(Unreadable, match="more than 100,000 values"):
            channel.unpack(frame, b"")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20, f"{peak:,} bytes were allocated while refusing it"


@pytest.mark.parametrize("text, problem", [
    (b"[" * 101 + b"]" * 101, "not valid JSON (nested more than 100 deep)"),
    (b'["' + b"x" * 50_000 + b'"]', "a string is longer than 48,064 bytes"),
    (b"[" + b"1" * 100 + b"]", "a number is longer than 64 bytes"),
    (b'{"a": 1} \xff', "not valid JSON"),
    (b'"unterminated', "not valid JSON"),
    (b"x" * (channel.MAX_JSON + 1), "larger than the grader accepts"),
], ids=["deep", "long-string", "long-number", "trailing-garbage", "unterminated", "too-many-bytes"])
def test_a_results_frame_past_a_limit_or_not_json_is_unreadable(text, problem):
    with pytest.raises(Unreadable, match=problem.replace("(", r"\(").replace(")", r"\)")):
        channel.unpack(text, b"")


def test_the_counting_tokenizer_reads_what_json_reads():
    limits = boundedjson.Limits(size=4096, nodes=100)
    for text in ('{"a": [1, -2.5e3, "q\\"uote\\\\", null, true, false, NaN, -Infinity]}', "[]", '"\\u00e9"', " 7 "):
        got = boundedjson.loads(text.encode(), limits)
        assert json.dumps(got) == json.dumps(json.loads(text))


def blob_of(**tensors) -> bytes:
    from safetensors.torch import save

    return save(tensors)


def test_only_the_tensors_the_document_refers_to_are_read():
    import torch

    blob = blob_of(t0=torch.arange(4.0), unused=torch.zeros(1000), flags=torch.tensor([True, False]))
    document, tensors = channel.unpack(json.dumps([{"$tensor": "t0"}, {"$tensor": "flags"}]).encode(), blob)
    assert set(tensors) == {"t0", "flags"}
    assert torch.equal(tensors["t0"], torch.arange(4.0)) and tensors["flags"].tolist() == [True, False]


def header(entries: dict, data: bytes = b"") -> bytes:
    head = json.dumps(entries).encode()
    return struct.pack("<Q", len(head)) + head + data


@pytest.mark.parametrize("blob, problem", [
    (header({"t0": {"dtype": "F32", "shape": [10**9], "data_offsets": [0, 4 * 10**9]}}), "size does not match"),
    (header({"t0": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 8), "size does not match"),
    (header({"t0": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "t1": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
            b"\0" * 12), "share bytes"),
    (header({"t0": {"dtype": "PY_OBJECT", "shape": [1], "data_offsets": [0, 1]}}, b"\0"), "malformed"),
    (header({f"t{i}": {"dtype": "U8", "shape": [0], "data_offsets": [0, 0]} for i in range(10_001)}), "not valid|at most"),
    (struct.pack("<Q", 2**40) + b"{}", "larger than allowed"),
    (b"\x01\x02", "cut off"),
], ids=["size-lies", "bytes-left-over", "overlap", "unknown-dtype", "too-many", "header-too-long", "cut-off"])
def test_a_lying_or_oversized_safetensors_header_is_refused_before_any_tensor_is_made(blob, problem):
    with pytest.raises(Unreadable, match=problem):
        channel.unpack(b'[{"$tensor": "t0"}]', blob)


def notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": []} for c in cells]})


def test_a_notebook_with_a_huge_literal_is_too_large_to_grade_and_says_so():
    from grader.submission.notebook import parse_cells

    with pytest.raises(TutorError, match=r"your notebook's cell 2 is too large to grade \(2\.4 MB; limit 0\.1 MB\)"):
        parse_cells(notebook("x = 1", "x = [" + "1," * 1_200_000 + "]"), "work.ipynb")
    with pytest.raises(TutorError, match=r"your notebook's code is too large to grade \(2\.25 MB; limit 2\.1 MB\)"):
        parse_cells(notebook(*["y = 1\n" * 15_000] * 25), "work.ipynb")
    with pytest.raises(TutorError, match="your notebook is too large to grade"):
        parse_cells('{"nbformat": 4, "cells": [' + "{}," * 300_000 + "{}]}", "work.ipynb")


def test_files_too_large_to_grade_are_not_read_whole(tmp_path):
    from grader.submission.notebook import read_script

    big = tmp_path / "big.py"
    big.write_bytes(b"x = 1\n" * 400_000)
    with pytest.raises(TutorError, match=r"your file is too large to grade \(2\.4 MB; limit 2\.1 MB\)"):
        read_script(big)
    huge = tmp_path / "huge.ipynb"
    huge.write_bytes(b" " * (17 * 2**20))
    with pytest.raises(TutorError, match=r"your notebook is too large to grade \(17\.8 MB; limit 16\.8 MB\)"):
        read_script(huge)


def test_the_stack_dump_search_finds_the_learners_frame_after_a_flood_of_file_quotes():
    from grader.isolation.sandbox import Limits, Monitor

    monitor = Monitor.__new__(Monitor)
    monitor.learner, monitor.limits = "submission.py", Limits()
    dump = 'File "' * 170_000 + '\nStack (most recent call first):\n  File "/tmp/submission.py", line 7 in spin\n'
    assert monitor._last_frame(dump) == "line 7, in spin"


def test_the_similarity_check_tokenizes_no_more_of_a_submission_than_it_compares():
    from grader.classroom.similarity import MAX_TOKENS, tokens

    tracemalloc.start()
    try:
        words, _ = tokens("x = [" + "1," * 400_000 + "]\n")  # 800,000 tokens
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(words) == MAX_TOKENS
    assert peak < 40 * 2**20, f"{peak:,} bytes to read {MAX_TOKENS:,} tokens"
