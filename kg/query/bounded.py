"""A SPARQL query with a time bound that Ctrl-C can stop.

Oxigraph evaluates a query in native code that neither a signal nor a deadline reaches: `kg query` with a
cross join of the graph with itself ran for as long as it took (hours), and a Ctrl-C waited for it.  So the
store is loaded, and the query run, in a forked process; this one waits for the answer, for at most the
time given once the store is loaded, and kills that process when the time is up or it is interrupted.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from kg.workers import leave_interruptions_to_parent, sendable

Loaded = TypeVar("Loaded")
Answer = TypeVar("Answer")


STOPPED_ON_QUERY = (
    "the SPARQL engine stopped on this query, which it could not evaluate (too deeply nested, or too long?)"
)
"""What `kg query` and `kg serve` say of a query the engine itself stopped on (its stack overflowed)."""


class QueryTimedOut(Exception):
    """The query ran longer than it was given, and was stopped."""


class QueryDied(Exception):
    """The query's process ended without an answer: killed (by the out-of-memory killer, say)."""


def answer_within(load: Callable[[], Loaded], ask: Callable[[Loaded], Answer], timeout: float | None) -> Answer:
    """`ask(load())`, computed in a forked process, `timeout` seconds at most from the end of `load()` (None:
    no bound).  An exception of either is raised here; QueryTimedOut when the time is up.  Without `fork`
    (not Linux), both run here, unbounded."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return ask(load())
    sys.stdout.flush()
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_answer, args=(load, ask, sending, os.getpid()), daemon=True)
    process.start()
    sending.close()
    try:
        _expect(receiving, "loaded", None)  # loading a large graph takes its time: the bound is the query's
        return cast(Answer, _expect(receiving, "done", timeout))
    except EOFError:
        process.join(timeout=5)
        raise QueryDied(_died(process.exitcode)) from None
    finally:
        receiving.close()
        if process.is_alive():
            process.kill()
        process.join()


def _expect(receiving: Connection, kind: str, timeout: float | None) -> Any:
    if not receiving.poll(timeout):
        raise QueryTimedOut(f"the query ran longer than {timeout:g} s and was stopped")
    got, value = receiving.recv()  # EOFError: the process ended without a word (`answer_within` says how)
    if got == "error":
        raise value
    assert got == kind, (got, kind)
    return value


def _died(exit_code: int | None) -> str:
    """What the query's process ending without an answer means, by how it ended: killed (the out-of-memory
    killer's SIGKILL), or stopped by the engine itself on the query (a stack overflowed: SIGABRT, SIGSEGV)."""
    if exit_code is not None and exit_code < 0 and -exit_code != signal.SIGKILL:
        name = signal.Signals(-exit_code).name if -exit_code in signal.valid_signals() else f"signal {-exit_code}"
        return f"{STOPPED_ON_QUERY} ({name})"
    return "the query's process ended without an answer (killed, or out of memory)"


def _answer(load: Callable[[], Loaded], ask: Callable[[Loaded], Any], sending: Connection, parent: int) -> None:
    """In the forked process: interruptions are the parent's to handle (it kills this process)."""
    leave_interruptions_to_parent(parent)
    try:
        loaded = load()
        sending.send(("loaded", None))
        sending.send(("done", ask(loaded)))
    except Exception as error:  # raised in the parent (QueryError, OSError, SyntaxError…)
        sending.send(("error", sendable(error)))
    sending.close()
