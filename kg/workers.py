"""Work spread over the machine's cores, in forked processes that inherit what the parent holds.

Only the arguments and results cross between processes (pickled), so the work given out must be heavy
next to its input and output: parsing YAML files into records, rendering records as Turtle text.  Where
there is one core, no `fork` (not Linux), or little work, everything runs in this process.

The items are cut into pieces of about equal weight, many more than there are processes; each process,
this one included, takes the next piece not yet taken (a counter shared by all of them) until none is left,
so that one slowed down (this one takes in the others' results as they come; a third process shares the
cores) takes fewer, and all of them end about together.  Each worker sends the results of each piece back
through a pipe of its own as soon as it has them (so that it never holds many; a thread of the parent reads
every pipe as data arrives, so no worker waits on another's, nor on the parent's own pieces).  A worker that
dies (killed, out of memory) ends the build with an error instead of a wait that never ends (what
`multiprocessing.Pool` does: it replaces the worker and waits for the lost results).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from functools import partial
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar, cast

from kg.timings import absorb, is_recording, record_from_now, recording_apart

Item = TypeVar("Item")
Result = TypeVar("Result")
Given = TypeVar("Given")


PIECES = 16
"""Pieces per process: the processes end within about one piece of each other (one sixteenth of a share)."""
_PR_SET_PDEATHSIG = 1


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
    work: Callable[[list[Item]], list[Result]],
    items: Sequence[Item],
    weights: Sequence[int],
    enough: int,
    taken: Callable[[Result], Result] | None = None,
) -> list[Result]:
    """`work` over `items`, in pieces taken by one process per core as each is free, the results in the order of
    `items`; in this process alone when the total weight is below `enough`.

    This process works on pieces itself (their results need no pickling, and no core waits idle for the
    rest), while forked processes work on the others; a thread here takes in what they send as it comes, so
    that none of them ever waits on a full pipe, and applies `taken` to each result sent (unpickling what a
    worker pickled for its own use, while the workers still work).  `work` must need nothing beyond its items
    but what the parent holds when it forks (module globals set before this call).  The workers are killed
    on the way out, whatever happens: an error, Ctrl-C, SIGTERM turned into an exception by the CLI.
    """
    if not items:
        return []
    if sum(weights) < enough or not can_fork():
        return work(list(items))
    processes = min(cores(), len(items))
    pieces = _shares(items, weights, processes * PIECES)
    context = multiprocessing.get_context("fork")
    try:
        following = _Counter(context, len(pieces))
    except (OSError, ImportError):  # no semaphores to share here (no /dev/shm): all of it in this process
        return work(list(items))
    sys.stdout.flush()  # else a child would write out again what the parent had buffered
    sys.stderr.flush()
    started: list[tuple[Any, Connection]] = []
    receiver: threading.Thread | None = None
    try:
        for _ in range(processes - 1):
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(target=_run, args=(work, pieces, following, sending, os.getpid()), daemon=True)
            process.start()
            sending.close()  # the child's copy is the only one left: its end means the child ended
            started.append((process, receiving))
        received = _Received(started, taken)
        receiver = threading.Thread(target=received.take_all, daemon=True)
        receiver.start()
        done: dict[int, list[Result]] = {}
        while received.failure is None and (index := following.take()) is not None:  # a failure ends it early
            done[index] = work(pieces[index])
        receiver.join()
        if received.failure is not None:
            raise received.failure
        done.update(received.parts)
        return [result for index in range(len(pieces)) for result in done[index]]
    finally:
        for process, _ in started:
            if process.is_alive():
                process.kill()
            process.join()
        if receiver is not None:
            receiver.join()  # the workers' ends are closed now: it has returned
        for _, receiving in started:
            receiving.close()


class _Counter:
    """The next piece to take, shared by the processes forked after it is made."""

    def __init__(self, context: Any, count: int):
        self._next = context.Value("l", 0)
        self._count = count

    def take(self) -> int | None:
        """The index of a piece no process has taken yet, now taken; None when every one is."""
        with self._next.get_lock():
            index = int(self._next.value)
            if index >= self._count:
                return None
            self._next.value = index + 1
            return index


class _Received:
    """What the workers sent, taken in by a thread of the parent as it arrives (results by piece), and the
    first failure."""

    def __init__(self, started: list[tuple[Any, Connection]], taken: Callable[[Any], Any] | None):
        self.waiting = {receiving: process for process, receiving in started}
        self.parts: dict[int, list[Any]] = {}
        self.taken = taken
        self.failure: BaseException | None = None

    def take_all(self) -> None:
        while self.waiting and self.failure is None:
            for ready in wait(list(self.waiting)):
                receiving = cast(Connection, ready)
                try:
                    kind, value = receiving.recv()
                except (EOFError, OSError):
                    self.failure = _ended_without_results(self.waiting[receiving])
                    return
                if kind == "error":
                    self.failure = value
                    return
                if kind == "done":
                    del self.waiting[receiving]
                    continue
                index, results = value
                try:
                    self.parts[index] = list(map(self.taken, results)) if self.taken is not None else results
                except Exception as error:  # raised in the parent, as a worker's would be
                    self.failure = error
                    return


class Beside(Generic[Result]):
    """`work()` run by a forked process while this one goes on with something else (with one core, or no
    `fork`, it runs here and now); `result()` waits for it.  The stage times the process recorded are
    added to this one's (`kg.timings`).  Use it as a context manager: on the way out the process is killed
    if it still runs, whatever happened meanwhile."""

    def __init__(self, work: Callable[[], Result]):
        self._process: Any = None
        if not can_fork():
            self._error: Exception | None = None
            try:
                self._value = work()
            except Exception as error:  # raised by result(), as a worker's would be
                self._error = error
            return
        sys.stdout.flush()
        sys.stderr.flush()
        self._receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
        self._process = multiprocessing.get_context("fork").Process(
            target=_run_beside, args=(work, sending, os.getpid()), daemon=True
        )
        self._process.start()
        sending.close()

    def result(self) -> Result:
        if self._process is None:
            if self._error is not None:
                raise self._error
            return self._value
        try:
            kind, value, recorded = self._receiving.recv()
        except EOFError:
            raise _ended_without_results(self._process) from None
        absorb(recorded)
        if kind == "error":
            raise value
        return cast(Result, value)

    def __enter__(self) -> Beside[Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._receiving.close()
            if self._process.is_alive():
                self._process.kill()
            self._process.join()


class Primed(Generic[Given, Result]):
    """Work that can start before its input exists: a forked process runs `prepare()` at once (imports, files
    to read), while this one makes the input; `give(value)` sends the value through a pipe, and the process
    returns `finish(value)`, which `result()` waits for.  With one core, or no `fork`, nothing is prepared
    ahead: `give` runs `finish` as a `Beside` would.  Use it as a context manager, as a `Beside`."""

    def __init__(self, prepare: Callable[[], object], finish: Callable[[Given], Result]):
        self._finish = finish
        self._beside: Beside[Result] | None = None
        self._giving: Connection | None = None
        if can_fork():
            receiving, self._giving = multiprocessing.get_context("fork").Pipe(duplex=False)
            self._beside = Beside(partial(_primed, prepare, finish, receiving, self._giving))
            receiving.close()

    def give(self, value: Given) -> None:
        if self._giving is None:
            self._beside = Beside(partial(self._finish, value))
            return
        # (a process started before this one recorded times records them from now)
        with contextlib.suppress(OSError):  # a process that ended meanwhile: `result()` says why
            self._giving.send((value, is_recording()))
        self._giving.close()

    def result(self) -> Result:
        if self._beside is None:
            raise RuntimeError("result() before give()")
        return self._beside.result()

    def __enter__(self) -> Primed[Given, Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._giving is not None:
            self._giving.close()
        if self._beside is not None:
            self._beside.__exit__(*exc)


def _primed(
    prepare: Callable[[], object], finish: Callable[[Given], Result], receiving: Connection, giving: Connection
) -> Result:
    giving.close()  # this process's copy of the parent's end: the parent closing its own then reads as EOF
    prepare()
    value, recorded_there = receiving.recv()
    if recorded_there and not is_recording():
        record_from_now()
    return finish(value)


def _run_beside(work: Callable[[], Result], sending: Connection, parent: int) -> None:
    leave_interruptions_to_parent(parent)
    with recording_apart() as recorded:
        try:
            outcome: tuple[str, Any] = ("done", work())
        except BaseException as error:
            outcome = ("error", sendable(error))
    sending.send((*outcome, recorded))
    sending.close()


def leave_interruptions_to_parent(parent: int) -> None:
    """In a worker: interruptions are the parent's to handle (it kills its workers on its way out), and a
    parent killed outright (SIGKILL, the out-of-memory killer) takes its workers with it: an orphan would
    wait forever on a pipe nobody reads, holding the terminal's output open."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """In a child of `parent` (a forked worker; a server's engine, before it executes): be killed when the
    thread of `parent` that started this process ends, however it ends (SIGKILL included).  Linux only
    (prctl PR_SET_PDEATHSIG); elsewhere nothing.  A parent already gone ends this process at once."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


def _libc_prctl() -> Callable[..., int] | None:
    """libc's `prctl`, found once, in the parent: a child forked from a process with threads runs as little
    as it can before it executes (no library lookup)."""
    try:
        return cast(Callable[..., int], ctypes.CDLL(None, use_errno=True).prctl)
    except (OSError, AttributeError):  # not Linux
        return None


_prctl = _libc_prctl()


def _run(
    work: Callable[[list[Item]], list[Result]],
    pieces: list[list[Item]],
    following: _Counter,
    sending: Connection,
    parent: int,
) -> None:
    leave_interruptions_to_parent(parent)
    try:
        while (index := following.take()) is not None:
            sending.send(("part", (index, work(pieces[index]))))
        outcome: tuple[str, Any] = ("done", None)
    except BaseException as error:  # sent to the parent, which raises it
        outcome = ("error", sendable(error))
    sending.send(outcome)
    sending.close()


def _ended_without_results(process: Any) -> WorkerFailed:
    """What a worker's closed pipe means: it died (killed, out of memory) before sending everything."""
    process.join()
    return WorkerFailed(f"a worker process ended without its results (exit {process.exitcode})")


def sendable(error: BaseException) -> BaseException:
    """`error` if it survives pickling, else a WorkerFailed that tells what it was."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return WorkerFailed(f"{type(error).__name__}: {error}")
    return error


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
