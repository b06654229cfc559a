"""Work spread over the machine's cores, in forked processes that inherit what the parent holds.

Only the arguments and results cross between processes (pickled), so the work given out must be heavy
next to its input and output: parsing YAML files into records, rendering records as Turtle text.  Where
there is one core, no `fork` (not Linux), or little work, everything runs in this process.

Each worker gets one share of the items, decided up front, and sends its results back through a pipe of
its own, a few items' worth at a time (so that it never holds all of its share's results; the parent
reads every pipe as data arrives, so no worker waits on another's).  A worker that dies (killed, out of
memory) ends the build with an error instead of a wait that never ends (what `multiprocessing.Pool` does:
it replaces the worker and waits for the lost results).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")


PIECES = 8  # a worker sends its share's results in this many messages


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
        parts: dict[Connection, list[Result]] = {receiving: [] for _, receiving in started}
        waiting = {receiving: process for process, receiving in started}
        while waiting:
            for ready in wait(list(waiting)):
                receiving = cast(Connection, ready)
                try:
                    kind, value = receiving.recv()
                except EOFError:
                    process = waiting[receiving]
                    process.join()
                    exit_code = process.exitcode
                    raise WorkerFailed(f"a worker process ended without its results (exit {exit_code})") from None
                if kind == "error":
                    raise value
                if kind == "done":
                    del waiting[receiving]
                else:
                    parts[receiving] += value
        return [result for _, receiving in started for result in parts[receiving]]
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
    step = max(1, -(-len(share) // PIECES))
    try:
        for start in range(0, len(share), step):
            sending.send(("part", work(share[start : start + step])))
        outcome: tuple[str, Any] = ("done", None)
    except BaseException as error:  # sent to the parent, which raises it
        outcome = ("error", error if _picklable(error) else WorkerFailed(f"{type(error).__name__}: {error}"))
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
