"""A SPARQL query with a time and a memory bound that Ctrl-C can stop.

Oxigraph evaluates a query in native code that neither a signal nor a deadline reaches: `kg query` with a
cross join of the graph with itself ran for as long as it took (hours), and a Ctrl-C waited for it.  So the
store is loaded, and the query run, in a forked process; this one waits for the answer, for at most the
time given once the store is loaded, and kills that process when the time is up or it is interrupted.  That
process may take at most the memory given beyond what it holds once the store is loaded (its address space is
bounded, `RLIMIT_AS`): the engine then fails to allocate, and says so on its standard error, which is read here.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import signal
import sys
import tempfile
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


class QueryOutOfMemory(QueryDied):
    """The query needed more memory than it was given, and was stopped."""


OUT_OF_MEMORY = (
    "the query needed more memory than it was given beyond the graph's, and was stopped (a variable joining nothing?)"
)
_ALLOCATION_FAILED = (b"memory allocation of ", b"std::bad_alloc", b"St9bad_alloc")
"""How the engine says on its standard error that an allocation failed, before it aborts: Rust's words, and those of
the C++ runtime for its storage library (RocksDB), with the exception's name in full or as compiled."""


def allocation_failed(said: bytes) -> bool:
    """Whether what the engine said on its standard error tells that it could not allocate (and aborted)."""
    return any(words in said for words in _ALLOCATION_FAILED)


def panic_message(said: bytes) -> str | None:
    """The message of the last panic the engine said it had (an error of its own, which ends it: Oxigraph 0.5's sort
    of a forgotten join's rows, `ORDER BY`, panicked "user-provided comparison function does not correctly implement a
    total order"), or None.  Rust writes `thread 'NAME' (ID) panicked at FILE:LINE:COLUMN:`, then the message."""
    panics = _PANIC.findall(said)
    if not panics:
        return None
    return panics[-1].decode("utf-8", errors="replace").strip()[:_PANIC_AT_MOST] or "no message"


_PANIC = re.compile(rb"^thread '[^\n]*' (?:\(\d+\) )?panicked at [^\n]*\n([^\n]*)", re.MULTILINE)
_PANIC_AT_MOST = 300
"""The characters of a panic's message that are told (its first line)."""

_SAID_AT_MOST = 64 * 1024
"""The bytes of what the engine said on its standard error that are read back: the end of it."""


def answer_within(
    load: Callable[[], Loaded], ask: Callable[[Loaded], Answer], timeout: float | None, memory: int | None = None
) -> Answer:
    """`ask(load())`, computed in a forked process, `timeout` seconds at most from the end of `load()` (None:
    no bound), and `memory` bytes at most beyond what that process holds then (None: no bound).  An exception
    of either is raised here; QueryTimedOut when the time is up, QueryOutOfMemory when the memory is.  Without
    `fork` (not Linux), both run here, unbounded."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return ask(load())
    sys.stdout.flush()
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    with tempfile.TemporaryFile() as said:  # what the process says on its standard error while it asks
        process = context.Process(target=_answer, args=(load, ask, sending, os.getpid(), memory, said), daemon=True)
        process.start()
        sending.close()
        try:
            _expect(receiving, "loaded", None)  # loading a large graph takes its time: the bound is the query's
            answer = cast(Answer, _expect(receiving, "done", timeout))
        except EOFError:
            process.join(timeout=5)
            raise _ended(process.exitcode, last_said(said)) from None
        except MemoryError:  # raised in the process, once the engine's answer was made into Python's
            raise QueryOutOfMemory(OUT_OF_MEMORY) from None
        finally:
            receiving.close()
            if process.is_alive():
                process.kill()
            process.join()
        _pass_on(last_said(said))
        return answer


def last_said(said: Any) -> bytes:
    """The end of what the engine said into `said` (a file open for reading in bytes)."""
    said.seek(0, os.SEEK_END)
    said.seek(max(0, said.tell() - _SAID_AT_MOST))
    return bytes(said.read())


def _pass_on(said: bytes) -> None:
    """What the query's process said on its standard error while it answered (a warning), said here."""
    if said:
        sys.stderr.write(said.decode("utf-8", errors="replace"))


def _ended(exit_code: int | None, said: bytes) -> QueryDied:
    if allocation_failed(said):
        return QueryOutOfMemory(OUT_OF_MEMORY)
    return QueryDied(_died(exit_code))


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


def _answer(
    load: Callable[[], Loaded],
    ask: Callable[[Loaded], Any],
    sending: Connection,
    parent: int,
    memory: int | None,
    said: Any,
) -> None:
    """In the forked process: interruptions are the parent's to handle (it kills this process).  Once loaded, its
    address space may grow by `memory` bytes at most, and what it says on its standard error goes to `said`."""
    leave_interruptions_to_parent(parent)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # aborted (its stack overflowed): no core file of the graph
    try:
        loaded = load()
        sending.send(("loaded", None))
        sys.stderr.flush()
        os.dup2(said.fileno(), 2)
        if memory is not None:
            bound_address_space(memory)
        sending.send(("done", ask(loaded)))
    except Exception as error:  # raised in the parent (QueryError, OSError, SyntaxError, MemoryError…)
        sending.send(("error", sendable(error)))
    sending.close()


def bound_address_space(more: int, pid: int | None = None) -> None:
    """Let the address space of process `pid` (None: this one) grow by `more` bytes at most beyond what it holds now
    (within its hard limit); unbounded where the system does not say how large it is (no `/proc`: a system with
    `fork` other than Linux), or cannot bound another process (no `prlimit`), or the process has ended."""
    try:
        held = _address_space("self" if pid is None else str(pid))
        if pid is None:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
        elif hasattr(resource, "prlimit"):
            _, hard = resource.prlimit(pid, resource.RLIMIT_AS)
        else:
            return
        bound = held + more if hard == resource.RLIM_INFINITY else min(held + more, hard)
        if pid is None:
            resource.setrlimit(resource.RLIMIT_AS, (bound, hard))
        else:
            resource.prlimit(pid, resource.RLIMIT_AS, (bound, hard))
    except (OSError, ValueError, IndexError):
        return


def _address_space(process: str) -> int:
    """The address space of `process` (a pid, or "self"), in bytes (Linux's `/proc/<process>/statm`, in pages)."""
    with open(f"/proc/{process}/statm", "rb") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()
