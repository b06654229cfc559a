"""`kg serve`: a local, read-only SPARQL 1.1 Protocol endpoint over the graph.

The data (graph + ontology, in the default graph, as `kg query` sees it) is loaded into a private
Oxigraph store in a temporary directory, then the `oxigraph` server of the PyPI package runs
`serve-read-only` on it, on a private port of 127.0.0.1.  That server does GET and POST queries, content
negotiation of the results formats and an offline query page, and has no update endpoint at all.  Users
reach it through `kg.query.guard`, which bounds every query in time and size.  The store is deleted on exit.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import FrameType

import pyoxigraph as ox

from kg.limits import MIB
from kg.query.bounded import allocation_failed, bound_address_space, last_said, panic_message
from kg.query.defaults import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_QUERY_MEMORY, DEFAULT_TIMEOUT
from kg.query.guard import Guard, Renewed, bind_address
from kg.workers import die_with_parent

_STARTUP_SECONDS = 60.0
_ENDING_SECONDS = 2.0
"""How long an engine that dropped a connection is given to end before its port is asked whether it still listens:
its sockets close before the process has ended (a SIGABRT), so it may still seem to run for a moment."""


class ServeError(Exception):
    """The server could not be found, could not load the data, or stopped before it was ready."""


def server_binary() -> str:
    """The `oxigraph` executable installed with this package (next to `kg`), else the one on PATH."""
    for directory in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(directory) / "oxigraph"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("the `oxigraph` server is not installed (pip install oxigraph)")
    return found


def load_store(binary: str, location: Path, files: list[Path]) -> None:
    """Fill a new store with Oxigraph's own loader, so store format and server version always match.

    That loader tells of a file it cannot read with a Rust backtrace and a hint about an option of its own
    (`--lenient`): when it fails, the files are parsed here, which raises the SyntaxError `kg query` gets,
    naming the file, line and column.  Only then: parsing them first cost every start 1.3 s for a 60 MB graph."""
    done = subprocess.run(
        [binary, "load", "--location", str(location), "--file", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        for path in files:
            for _ in ox.parse(path=str(path)):  # the format by the file's extension (.ttl, .nt)
                pass
        raise ServeError(f"oxigraph load failed: {done.stderr.strip() or done.stdout.strip()}")


def _free_local_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Engine:
    """The `oxigraph serve-read-only` process, private on 127.0.0.1, that the guard forwards to.

    It dies with `kg serve`, however that ends (`kill -9` too: Linux's parent-death signal), so no server is
    left behind serving a deleted store.  That signal follows the *thread* that started the process, and a
    restart is asked for by the guard's thread of the request that overran, which ends right after: every
    start, restart and stop is run by one thread of the engine's own, which lives as long as it does.

    It is restarted after a query overran (the only way to stop it), and when it stopped on its own (a query
    overflowed its stack, or needed more than the `memory` it may take beyond what it holds once started: its
    address space is bounded, `RLIMIT_AS`, and it says so in its log before it aborts).  Each start is a
    generation: a request that got no answer tells by it whether the engine was restarted since it asked, and by
    the requests in flight when it stopped whether it was the one it stopped on (alone in flight) or may ask
    again."""

    def __init__(self, binary: str, location: Path, timeout: float, memory: int | None = None):
        self.command = [binary, "serve-read-only", "--location", str(location), "--timeout-s", f"{timeout:g}"]
        self.memory = memory
        self.port = _free_local_port()
        self.log = location.with_name("engine.log")  # its messages name its private port: kept for errors only
        self.process: subprocess.Popen[bytes] | None = None
        self.generation = 0
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-serve-engine")
        self._counting = threading.Lock()
        self._in_flight: Counter[int] = Counter()  # requests asking, by the generation they ask
        self._stops: dict[int, bool] = {}  # generations that stopped on their own: whether out of memory
        self._faults: dict[int, str] = {}  # those that stopped on an error of their own: its message
        self._served_on = (0, 0.0)  # the generation last found serving after a dropped connection, and since when
        self._stopped_alone: set[int] = set()  # those that stopped with one request in flight
        self._closing = False  # `stop` asked: a request that lost the engine to it restarts nothing

    def start(self) -> None:
        self._keeper.submit(self._start).result()

    def stop(self) -> None:
        """Stop the process, and the thread that keeps it.  A request whose query it cuts off asks for a renewal
        queued behind the stop, which would read it as the engine stopping on that query ("restarted it", a 500,
        and a new engine on a store about to be removed): it is told the server is stopping."""
        self._closing = True
        try:
            self._keeper.submit(self._stop).result()
        finally:
            self._keeper.shutdown()

    @contextmanager
    def asked(self) -> Iterator[int]:
        """Count a request as in flight for as long as it asks the engine; the generation it asks."""
        with self._counting:
            generation = self.generation
            self._in_flight[generation] += 1
        try:
            yield generation
        finally:
            with self._counting:
                self._in_flight[generation] -= 1
                if not self._in_flight[generation]:
                    del self._in_flight[generation]

    def renew(self, generation: int, overran: bool = False, reached: bool = True) -> Renewed:
        """After a request asked `generation` (within `asked`) and got no answer: start the engine afresh if it
        still runs that generation and the query `overran`, or if it has stopped.  Then whether the request may
        ask again: not if it `reached` the engine and the engine stopped with it alone in flight (it stopped on
        that query), nor once the engine is being stopped for good (a query that overran meanwhile starts
        nothing).  A request refused a connection never `reached` it: it is never the one it stopped on."""
        dropped = time.monotonic()
        try:
            renewed = self._keeper.submit(self._renew, generation, overran, reached, dropped)
        except RuntimeError:  # stopped: the keeper takes no more work
            return Renewed.CLOSING
        return renewed.result()

    def fault(self, generation: int) -> str | None:
        """The message of the error of its own that `generation` stopped on (a panic), if it did."""
        return self._faults.get(generation)

    def _renew(self, generation: int, overran: bool, reached: bool, dropped: float) -> Renewed:
        if self._closing:
            return Renewed.CLOSING
        if generation == self.generation and self.process is not None:
            if overran:
                self._restart()
            elif self._served_on[0] == generation and self._served_on[1] >= dropped:
                pass  # found serving since this connection was dropped: not waited for again, one request after another
            elif (status := self._exit_status(self.process)) is not None:
                said = self._said_last()  # (its log is written afresh by the restart)
                out_of_memory = allocation_failed(said)
                self._stops[generation] = out_of_memory
                if (fault := panic_message(said)) is not None and not out_of_memory:
                    self._faults[generation] = fault
                with self._counting:
                    if reached and self._in_flight[generation] == 1:
                        self._stopped_alone.add(generation)
                self._restart()
                if out_of_memory:
                    bound = f" (it needed more than the {self.memory // MIB:,} MB it may take)" if self.memory else ""
                    how = f"ran out of memory{bound}"
                elif generation in self._faults:
                    how = f"failed on an error of its own ({self._faults[generation]})"
                else:
                    how = f"stopped ({_ended(status)})"
                print(f"kg serve: the SPARQL engine {how}; restarted it", file=sys.stderr)
        out_of_memory = self._stops.get(generation, False)
        if not reached:
            return Renewed.AGAIN
        if generation in self._stopped_alone:
            return Renewed.OUT_OF_MEMORY if out_of_memory else Renewed.STOPPED_ON_IT
        return Renewed.AGAIN_AFTER_MEMORY if out_of_memory else Renewed.AGAIN

    def _said_last(self) -> bytes:
        """The end of what the engine wrote to its log."""
        try:
            with open(self.log, "rb") as log:
                return last_said(log)
        except OSError:
            return b""

    def _exit_status(self, process: subprocess.Popen[bytes]) -> int | None:
        """The exit status of the engine that dropped a connection, or None if it still serves; one that still
        runs but no longer listens is killed."""
        asked = time.monotonic()
        try:
            return process.wait(timeout=_ENDING_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        if _listening("127.0.0.1", self.port):
            self._served_on = (self.generation, asked)
            return None
        process.kill()
        return process.wait()

    def _start(self) -> None:
        bind = ["--bind", bind_address("127.0.0.1", self.port)]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [*self.command, *bind],
                stdout=log,
                stderr=log,
                env={**os.environ, "MALLOC_ARENA_MAX": ENGINE_MALLOC_ARENAS},
                preexec_fn=partial(_engine_child, os.getpid()),
            )
        try:
            _wait_until_listening(self.process, "127.0.0.1", self.port)
        except ServeError as error:
            said = self.log.read_text(encoding="utf-8", errors="replace").strip()
            raise ServeError(f"{error}: {said}" if said else str(error)) from None
        if self.memory is not None:  # once its store is open: what it holds then is not the queries'
            bound_address_space(self.memory, self.process.pid)
        with self._counting:
            self.generation += 1

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _restart(self) -> None:
        self._stop()
        self._start()


ENGINE_MALLOC_ARENAS = "2"
"""The memory pools of the C library's allocator the engine may use (glibc's `MALLOC_ARENA_MAX`).  The memory bound is
on the engine's address space, which every pool grows by 64 MB reserved whether used or not, one pool per thread up
to 8 per core by default: 16 queries at once took the engine from 425 to 1,128 MB of address space with 36 MB
resident, and with `--memory 512` ordinary queries at once made it fail to allocate; on 8 cores 64 of them reached
4.6 GB.  With 2 pools, 32 at once under `--memory 512` were all answered (the engine starting at 164 MB)."""


def _engine_child(parent: int) -> None:
    """In the engine's process, before it executes: it dies with `kg serve` (`die_with_parent`), and writes no core
    file when it aborts (out of memory: a core file of its whole address space, 2.1 GB for `--memory 2048`, was left
    in the folder `kg serve` ran in)."""
    die_with_parent(parent)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _ended(status: int) -> str:
    """How a process ended, by its `returncode`: 'SIGABRT' (a stack overflow), 'exit status 1'."""
    if status >= 0:
        return f"exit status {status}"
    try:
        return signal.Signals(-status).name
    except ValueError:
        return f"signal {-status}"


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_until_listening(process: subprocess.Popen[bytes], host: str, port: int) -> None:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeError(f"oxigraph serve-read-only exited with status {process.returncode}")
        if _listening(host, port):
            return
        time.sleep(0.05)
    raise ServeError(f"oxigraph did not listen on {bind_address(host, port)} within {_STARTUP_SECONDS:.0f} s")


def serve(
    files: list[Path],
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    ready: Callable[[str], None] = print,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int | None = DEFAULT_QUERY_MEMORY * MIB,
) -> int:
    """Serve `files` (Turtle) until interrupted or terminated; `ready` gets the base URL once listening.

    A query that runs longer than `timeout` seconds is answered with an error (HTTP 503) and stopped, one that
    needs more than `memory` bytes beyond what the engine holds once started (None: no bound) with HTTP 507, one
    the engine stopped on otherwise with HTTP 500; the server goes on serving the next queries, and those in
    flight.
    """
    binary = server_binary()
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as temp:
        location = Path(temp) / "store"
        load_store(binary, location, files)
        engine = _Engine(binary, location, timeout, memory)

        def stop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        guard: Guard | None = None
        try:
            engine.start()
            try:
                guard = Guard((host, port), engine, timeout)
            except OSError as error:
                raise ServeError(f"cannot listen on {bind_address(host, port)}: {error.strerror or error}") from None
            ready(f"http://{bind_address(host, guard.server_address[1])}/")  # the port bound: `--port 0` any free
            guard.serve_forever(poll_interval=0.2)
            return 0
        except KeyboardInterrupt:
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
            if guard is not None:
                guard.server_close()
            engine.stop()
