"""A forwarding HTTP proxy that bounds every request to a SPARQL server in time and in size.

The Oxigraph server stops some runaway queries at its own `--timeout-s`, but not all of them: a
`COUNT(*)` over a 4-way cross join of the real graph (11,438 triples with the ontology) runs until it is killed.  So
`kg serve` puts this proxy (standard library `http.server` and `http.client`, nothing hand-parsed) in
front of it.  A request that takes longer than the time limit is answered `503` with a plain-text
reason; the engine is then restarted (a read-only store reopens in milliseconds), since the only way to
stop a query inside it is to stop the process.  Answers larger than the size limit are refused with
`507` instead of filling memory.  A federated query (SERVICE), or one nested deeper than the engine's stack
holds, is refused with `400` before it reaches the engine (`kg.query.refusal`).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kg.limits import MAX_ANSWER_BYTES, MAX_QUERY_BYTES, MIB
from kg.query.refusal import refusal

MAX_REQUEST_BYTES = MAX_QUERY_BYTES
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te"}
"""Headers of one connection, not forwarded.  `Host` is: the engine names itself by it in its service
description (`sd:endpoint`), which named the engine's own port, reachable past this proxy's bounds."""


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


class _Forward(BaseHTTPRequestHandler):
    server: Guard
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def do_HEAD(self) -> None:
        self._forward()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the engine behind logs nothing either."""

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a request may be at most {MAX_REQUEST_BYTES:,} bytes")
            return
        body = self.rfile.read(length) if length else None
        for query in _queries(self.path, self.headers.get("Content-Type", ""), body):
            if (refused := refusal(query)) is not None:
                reason, line, column = refused
                self._refuse(HTTPStatus.BAD_REQUEST, f"{reason} (line {line}, column {column})")
                return
        with self.server.restarting:  # wait while the engine restarts after another query overran
            pass
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        deadline = time.monotonic() + self.server.timeout_seconds
        engine = http.client.HTTPConnection("127.0.0.1", self.server.engine_port, timeout=self.server.timeout_seconds)
        try:
            engine.request(self.command, self.path, body=body, headers=headers)
            answer = engine.getresponse()
            data = _read_until(answer, deadline)
        except TimeoutError:
            self._overran()
            return
        except (OSError, http.client.HTTPException) as error:
            self._refuse(HTTPStatus.BAD_GATEWAY, f"the SPARQL engine did not answer: {error}")
            return
        except _TooLarge:
            self._refuse(
                HTTPStatus.INSUFFICIENT_STORAGE,
                f"the answer is larger than {MAX_ANSWER_BYTES // MIB} MB: ask for less (LIMIT, fewer variables)",
            )
            return
        finally:
            engine.close()
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
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
            HTTPStatus.SERVICE_UNAVAILABLE,
            f"the query ran longer than {seconds:g} s and was stopped (kg serve --timeout SECONDS sets the limit)",
        )

    def _refuse(self, status: HTTPStatus, reason: str) -> None:
        data = f"{reason}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def _queries(path: str, content_type: str, body: bytes | None) -> list[str]:
    """The query texts of a request, as the SPARQL 1.1 Protocol sends them: `?query=` in the address, a form's
    `query` field, or the body itself (`application/sparql-query`, or a type the engine will refuse)."""
    found = parse_qs(urlsplit(path).query).get("query", [])
    if body:
        text = body.decode("utf-8", "replace")
        form = content_type.partition(";")[0].strip().lower() == "application/x-www-form-urlencoded"
        found += parse_qs(text).get("query", []) if form else [text]
    return found


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
