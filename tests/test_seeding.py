"""Seeding a case (`grader.judging.probe.seed_everything`) without torch's stack traces: the same random
numbers as `torch.manual_seed`, the lazy device seeds still queued, and `traceback` left as it was."""

from __future__ import annotations

import random
import threading
import traceback

import pytest
import torch

from grader.judging import probe


def test_the_same_numbers_as_torch_manual_seed_and_traceback_restored():
    original = traceback.format_stack
    probe.seed_everything(1234)
    ours = (torch.rand(5), random.random())
    torch.manual_seed(1234)
    random.seed(1234)
    assert torch.equal(ours[0], torch.rand(5)) and ours[1] == random.random()
    assert traceback.format_stack is original


def test_threads_seeding_at_once_leave_traceback_as_it_was():
    original = traceback.format_stack
    threads = [threading.Thread(target=lambda: [probe.seed_everything(n) for n in range(200)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert traceback.format_stack is original


def test_a_device_not_initialised_still_gets_its_seed_queued():
    tracker = getattr(torch.cuda, "_lazy_seed_tracker", None)
    if tracker is None or torch.cuda.is_initialized():
        pytest.skip("this torch queues no lazy CUDA seed here (an older torch, or CUDA in use)")
    probe.seed_everything(77)
    calls = [c for c in tracker.get_calls() if c]
    assert calls and all("not recorded" in "".join(stack) for _, stack in calls)
