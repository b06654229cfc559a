"""A forwarding HTTP proxy that bounds every request to a SPARQL server in time and in size.

The Oxigraph server stops some runaway queries at its own `--timeout-s`, but not all of them: a
`COUNT(*)` over a 4-way cross join of the real graph (11,438 triples with the ontology) runs until it is killed.  So
`kg serve` puts this proxy (standard library `http.server` and `http.client`) in front of it.  A request that
takes longer than the time limit is answered `503` with a plain-text reason; the engine is then restarted (a
read-only store reopens in milliseconds), since the only way to stop a query inside it is to stop the process.
Answers larger than the size limit are refused with `507` instead of filling memory, and answers beyond what the
proxy holds at once for all requests together with `503` (ask again).  An engine that stopped on its own (a query
overflowed its stack, or needed more memory than it may take: `kg.query.serve`) is restarted too.  The other queries
in flight when the engine stopped are asked again, once, on the new one (they only read): they were 502, though they
had done nothing wrong.

The engine never sees a client's request: `kg.query.protocol` reads it, refuses what it will not forward (a
federated query, one nested deeper than the engine's stack holds, a request that could be read two ways, a
method but GET, HEAD and POST), and the engine is sent the request built from what was read.  Its service
description is passed on without the federation it claims (`kg.query.federation.without_federation`), and an
answer its writers got wrong (a CSV an IRI's comma splits, a carriage return in XML) as it should have been
written (`kg.query.answers`).
"""

from __future__ import annotations

import http.client
import io
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import Enum, auto
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from kg.limits import LISTEN_BACKLOG, MAX_ANSWER_BYTES, MIB
from kg.query.answers import CSV, TSV, csv_fits, csv_of, media_type, reworded, xml_mended
from kg.query.bounded import STOPPED_ON_QUERY
from kg.query.federation import without_federation
from kg.query.protocol import (
    FORM,
    QUERY_PATHS,
    EngineRequest,
    RequestRefused,
    body_length,
    check_method,
    engine_request,
    host,
)
from kg.query.query_page import POLICY, QUERY_PAGE
from kg.query.sparql import QueryError

STOPPED = f"{STOPPED_ON_QUERY}; it was restarted"
_INTERRUPTED = (
    "the SPARQL engine stopped on another query while this one ran, and could not be asked again in time: ask again"
)
_CLOSING = "kg serve is stopping"
_CUT_OFF = "the request's headers were cut off (the connection ended before the empty line that ends them): not run"
_LONG_ADDRESS = (  # http.server reads a request line of 65,536 bytes at most
    "the request's address is longer than 65,536 bytes: POST the query (a form, or an application/sparql-query body)"
)
_TOO_LARGE = f"the answer is larger than {MAX_ANSWER_BYTES // MIB} MB: ask for less (LIMIT, fewer variables)"
ANSWERS_HELD = 4 * MAX_ANSWER_BYTES
"""The bytes of answers the proxy holds at once, all requests together: each answer is held whole (its length is
sent before it), and requests are not otherwise limited in number, so that twenty clients asking at once for answers
of the largest size would have held five gigabytes.  A request whose answer would take more is refused (503)."""
_NOT_COPIED = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te"}
_NOT_COPIED |= {"content-length", "server", "date"}  # this proxy's own
"""Headers of the engine's answer that are not passed on: those of one connection, and those the proxy sends."""


def _failed(fault: str) -> str:
    """Why a query is not answered that the engine stopped on with an error of its own (a panic: `fault`)."""
    return f'the SPARQL engine failed on this query with an error of its own ("{fault}"); it was restarted'


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Renewed(Enum):
    """What a request that got no answer from the engine may do once the engine is running again."""

    AGAIN = auto()  # it runs (again): ask again
    STOPPED_ON_IT = auto()  # it stopped with this request alone in flight
    OUT_OF_MEMORY = auto()  # it needed more memory than it may take, with this request alone in flight
    AGAIN_AFTER_MEMORY = auto()  # it needed more memory than it may take, with others in flight: ask again
    CLOSING = auto()  # kg serve is stopping


class Engine(Protocol):
    """The SPARQL server the guard forwards to, on `port` of 127.0.0.1 (`kg.query.serve`)."""

    port: int
    memory: int | None
    """The bytes it may take beyond what it holds once started (None: no bound)."""

    def asked(self) -> AbstractContextManager[int]:
        """Counts a request as in flight while it asks; gives the generation (the start) of the engine it asks."""

    def renew(self, generation: int, overran: bool = False, reached: bool = True) -> Renewed:
        """Restarts the engine after `generation` overran or stopped; whether the request may ask again."""

    def fault(self, generation: int) -> str | None:
        """The message of the error of its own `generation` stopped on (a panic), if it did."""


class Guard(ThreadingHTTPServer):
    """Listens on `address`, forwards to `engine` within `timeout` seconds."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], engine: Engine, timeout: float) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Forward)
        self.engine = engine
        self.timeout_seconds = timeout
        self.held = _Held(ANSWERS_HELD)
        self.asking_again = threading.Lock()
        """Held by a request asking again: if the engine stops again then, it stopped on that request, not on
        another one that would have been asked again at the same time.  It is waited for until the request's
        deadline at most: with many asking again, the last would have waited for all their time limits."""
        self.host = bind_address(address[0], self.server_address[1])
        """Sent to the engine as `Host` when the client named none: the engine names itself by it in its service
        description (`sd:endpoint`), where it named its own port, reachable past this proxy's bounds."""

    def handle_error(self, request: object, client_address: object) -> None:
        """One line, not a traceback, for a request that failed here; nothing for a client that went away or
        stopped reading its answer for longer than the time limit."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"kg serve: a request failed: {error!r}", file=sys.stderr)


class _Forward(BaseHTTPRequestHandler):
    server: Guard
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        """A client that has not sent its whole request within the time limit (a body shorter than its
        `Content-Length`, an idle connection, a byte at a time) is let go: it held a thread and a connection
        for ever, and with a limit per read, for as long as it went on sending."""
        super().setup()
        self.connection.settimeout(self.server.timeout_seconds)  # each write of the answer
        self.rfile.close()  # the standard reader, timed per read (the connection stays open)
        self.reading = _ByDeadline(self.connection, self.server.timeout_seconds)
        self.rfile = io.BufferedReader(self.reading)

    def handle_one_request(self) -> None:
        self.reading.deadline = time.monotonic() + self.server.timeout_seconds
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The request line and headers, and a method refused before a body is read."""
        if not super().parse_request():
            return False
        if self.reading.ended:  # the standard library takes the end of the input for the end of the headers
            self._refuse(RequestRefused(HTTPStatus.BAD_REQUEST, _CUT_OFF), close=True)
            return False
        try:
            check_method(self.command, self.path)
        except RequestRefused as refused:
            self._refuse(refused, close=True)
            return False
        return True

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's refusals (a malformed request line, headers too long) as plain text too; an
        address too long to read (the whole request line), with what to do instead."""
        if code == HTTPStatus.REQUEST_URI_TOO_LONG and message is None:
            message = _LONG_ADDRESS
        self._refuse(RequestRefused(HTTPStatus(code), message or HTTPStatus(code).phrase), close=True)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the engine behind logs nothing either."""

    def _answer(self) -> None:
        try:
            length = body_length(self.headers)
        except RequestRefused as refused:
            self._refuse(refused, close=True)  # its body, unread, would be taken for the next request
            return
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            self._refuse(RequestRefused(HTTPStatus.REQUEST_TIMEOUT, self._silent()), close=True)
            return
        if len(body) < length:  # the client went away
            self.close_connection = True
            return
        try:
            request = engine_request(self.command, self.path, self.headers, body)
            headers = self._engine_headers(request)
        except RequestRefused as refused:
            self._refuse(refused)
            return
        if urlsplit(self.path).path == "/":
            self._send_query_page()
            return
        self._forward(request, headers)

    def _send_query_page(self) -> None:
        """This server's query page (`kg.query.query_page`), not the engine's."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(QUERY_PAGE)))
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(QUERY_PAGE)

    def _engine_headers(self, request: EngineRequest) -> dict[str, str]:
        """The client's `Host` (or this proxy's address) and `Accept` (the engine negotiates the answer's format)."""
        headers = {"Host": host(self.headers) or self.server.host}
        if accepted := self.headers.get_all("Accept"):
            headers["Accept"] = ", ".join(accepted)
        if request.form is not None:
            headers["Content-Type"] = FORM
        return headers

    def _forward(self, request: EngineRequest, headers: dict[str, str]) -> None:
        """Ask the engine and pass its answer on, within the time limit from now; what the answer held of the
        proxy's memory is given back once it is sent (`_Held`)."""
        share = _Share(self.server.held)
        try:
            try:
                answer, data = self._answer_of(request, headers, time.monotonic() + self.server.timeout_seconds, share)
                if answer.status == HTTPStatus.OK and self._splits_rows(answer, data):
                    share.give_back(len(data))
                    data = b""  # not held while the same query is asked again as TSV
                    answer, data = self._as_csv(request, headers, answer, share)
                elif answer.status == HTTPStatus.OK:
                    data = self._mended(request, headers, answer, data)
                elif answer.status == HTTPStatus.BAD_REQUEST and request.query is not None:
                    data = reworded(data, request.query)
            except RequestRefused as refused:
                self._refuse(refused)
                return
            self._pass_on(answer, data)
        finally:
            share.give_back(share.size)

    @staticmethod
    def _splits_rows(answer: http.client.HTTPResponse, data: bytes) -> bool:
        """Whether the engine's answer is a CSV some IRI holding a comma splits (`kg.query.answers.csv_fits`)."""
        return media_type(answer.getheader("Content-Type", "")) == CSV and not csv_fits(data)

    def _as_csv(
        self, request: EngineRequest, headers: dict[str, str], answer: http.client.HTTPResponse, share: _Share
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """The CSV the engine should have written: the same query (on the same read-only store) asked again as TSV,
        and written here."""
        deadline = time.monotonic() + self.server.timeout_seconds
        again, solutions = self._answer_of(request, {**headers, "Accept": TSV}, deadline, share)
        if again.status != HTTPStatus.OK:
            return again, solutions
        try:
            written = csv_of(solutions)
        except QueryError:
            raise RequestRefused(HTTPStatus.INSUFFICIENT_STORAGE, _TOO_LARGE) from None
        except (SyntaxError, ValueError) as error:
            reason = f"the SPARQL engine's TSV answer is unreadable: {error}"
            raise RequestRefused(HTTPStatus.BAD_GATEWAY, reason) from None
        share.give_back(len(solutions))
        del solutions
        share.take(len(written))
        return answer, written

    def _mended(
        self, request: EngineRequest, headers: dict[str, str], answer: http.client.HTTPResponse, data: bytes
    ) -> bytes:
        """The engine's answer as it should have written it (`kg.query.answers`): its service description without
        the federation this proxy refuses, an XML answer with its carriage returns escaped."""
        content_type = answer.getheader("Content-Type", "")
        if _describes(request):
            return self._described(data, content_type, headers["Host"]) or data
        mended = xml_mended(data, content_type)
        if len(mended) > MAX_ANSWER_BYTES:
            raise RequestRefused(HTTPStatus.INSUFFICIENT_STORAGE, _TOO_LARGE)
        return mended

    def _answer_of(
        self, request: EngineRequest, headers: dict[str, str], deadline: float, share: _Share
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """The engine's answer and its body; RequestRefused with why there is none.  A request the engine dropped is
        asked again, once, when the engine runs again and the request may (`Engine.renew`); one it refused the
        connection (it had stopped, or was starting) was never asked, and asks until it is or its time runs out."""
        engine = self.server.engine
        again = False
        memory_stops = 0  # how often the engine stopped, out of memory, with this request in flight beside others
        while True:
            with self._turn(again, deadline), engine.asked() as generation:
                try:
                    return self._ask(request, headers, deadline, share)
                except TimeoutError:
                    engine.renew(generation, overran=True)
                    raise RequestRefused(HTTPStatus.SERVICE_UNAVAILABLE, self._overran()) from None
                except _TooLarge:
                    raise RequestRefused(HTTPStatus.INSUFFICIENT_STORAGE, _TOO_LARGE) from None
                except (http.client.InvalidURL, ValueError) as error:  # the request's, or ours: the engine is not asked
                    raise RequestRefused(HTTPStatus.BAD_REQUEST, f"the request cannot be forwarded: {error}") from None
                except (OSError, http.client.HTTPException) as error:
                    reached = not isinstance(error, ConnectionRefusedError)
                    renewed = engine.renew(generation, reached=reached)
            if renewed is Renewed.STOPPED_ON_IT:
                fault = engine.fault(generation)
                raise RequestRefused(HTTPStatus.INTERNAL_SERVER_ERROR, STOPPED if fault is None else _failed(fault))
            if renewed is Renewed.OUT_OF_MEMORY:
                raise RequestRefused(HTTPStatus.INSUFFICIENT_STORAGE, self._out_of_memory())
            if renewed is Renewed.CLOSING:
                raise RequestRefused(HTTPStatus.SERVICE_UNAVAILABLE, _CLOSING)
            memory_stops += renewed is Renewed.AGAIN_AFTER_MEMORY
            if reached and again:
                reason = self._out_of_memory_twice() if memory_stops == 2 else _INTERRUPTED
                raise RequestRefused(HTTPStatus.SERVICE_UNAVAILABLE, reason)
            again = again or reached

    @contextmanager
    def _turn(self, again: bool, deadline: float) -> Iterator[None]:
        """A request's turn to ask: at once the first time, after those asking `again` before it the next;
        RequestRefused when its deadline comes first."""
        left = deadline - time.monotonic()
        if left <= 0 or (again and not self.server.asking_again.acquire(timeout=left)):
            raise RequestRefused(HTTPStatus.SERVICE_UNAVAILABLE, _INTERRUPTED)
        try:
            yield
        finally:
            if again:
                self.server.asking_again.release()

    def _described(self, description: bytes, media_type: str, address: str) -> bytes | None:
        """The engine's description of the service without what this proxy refuses (`without_federation`), its
        IRIs whole (it writes the endpoint `<>`, relative to where it was asked); None for no RDF answer."""
        try:
            return without_federation(description, media_type, f"http://{address}{urlsplit(self.path).path}")
        except (SyntaxError, ValueError) as error:
            reason = f"the SPARQL engine's service description is unreadable: {error}"
            raise RequestRefused(HTTPStatus.BAD_GATEWAY, reason) from None

    def _ask(
        self, request: EngineRequest, headers: dict[str, str], deadline: float, share: _Share
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """The engine's answer and its body, read within the time limit (TimeoutError) and the size limit.  An engine
        that could not start a thread to answer (`_no_thread`) is asked again after a pause, then RequestRefused."""
        answer, data = self._ask_once(request, headers, deadline, share)
        if _no_thread(answer, data) and time.monotonic() + _THREAD_PAUSE < deadline:
            share.give_back(len(data))
            time.sleep(_THREAD_PAUSE)
            answer, data = self._ask_once(request, headers, deadline, share)
        if _no_thread(answer, data):
            share.give_back(len(data))
            raise RequestRefused(HTTPStatus.SERVICE_UNAVAILABLE, self._without_thread())
        return answer, data

    def _ask_once(
        self, request: EngineRequest, headers: dict[str, str], deadline: float, share: _Share
    ) -> tuple[http.client.HTTPResponse, bytes]:
        engine = http.client.HTTPConnection(
            "127.0.0.1", self.server.engine.port, timeout=max(deadline - time.monotonic(), 0.01)
        )
        try:
            engine.request("GET" if request.form is None else "POST", request.path, request.form, headers)
            answer = engine.getresponse()
            return answer, _read_until(answer, deadline, share)
        finally:
            engine.close()

    def _pass_on(self, answer: http.client.HTTPResponse, data: bytes) -> None:
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in _NOT_COPIED:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _silent(self) -> str:
        return f"the request's body did not come: nothing was sent for {self.server.timeout_seconds:g} s"

    def _overran(self) -> str:
        seconds = self.server.timeout_seconds
        return f"the query ran longer than {seconds:g} s and was stopped (kg serve --timeout SECONDS sets the limit)"

    def _out_of_memory(self) -> str:
        return (
            f"the query needed more than {self._memory_given()} the SPARQL engine may take beyond the graph's, and was"
            " stopped (a variable joining nothing?); the engine was restarted (kg serve --memory MB sets the bound)"
        )

    def _out_of_memory_twice(self) -> str:
        """Why a request is not answered that was in flight, beside others, each time the engine ran out of memory
        (twice): it may well be the one that needs the memory; which one did, the engine does not say."""
        return (
            "the SPARQL engine ran out of memory twice while this query ran beside others: it may be this one that"
            f" needs more than {self._memory_given()} the engine may take beyond the graph's (a variable joining"
            " nothing? kg serve --memory MB sets the bound); if not, ask again"
        )

    def _without_thread(self) -> str:
        given = self.server.engine.memory
        bound = f" (it may take {given // MIB:,} MB beyond the graph's: kg serve --memory MB)" if given else ""
        return (
            "the SPARQL engine could not start a thread to answer this query: too many queries at once, or too little"
            f" memory left to it{bound}; ask again"
        )

    def _memory_given(self) -> str:
        given = self.server.engine.memory
        return f"the {given // MIB:,} MB" if given is not None else "the memory"

    def _refuse(self, refused: RequestRefused, close: bool = False) -> None:
        """Answer `refused` in plain text; `close` the connection after it (a body may be left unread)."""
        data = f"{refused.reason}\n".encode()
        self.send_response(refused.status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if refused.allow is not None:
            self.send_header("Allow", refused.allow)
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class _ByDeadline(io.RawIOBase):
    """A socket read until a `deadline` (`time.monotonic()`), in all: past it, each read raises TimeoutError.
    Writes keep the socket's timeout of `each_write` seconds."""

    def __init__(self, connection: socket.socket, each_write: float) -> None:
        self.connection, self.each_write = connection, each_write
        self.deadline = time.monotonic()
        self.ended = False
        """Whether the client's input has ended: read while the headers are, they were cut off (a line was asked
        for that never came whole)."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not come within the time limit")
        self.connection.settimeout(left)
        try:
            received = self.connection.recv_into(buffer)
            self.ended = self.ended or received == 0
            return received
        finally:
            self.connection.settimeout(self.each_write)


class _TooLarge(Exception):
    pass


_THREAD_PAUSE = 0.25
"""The seconds before asking once more an engine that could not start a thread to answer (`_no_thread`)."""


def _no_thread(answer: http.client.HTTPResponse, data: bytes) -> bool:
    """Whether the engine answered that it could not start a thread for the query (`EAGAIN`): its threads are many
    (each query has one), or its address space, bounded (`kg serve --memory`), has no room for another's stack and
    memory pool.  It answered a 500 holding the system's words alone, "Resource temporarily unavailable (os error
    11)", which the client was passed as if the query had failed; the query may well succeed a moment later."""
    return answer.status == HTTPStatus.INTERNAL_SERVER_ERROR and b"(os error 11)" in data[:1024]


def _describes(request: EngineRequest) -> bool:
    """Whether the engine is asked for its service description (a query address, and no query)."""
    return request.form is None and urlsplit(request.path).path in QUERY_PATHS


def _read_until(answer: http.client.HTTPResponse, deadline: float, share: _Share) -> bytes:
    """The whole answer body, or TimeoutError at the deadline (also for an answer that trickles forever), taken
    from `share` as it comes (given back if it does not all come).  Held once (a list of its pieces, then their
    join, held it twice)."""
    body = io.BytesIO()
    try:
        while chunk := answer.read1(64 * 1024) if not answer.isclosed() else b"":
            if body.tell() + len(chunk) > MAX_ANSWER_BYTES:
                raise _TooLarge
            if time.monotonic() > deadline:
                raise TimeoutError
            share.take(len(chunk))
            body.write(chunk)
    except BaseException:
        share.give_back(body.tell())
        raise
    return body.getvalue()


class _Held:
    """The bytes of answers the proxy holds at once, `most` at most (`ANSWERS_HELD`)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.size = 0
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        """Count `size` bytes more as held, if they fit."""
        with self._lock:
            if self.size + size > self.most:
                return False
            self.size += size
            return True

    def give_back(self, size: int) -> None:
        with self._lock:
            self.size -= size


class _Share:
    """What one request holds of the proxy's `_Held` bytes."""

    def __init__(self, held: _Held) -> None:
        self.held = held
        self.size = 0

    def take(self, size: int) -> None:
        """Hold `size` bytes more; RequestRefused (503) when the proxy holds as much as it may."""
        if not self.held.take(size):
            busy = f"kg serve holds {self.held.most // MIB:,} MB of other answers not sent yet: ask again once they are"
            raise RequestRefused(HTTPStatus.SERVICE_UNAVAILABLE, busy)
        self.size += size

    def give_back(self, size: int) -> None:
        self.held.give_back(size)
        self.size -= size
