"""Work spread over the machine's cores, in forked processes that inherit what the parent holds.

Only the arguments and results cross between processes (pickled), so the work given out must be heavy
next to its input and output: parsing YAML files into records, rendering records as Turtle text.  Where
there is one core, no `fork` (not Linux), or little work, everything runs in this process.

Each worker gets one share of the items, decided up front, and sends its results back through a pipe of
its own.  A worker that dies (killed, out of memory) ends the build with an error instead of a wait that
never ends (what `multiprocessing.Pool` does: it replaces the worker and waits for the lost results).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerFailed(RuntimeError):
    """A worker process ended without sending its results."""


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return cores() > 1 and "fork" in multiprocessing.get_all_start_methods()


def in_processes(
    work: Callable[[list[Item]], list[Result]], items: Sequence[Item], weights: Sequence[int], enough: int
) -> list[Result]:
    """`work` over `items`, in one share of about equal weight per core, each run by a forked process, the
    results in the order of `items`; in this process when the total weight is below `enough`.

    `work` must need nothing beyond its items but what the parent holds when it forks (module globals set
    before this call).  The workers are killed on the way out, whatever happens: an error, Ctrl-C, SIGTERM
    turned into an exception by the CLI.
    """
    if not items:
        return []
    if sum(weights) < enough or not can_fork():
        return work(list(items))
    context = multiprocessing.get_context("fork")
    sys.stdout.flush()  # else a child would write out again what the parent had buffered
    sys.stderr.flush()
    started: list[tuple[Any, Connection]] = []
    try:
        for share in _shares(items, weights, min(cores(), len(items))):
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(target=_run, args=(work, share, sending), daemon=True)
            process.start()
            sending.close()  # the child's copy is the only one left: its end means the child ended
            started.append((process, receiving))
        results: list[Result] = []
        for process, receiving in started:
            try:
                failed, value = receiving.recv()
            except EOFError:
                process.join()
                raise WorkerFailed(f"a worker process ended without its results (exit {process.exitcode})") from None
            if failed:
                raise value
            results += value
        return results
    finally:
        for process, receiving in started:
            receiving.close()
            if process.is_alive():
                process.kill()
            process.join()


def _run(work: Callable[[list[Item]], list[Result]], share: list[Item], sending: Connection) -> None:
    """In the worker: interruptions are the parent's to handle (it kills its workers on its way out)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        outcome: tuple[bool, Any] = (False, work(share))
    except BaseException as error:  # sent to the parent, which raises it
        outcome = (True, error if _picklable(error) else WorkerFailed(f"{type(error).__name__}: {error}"))
    sending.send(outcome)
    sending.close()


def _picklable(error: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return False
    return True


def _shares(items: Sequence[Item], weights: Sequence[int], count: int) -> list[list[Item]]:
    """`items` cut into at most `count` runs of consecutive items of about equal total weight."""
    share = max(1, -(-sum(weights) // count))
    shares: list[list[Item]] = [[]]
    load = 0
    for item, weight in zip(items, weights, strict=True):
        if load >= share and shares[-1] and len(shares) < count:
            shares.append([])
            load = 0
        shares[-1].append(item)
        load += weight
    return shares
