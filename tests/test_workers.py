"""Work spread over forked processes: results in order, errors raised in the parent, and a worker that
dies (killed, out of memory) ends the work with an error at once instead of a wait that never ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.workers import Beside, Primed, WorkerFailed, can_fork, cores, in_processes

pytestmark = pytest.mark.skipif(not can_fork(), reason="one core, or no fork on this system")


def _square(items: list[int]) -> list[int]:
    return [item * item for item in items]


def _pid(items: list[int]) -> list[int]:
    return [os.getpid() for _ in items]


PARENT = os.getpid()


def _pid_slowly(items: list[int]) -> list[int]:
    """Each piece takes a while, ten times longer in the parent (the process that imported this module)."""
    time.sleep(0.05 if os.getpid() == PARENT else 0.005)
    return [os.getpid() for _ in items]


def _refuse(items: list[int]) -> list[int]:
    if 7 in items:
        raise ValueError("seven is refused")
    return items


_TESTING = os.getpid()
"""The process running the tests: it takes pieces of the work too, and must not end itself."""


def _die(items: list[int]) -> list[int]:
    if os.getpid() != _TESTING:
        os._exit(9)  # as the kernel's out-of-memory killer would end a worker, without a word
    time.sleep(0.5)  # this process's pieces are slow: a worker takes one, and dies
    return items


def test_results_come_back_in_order_from_other_processes() -> None:
    items = list(range(1000))
    assert in_processes(_square, items, [1] * len(items), enough=0) == [i * i for i in items]
    pids = in_processes(_pid_slowly, items, [1] * len(items), enough=0)
    assert len(set(pids)) == len(os.sched_getaffinity(0))  # every core's process took pieces, this one too


def test_a_slower_process_takes_fewer_pieces() -> None:
    """Pieces go to whichever process is free: this one, slowed down (here ten times), takes few of them."""
    items = list(range(640))
    pids = in_processes(_pid_slowly, items, [1] * len(items), enough=0)
    assert pids.count(os.getpid()) < len(items) / len(os.sched_getaffinity(0)) / 2


def test_what_workers_send_is_taken_in_by_the_parent() -> None:
    """`taken` turns each result a worker sent as it comes (not those of this process's own pieces)."""
    items = list(range(200))
    results = in_processes(_pid_slowly, items, [1] * len(items), enough=0, taken=lambda pid: -pid)
    assert {r for r in results if r > 0} <= {os.getpid()}
    assert results.count(os.getpid()) < len(items)
    assert all(-r != os.getpid() for r in results if r < 0)


def test_little_work_stays_in_this_process() -> None:
    assert set(in_processes(_pid, [1, 2, 3], [1, 1, 1], enough=10)) == {os.getpid()}


def test_an_error_in_a_worker_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="seven is refused"):
        in_processes(_refuse, list(range(10)), [1] * 10, enough=0)


@pytest.mark.skipif(not can_fork() or cores() < 2, reason="no worker process without fork and two cores")
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


def _refuse_all() -> int:
    raise ValueError("refused beside")


def test_work_beside_runs_in_another_process_and_hands_back_its_result_or_error() -> None:
    with Beside(os.getpid) as beside:
        assert beside.result() not in (os.getpid(), None)
    with Beside(_refuse_all) as beside, pytest.raises(ValueError, match="refused beside"):
        beside.result()


def _prepared_pid(given: int) -> tuple[int, int, int | None]:
    return given, os.getpid(), _PREPARED.get("pid")


_PREPARED: dict[str, int] = {}


def _prepare() -> None:
    _PREPARED["pid"] = os.getpid()


def test_primed_work_prepares_before_its_input_and_finishes_with_it() -> None:
    """The process prepares at once, in itself (not here); the input given later reaches it; a primed
    process never given its input is ended on the way out instead of waiting forever."""
    _PREPARED.clear()
    with Primed(_prepare, _prepared_pid) as primed:
        primed.give(41)
        given, pid, prepared = primed.result()
    assert given == 41 and "pid" not in _PREPARED
    assert (pid == prepared != os.getpid()) if can_fork() else (pid == os.getpid() and prepared is None)
    started = time.monotonic()
    with Primed(_prepare, _prepared_pid):
        pass  # never given: must not hang
    assert time.monotonic() - started < 10


def _die_preparing() -> None:
    os._exit(7)


@pytest.mark.skipif(not can_fork() or cores() < 2, reason="no process primed without fork and two cores")
def test_a_primed_process_that_died_before_its_input_says_so_when_asked_for_its_result() -> None:
    """Giving the input to a process that ended meanwhile is no broken pipe for the command (it took one for a
    reader that stopped early, and ended quietly with status 0): the result says the process ended."""
    with Primed(_die_preparing, _prepared_pid) as primed:
        time.sleep(0.2)  # (it has ended by now; if not, the input waits in the pipe: the same error follows)
        primed.give(41)
        with pytest.raises(WorkerFailed, match="exit 7"):
            primed.result()


def test_a_worker_dies_with_its_parent(tmp_path: Path) -> None:
    """A build killed outright (SIGKILL) must not leave a worker behind, blocked on its pipe forever."""
    started = tmp_path / "started"
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from kg.workers import Beside\n"
        f"flag = Path({str(started)!r})\n"
        "beside = Beside(lambda: (flag.touch(), time.sleep(60)))\n"
        "print(beside._process.pid, flush=True)\n"
        "while not flag.exists():\n"
        "    time.sleep(0.01)\n"
        "os.kill(os.getpid(), 9)\n"  # the worker is at work: only the kernel can end it now
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as build:
        assert build.stdout is not None
        worker = int(build.stdout.readline())
        build.wait(timeout=60)
    deadline = time.monotonic() + 10  # a bound on a hang, not a measure of speed
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.05)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie is dead, waiting to be reaped
    except FileNotFoundError:
        return False
