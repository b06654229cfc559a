"""Work spread over the machine's cores, in forked processes that inherit what the parent holds.

Only the arguments and results cross between processes (pickled), so the work given out must be heavy
next to its input and output: parsing YAML files into records, rendering records as Turtle text.  Where
there is one core, no `fork` (not Linux), or little work, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

BATCHES_PER_CORE = 4  # smaller batches even out the cores' loads; each costs a round trip


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
    """`work` over `items`, in batches of about equal weight run by one forked process per core, the
    results in the order of `items`; in this process when the total weight is below `enough`.

    `work` must be a module-level function (it is named, not pickled); whatever it needs beyond its batch
    it reads from module globals set before this call, which the forked processes inherit.  The pool is
    terminated on the way out, whatever happens (an error, Ctrl-C, SIGTERM turned into an exception).
    """
    if not items:
        return []
    if sum(weights) < enough or not can_fork():
        return work(list(items))
    workers = min(cores(), len(items))
    batches = _batches(items, weights, workers * BATCHES_PER_CORE)
    with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_signals) as pool:
        done = pool.map(work, batches, chunksize=1)
    return [result for batch in done for result in batch]


def _worker_signals() -> None:
    """Workers leave interruptions to the parent, which terminates them (SIGTERM) on its way out: they must
    not inherit its handlers (the CLI turns SIGTERM into an exception, which a worker would print)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _batches(items: Sequence[Item], weights: Sequence[int], count: int) -> list[list[Item]]:
    """`items` cut into at most `count` runs of consecutive items of about equal total weight."""
    share = max(1, sum(weights) // count)
    batches: list[list[Item]] = [[]]
    load = 0
    for item, weight in zip(items, weights, strict=True):
        if load >= share and batches[-1]:
            batches.append([])
            load = 0
        batches[-1].append(item)
        load += weight
    return batches
