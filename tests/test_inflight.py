"""The cap on job results held at once across a trusted process's threads (`grade` on many workers).

The figures (the trusted process's peak resident memory for `grade --jobs 2` and `--jobs 8` over a
class that sends the largest results frame) are printed by `scripts/hostile_figures.py grade2 grade8`.
"""

from __future__ import annotations

import socket
import threading

from grader.isolation import inflight, protocol

MIB = 2**20


def _holder(amount: int, hold: threading.Event, holding: threading.Event) -> threading.Thread:
    def run():
        with inflight.turn():
            inflight.reserve(amount)
            holding.set()
            hold.wait(timeout=60)

    thread = threading.Thread(target=run)
    thread.start()
    assert holding.wait(timeout=30)
    return thread


def test_large_results_wait_for_room_and_small_ones_do_not():
    hold, holding = threading.Event(), threading.Event()
    first = _holder(40 * MIB, hold, holding)
    got: list[str] = []

    def other(name: str, amount: int):
        with inflight.turn():
            inflight.reserve(amount)
            got.append(name)

    small = threading.Thread(target=other, args=("small", 64 * 1024))
    small.start()
    small.join(timeout=30)
    assert got == ["small"]  # room enough beside the first: no wait
    large = threading.Thread(target=other, args=("large", 40 * MIB))
    large.start()
    large.join(timeout=0.5)
    assert large.is_alive() and got == ["small"] and inflight.held() == 40 * MIB  # waits: the first holds its room
    hold.set()
    first.join(timeout=30)
    large.join(timeout=30)
    assert got == ["small", "large"] and inflight.held() == 0  # every turn gave its room back


def test_a_holder_takes_more_without_waiting_and_one_larger_than_the_budget_goes_alone():
    with inflight.turn():
        inflight.reserve(inflight.BUDGET * 2)  # nothing else held: it goes ahead
        inflight.reserve(inflight.BUDGET)  # its own check's next job: never waits on itself
        with inflight.turn():  # an inner turn is part of the outer one
            inflight.reserve(MIB)
        assert inflight.held() == inflight.BUDGET * 3 + MIB
    assert inflight.held() == 0


def test_outside_a_check_nothing_is_counted():
    inflight.reserve(inflight.BUDGET * 4)
    assert inflight.held() == 0


def test_a_replys_results_are_reserved_before_they_are_read():
    ours, theirs = socket.socketpair()
    seen: list[int] = []
    protocol.send_json(theirs, {"returncode": 0}, b"x" * 100_000)
    data, (results,) = protocol.receive_json(ours, extra=1, deadline=None, reserve=lambda n: seen.append(n) or 0.0)
    assert data == {"returncode": 0} and len(results) == 100_000 and seen == [100_000]  # the report is not: one wait per reply
    ours.close()
    theirs.close()
