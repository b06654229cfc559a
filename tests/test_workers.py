"""Work spread over forked processes: results in order, errors raised in the parent, and a worker that
dies (killed, out of memory) ends the work with an error at once instead of a wait that never ends."""

from __future__ import annotations

import os
import signal
import time

import pytest

from kg.workers import WorkerFailed, can_fork, in_processes

pytestmark = pytest.mark.skipif(not can_fork(), reason="one core, or no fork on this system")


def _square(items: list[int]) -> list[int]:
    return [item * item for item in items]


def _pid(items: list[int]) -> list[int]:
    return [os.getpid() for _ in items]


def _refuse(items: list[int]) -> list[int]:
    if 7 in items:
        raise ValueError("seven is refused")
    return items


def _die(items: list[int]) -> list[int]:
    if 7 in items:
        os._exit(9)  # as the kernel's out-of-memory killer would end it, without a word
    time.sleep(0.2)
    return items


def test_results_come_back_in_order_from_other_processes() -> None:
    items = list(range(1000))
    assert in_processes(_square, items, [1] * len(items), enough=0) == [i * i for i in items]
    pids = in_processes(_pid, items, [1] * len(items), enough=0)
    assert pids[0] == os.getpid()  # this process works on the first share itself
    assert len(set(pids)) == min(os.cpu_count() or 1, len(os.sched_getaffinity(0)))
    assert pids == sorted(pids, key=pids.index)  # each process's results in one run, in order


def test_little_work_stays_in_this_process() -> None:
    assert set(in_processes(_pid, [1, 2, 3], [1, 1, 1], enough=10)) == {os.getpid()}


def test_an_error_in_a_worker_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="seven is refused"):
        in_processes(_refuse, list(range(10)), [1] * 10, enough=0)


def test_a_worker_that_dies_ends_the_work_with_an_error() -> None:
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("still waiting for a worker that died")  # what multiprocessing.Pool would do

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)  # a bound on a hang, not a measure of speed: the call returns in a fraction of a second
    try:
        with pytest.raises(WorkerFailed, match="exit 9"):
            in_processes(_die, list(range(10)), [1] * 10, enough=0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
