"""The lock on the grader's own state files (progress, history), on this OS and, simulated, on Windows."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import types

from grader.isolation import filelock


def test_a_second_holder_waits_until_the_first_lets_go(tmp_path):
    path, order, held = tmp_path / "progress.lock", [], threading.Event()

    def first():
        with filelock.exclusive(path):
            order.append("first in")
            held.set()
            second_thread.start()  # it now tries, and must wait for us
            order.append("first out")

    def second():
        with filelock.exclusive(path):
            order.append("second in")

    second_thread = threading.Thread(target=second)
    first_thread = threading.Thread(target=first)
    first_thread.start()
    first_thread.join(60)
    second_thread.join(60)
    assert order == ["first in", "first out", "second in"]


def test_on_windows_msvcrt_locks_byte_zero_keeps_trying_and_unlocks(tmp_path, monkeypatch):
    """Simulated: a stand-in msvcrt (this is not Windows) that refuses twice, as a held lock does."""
    calls = []

    def locking(fd, mode, count):
        calls.append((mode, count, os.lseek(fd, 0, os.SEEK_CUR)))
        if mode == 1 and len(calls) < 3:
            raise OSError(36, "Resource deadlock avoided")  # what LK_LOCK raises after its own ten tries

    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace(LK_LOCK=1, LK_UNLCK=0, locking=locking))
    monkeypatch.setattr(os, "name", "nt")
    spec = importlib.util.spec_from_file_location("filelock_on_windows", filelock.__file__)
    windows = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(windows)
    monkeypatch.undo()
    with windows.exclusive(tmp_path / "history.lock"):
        calls.append("inside")
    assert calls == [(1, 1, 0), (1, 1, 0), (1, 1, 0), "inside", (0, 1, 0)]
