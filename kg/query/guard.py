"""A forwarding HTTP proxy that bounds every request to a SPARQL server in time and in size.

The Oxigraph server stops some runaway queries at its own `--timeout-s`, but not all of them: a
`COUNT(*)` over a 4-way cross join of the real graph (11,438 triples with the ontology) runs until it is killed.  So
`kg serve` puts this proxy (standard library `http.server` and `http.client`) in front of it.  A request that
takes longer than the time limit is answered `503` with a plain-text reason; the engine is then restarted (a
read-only store reopens in milliseconds), since the only way to stop a query inside it is to stop the process.
Answers larger than the size limit are refused with `507` instead of filling memory.

The engine never sees a client's request: `kg.query.protocol` reads it, refuses what it will not forward (a
federated query, one nested deeper than the engine's stack holds, a request that could be read two ways, a
method but GET, HEAD and POST), and the engine is sent the request built from what was read.
"""

from __future__ import annotations

import http.client
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kg.limits import MAX_ANSWER_BYTES, MIB
from kg.query.protocol import FORM, EngineRequest, Refused, body_length, check_method, engine_request, host

_NOT_COPIED = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te"}
_NOT_COPIED |= {"content-length", "server", "date"}  # this proxy's own
"""Headers of the engine's answer that are not passed on: those of one connection, and those the proxy sends."""


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Guard(ThreadingHTTPServer):
    """Listens on `address`, forwards to the engine at `engine_port` on 127.0.0.1 within `timeout` seconds.

    `restart` is called (once at a time) after a request overran, to stop the query still running.
    """

    daemon_threads = True

    def __init__(self, address: tuple[str, int], engine_port: int, timeout: float, restart: Callable[[], None]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Forward)
        self.engine_port = engine_port
        self.timeout_seconds = timeout
        self.restart = restart
        self.restarting = threading.Lock()
        self.host = bind_address(address[0], self.server_address[1])
        """Sent to the engine as `Host` when the client named none: the engine names itself by it in its service
        description (`sd:endpoint`), where it named its own port, reachable past this proxy's bounds."""

    def handle_error(self, request: object, client_address: object) -> None:
        """One line, not a traceback, for a request that failed here; nothing for a client that went away."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            print(f"kg serve: a request failed: {error!r}", file=sys.stderr)


class _Forward(BaseHTTPRequestHandler):
    server: Guard
    protocol_version = "HTTP/1.1"

    def parse_request(self) -> bool:
        """The request line and headers, and a method refused before a body is read."""
        if not super().parse_request():
            return False
        try:
            check_method(self.command, self.path)
        except Refused as refused:
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
        """The standard library's refusals (a malformed request line, headers too long) as plain text too."""
        self._refuse(Refused(HTTPStatus(code), message or HTTPStatus(code).phrase), close=True)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the engine behind logs nothing either."""

    def _answer(self) -> None:
        try:
            length = body_length(self.headers)
        except Refused as refused:
            self._refuse(refused, close=True)  # its body, unread, would be taken for the next request
            return
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away
            self.close_connection = True
            return
        try:
            request = engine_request(self.command, self.path, self.headers, body)
            headers = self._engine_headers(request)
        except Refused as refused:
            self._refuse(refused)
            return
        self._forward(request, headers)

    def _engine_headers(self, request: EngineRequest) -> dict[str, str]:
        """The client's `Host` (or this proxy's address) and `Accept` (the engine negotiates the answer's format)."""
        headers = {"Host": host(self.headers) or self.server.host}
        if accepted := self.headers.get_all("Accept"):
            headers["Accept"] = ", ".join(accepted)
        if request.form is not None:
            headers["Content-Type"] = FORM
        return headers

    def _forward(self, request: EngineRequest, headers: dict[str, str]) -> None:
        with self.server.restarting:  # wait while the engine restarts after another query overran
            pass
        deadline = time.monotonic() + self.server.timeout_seconds
        engine = http.client.HTTPConnection("127.0.0.1", self.server.engine_port, timeout=self.server.timeout_seconds)
        try:
            engine.request("GET" if request.form is None else "POST", request.path, request.form, headers)
            answer = engine.getresponse()
            data = _read_until(answer, deadline)
        except TimeoutError:
            self._overran()
            return
        except (OSError, http.client.HTTPException) as error:
            self._refuse(Refused(HTTPStatus.BAD_GATEWAY, f"the SPARQL engine did not answer: {error}"))
            return
        except _TooLarge:
            too_large = f"the answer is larger than {MAX_ANSWER_BYTES // MIB} MB: ask for less (LIMIT, fewer variables)"
            self._refuse(Refused(HTTPStatus.INSUFFICIENT_STORAGE, too_large))
            return
        finally:
            engine.close()
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in _NOT_COPIED:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _overran(self) -> None:
        with self.server.restarting:
            self.server.restart()
        seconds = self.server.timeout_seconds
        self._refuse(
            Refused(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the query ran longer than {seconds:g} s and was stopped (kg serve --timeout SECONDS sets the limit)",
            )
        )

    def _refuse(self, refused: Refused, close: bool = False) -> None:
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


class _TooLarge(Exception):
    pass


def _read_until(answer: http.client.HTTPResponse, deadline: float) -> bytes:
    """The whole answer body, or TimeoutError at the deadline (also for an answer that trickles forever)."""
    chunks = []
    size = 0
    while chunk := answer.read1(64 * 1024) if not answer.isclosed() else b"":
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _TooLarge
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)
