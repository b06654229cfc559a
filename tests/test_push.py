"""`kg push` against a writable Oxigraph server, and Basic auth and refusals against a stub Graph Store."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.query.named_graphs import NamedGraphs, _Read, graphs_for_push
from kg.query.push import (
    Credentials,
    PushError,
    graph_url,
    opener,
    public_url,
    push,
    quads_requests,
    valid_endpoint,
)
from kg.query.store import read_data

from .conftest import ONTOLOGY
from .tools.stores import free_port
from .tools.stores import oxigraph_store as writable_oxigraph

GRAPH_BASE = "https://w3id.org/syria-russia-kg/id/graph/"


def kg_push(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["push", *argv])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def oxigraph_store(tmp_path: Path) -> Iterator[str]:
    """A writable `oxigraph serve` on a free port; yields its base URL."""
    with writable_oxigraph(tmp_path / "store") as url:
        yield url


def canonical(triples: set[ox.Triple] | list[ox.Triple]) -> ox.Dataset:
    """The triples with blank nodes renamed canonically (the SHACL shapes in the ontology have some)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def store_dump(url: str) -> dict[str, set[ox.Triple]]:
    """Every named graph of the store, through its SPARQL endpoint."""
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs_query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    request = urllib.request.Request(
        url + "/query?" + urllib.parse.urlencode({"query": graphs_query}), headers={"Accept": "text/csv"}
    )
    with urllib.request.urlopen(request) as response:
        names = response.read().decode().split("\r\n")[1:-1]
    dump = {}
    for name in names:
        scoped = query.replace("GRAPH ?g", f"GRAPH <{name}>")
        request = urllib.request.Request(
            url + "/query?" + urllib.parse.urlencode({"query": scoped}), headers={"Accept": "application/n-triples"}
        )
        with urllib.request.urlopen(request) as response:
            dump[name] = {quad.triple for quad in ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES)}
    return dump


def test_push_into_oxigraph_puts_the_graph_there_and_pushing_twice_changes_nothing(
    oxigraph_store: str, built: Path
) -> None:
    status, out, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", oxigraph_store + "/store"
    )
    assert status == 0, err
    first = store_dump(oxigraph_store)
    data = read_data(built, ONTOLOGY)
    expected = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    assert {name: canonical(expected.triples(name)) for name in expected.names} == {
        name: canonical(triples) for name, triples in first.items()
    }
    assert set().union(*(part for name, part in first.items() if name != GRAPH_BASE + "ontology")) == set(data.triples)
    assert out.splitlines()[-1] == f"pushed {len(first)} graphs ({sum(map(len, first.values())):,} triples) to " + (
        oxigraph_store + "/store"
    )
    assert (
        kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", oxigraph_store + "/store")[0] == 0
    )
    again = store_dump(oxigraph_store)
    assert {name: len(part) for name, part in again.items()} == {name: len(part) for name, part in first.items()}
    assert {name: canonical(part) for name, part in again.items()} == {
        name: canonical(part) for name, part in first.items()
    }


class GraphStoreStub(BaseHTTPRequestHandler):
    """Accepts PUT with the right Basic credentials; records what it saw."""

    expected = "Basic " + base64.b64encode(b"analyst:s3cret-Pw").decode()
    seen: ClassVar[list[tuple[str, str | None]]] = []
    refuse_with: ClassVar[bytes | None] = None
    challenge: ClassVar[str] = 'Basic realm="kg"'
    trickle: ClassVar[bool] = False  # answer a byte at a time, each within any socket timeout
    refuse_endlessly: ClassVar[bool] = False  # a 500 whose body, 64 MB sent at once, claims 10 GB
    refuse_trickling: ClassVar[bool] = False  # a 500 whose 200-byte body comes a byte at a time
    cut_chunked: ClassVar[int | None] = None  # this status, then a chunked body the connection cuts off
    written: ClassVar[int] = 0  # bytes of the endless body the client took
    hold_after_first: ClassVar[bool] = False  # every request after the first waits 15 s before its answer
    reason: ClassVar[str | None] = None  # the status line's reason of a refusal
    echo_authorization: ClassVar[bool] = False  # a refusal's body ends with the Authorization header it got

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        GraphStoreStub.seen.append((self.path, self.headers.get("Authorization")))
        if self.hold_after_first and len(GraphStoreStub.seen) > 1:
            time.sleep(15)
        if self.trickle:
            self.send_response(201)
            self.send_header("Content-Length", "30")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b".")
                self.wfile.flush()
                time.sleep(0.1)
        elif self.refuse_endlessly:
            self.send_response(500)
            self.send_header("Content-Length", str(10**10))
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(1024):
                    self.wfile.write(b"x" * 65536)
                    GraphStoreStub.written += 65536
                time.sleep(5)
        elif self.refuse_trickling:
            self.send_response(500)
            self.send_header("Content-Length", "200")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(200):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
        elif self.cut_chunked is not None:
            head = f"HTTP/1.1 {self.cut_chunked} X\r\nTransfer-Encoding: chunked\r\n\r\n100\r\nQuota exceeded"
            self.wfile.write(head.encode("ascii"))
            self.close_connection = True
        elif self.refuse_with is not None:
            self.send_response(500, self.reason)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            echoed = (self.headers.get("Authorization") or "").encode() if self.echo_authorization else b""
            self.wfile.write(self.refuse_with + echoed)
        elif self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", self.challenge)
            self.end_headers()
        else:
            self.send_response(201)
            self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def stub() -> Iterator[str]:
    GraphStoreStub.seen = []
    GraphStoreStub.refuse_with = None
    GraphStoreStub.challenge = 'Basic realm="kg"'
    GraphStoreStub.trickle = False
    GraphStoreStub.refuse_endlessly = False
    GraphStoreStub.refuse_trickling = False
    GraphStoreStub.cut_chunked = None
    GraphStoreStub.written = 0
    GraphStoreStub.hold_after_first = False
    with serving(GraphStoreStub) as url:
        yield url + "/gsp"


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` answering on a free port of 127.0.0.1, in a thread; yields the server's URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()


class NotHeldStub(BaseHTTPRequestHandler):
    """A store that refuses a request without Basic credentials (401), and holds no graph (404)."""

    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        NotHeldStub.seen.append(self.headers.get("Authorization"))
        if self.headers.get("Authorization") != GraphStoreStub.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="kg"')
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class WebPageStub(BaseHTTPRequestHandler):
    """A web server that is no store: every request is answered 200 with its welcome page."""

    def _page(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        page = b"<!DOCTYPE html>\n<html><body><h1>Welcome</h1></body></html>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    do_PUT = do_GET = do_POST = do_DELETE = _page

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_web_server_that_is_no_store_is_not_said_to_hold_the_graphs(built: Path) -> None:
    """It answered each PUT 200 with its welcome page, and `kg push` said "pushed 6 graphs"."""
    with serving(WebPageStub) as url:
        status, out, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", url + "/")
    assert status == 1 and "pushed" not in out, out
    assert ": HTTP 200, but the answer is a web page, not a Graph Store's: is the endpoint the store's address" in err


class MovedStub(BaseHTTPRequestHandler):
    """An address that sends every request on to another (http to https, say)."""

    def do_PUT(self) -> None:
        self.send_response(307)
        self.send_header("Location", "https://store.example/gsp" + self.path[len("/gsp") :])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_redirect_names_where_it_leads(built: Path) -> None:
    """A redirect was told by its status alone ("HTTP 307 Temporary Redirect"): where to, the user had to find."""
    with serving(MovedStub) as url:
        status, _, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", url + "/gsp")
    assert status == 1
    first = err.splitlines()[0]
    assert " HTTP 307 Temporary Redirect to https://store.example/gsp?graph=" in first, err
    assert first.endswith(": give that address as --endpoint if it is the store's"), err


def test_basic_credentials_stay_up_front_after_an_answer_other_than_2xx() -> None:
    """urllib stopped sending them up front after a 404 (a graph the store did not hold): every later request
    went out twice, and a store closing the connection on a refused body ended `kg push --quads`."""
    NotHeldStub.seen = []
    with serving(NotHeldStub) as url:
        http = opener(url + "/store", Credentials("analyst", "s3cret-Pw", "basic"))
        for graph in ("a", "b", "c"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                http.open(url + f"/store?graph={graph}", timeout=10)
            assert refused.value.code == 404
    assert NotHeldStub.seen == [GraphStoreStub.expected] * 3


def test_basic_auth_is_sent_up_front_and_the_password_comes_from_the_environment(
    stub: str, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_PUSH_PASSWORD", "s3cret-Pw")
    argv = ["--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--user", "analyst"]
    status, out, err = kg_push(*argv, "--auth", "basic")
    assert status == 0, err
    assert GraphStoreStub.seen and all(
        auth == GraphStoreStub.expected for _, auth in GraphStoreStub.seen
    )  # no 401 first
    paths = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["graph"][0] for path, _ in GraphStoreStub.seen]
    assert GRAPH_BASE + "ontology" in paths
    assert "s3cret-Pw" not in out + err


def test_an_endpoint_ending_in_a_bare_question_mark_still_names_each_graph(stub: str, built: Path) -> None:
    """`store?` was sent as `store??graph=…`: the store saw a parameter named `?graph` and no `graph`, so every
    PUT replaced its default graph."""
    argv = ["--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub + "?", "--user", "analyst"]
    status, _, err = kg_push(*argv, "--auth", "basic", "--password", "s3cret-Pw")
    assert status == 0, err
    queries = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) for path, _ in GraphStoreStub.seen]
    assert len(queries) > 1 and all(list(query) == ["graph"] for query in queries)
    assert GRAPH_BASE + "ontology" in {query["graph"][0] for query in queries}


@pytest.mark.parametrize(
    ("endpoint", "graph", "url"),
    [
        ("http://h/store", "https://e.org/g#a b", "http://h/store?graph=https%3A%2F%2Fe.org%2Fg%23a+b"),
        ("http://h/store?", "https://e.org/g/x", "http://h/store?graph=https%3A%2F%2Fe.org%2Fg%2Fx"),
        ("http://h/store?no_transaction", "urn:g", "http://h/store?no_transaction&graph=urn%3Ag"),
    ],
)
def test_the_graph_url_keeps_the_query_and_adds_the_encoded_graph(endpoint: str, graph: str, url: str) -> None:
    assert graph_url(endpoint, graph) == url


def test_a_refusal_shows_the_servers_message_without_the_password(
    stub: str, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    GraphStoreStub.refuse_with = b"<html><body><h1>Quota exceeded</h1><p>user analyst:s3cret-Pw</p></body></html>"
    argv = ["--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--user", "analyst"]
    status, _, err = kg_push(*argv, "--auth", "basic", "--password", "s3cret-Pw", "--at-once", "1")
    assert status == 1
    assert "HTTP 500" in err and "Quota exceeded" in err and "user analyst:********" in err
    assert "s3cret-Pw" not in err and "<h1>" not in err
    assert len(GraphStoreStub.seen) == 1  # stops at the first refusal
    GraphStoreStub.seen = []
    assert kg_push(*argv, "--auth", "basic", "--password", "s3cret-Pw")[0] == 1
    assert 1 <= len(GraphStoreStub.seen) <= 2  # at most the one sent beside it (it may land after the refusal)


def test_a_store_that_answers_a_byte_at_a_time_is_given_up_on_at_the_timeout(stub: str, built: Path) -> None:
    """Each byte came within the socket's timeout (300 s a wait): a store doing so held `kg push` forever."""
    GraphStoreStub.trickle = True
    start = time.monotonic()
    status, _, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--timeout", "1")
    assert time.monotonic() - start < 2.5
    assert status == 1 and err.startswith("kg push: PUT <") and err.endswith(": no answer within 1 s (--timeout)\n")
    assert 1 <= len(GraphStoreStub.seen) <= 2  # those sent at once, and no other


def test_only_the_start_of_a_refusals_endless_body_is_read(stub: str, built: Path) -> None:
    """The whole body was read, however long, before a word of it was shown: 4.6 GB of memory in 5 s."""
    GraphStoreStub.refuse_endlessly = True
    status, _, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--timeout", "3")
    assert status == 1 and "HTTP 500" in err and err.rstrip().endswith("x …"), err
    assert GraphStoreStub.written < 32 * 2**20  # the rest stayed in the store: kg push hung up


def test_a_refusal_that_comes_a_byte_at_a_time_is_given_up_on_at_the_timeout(stub: str, built: Path) -> None:
    """The refusal's body was read after the deadline, with no bound of its own: 20 s of a 1,000-byte body sent
    a byte a second ran 20 s under `--timeout 2`."""
    GraphStoreStub.refuse_trickling = True
    start = time.monotonic()
    status, _, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--timeout", "1")
    assert time.monotonic() - start < 10  # the body alone takes 20 s
    assert status == 1 and err.endswith(": no answer within 1 s (--timeout)\n")


@pytest.mark.parametrize(
    ("auth", "challenge", "said"),
    [
        ("basic", 'Digest realm="x", nonce="abc", qop="auth"', "asks for Digest authentication (use --auth digest)"),
        ("digest", 'Basic realm="kg"', "asks for Basic authentication (use --auth basic)"),
        ("digest", 'Basic realm="Login, Please \\"Wait\\", now"', "asks for Basic authentication (use --auth basic)"),
        ("digest", 'Bearer realm="x"', "asks for Bearer authentication, which kg push does not speak (basic, digest)"),
        ("basic", "Negotiate", "asks for Negotiate authentication, which kg push does not speak (basic, digest)"),
        (
            "digest",
            'Digest realm="x", nonce="abc", qop="auth", algorithm=SHA-512-256',
            "asks for Digest authentication in a way kg push cannot answer: Unsupported digest authentication "
            "algorithm 'SHA-512-256'",
        ),
    ],
)
def test_a_challenge_kg_push_cannot_answer_names_the_scheme_the_store_asks_for(
    stub: str, built: Path, auth: str, challenge: str, said: str
) -> None:
    """Each was a traceback: urllib's auth handlers raise ValueError for a scheme or algorithm they do not speak
    (`--auth digest` against Basic was "check --user, the password and --auth", with no word of Basic)."""
    GraphStoreStub.challenge = challenge
    argv = ["--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--user", "analyst"]
    status, _, err = kg_push(*argv, "--auth", auth, "--password", "not-the-password")
    assert status == 1 and err.startswith("kg push: PUT <") and err.count("\n") == 1, err
    assert err.endswith(f": HTTP 401 Unauthorized: the store {said}\n")


@pytest.mark.parametrize("status", [500, 201])
def test_an_answer_whose_body_is_cut_off_is_told_by_its_status(stub: str, built: Path, status: int) -> None:
    """A chunked body the connection cut off mid-chunk raised http.client.IncompleteRead: a traceback."""
    GraphStoreStub.cut_chunked = status
    code, _, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--timeout", "10")
    assert "Traceback" not in err
    if status == 500:
        assert code == 1 and err.startswith("kg push: PUT <") and err.endswith(": HTTP 500 X\n"), err
    else:
        assert code == 0 and len(GraphStoreStub.seen) > 1, err


def test_a_refusal_with_terminal_escapes_is_shown_escaped(stub: str, built: Path) -> None:
    GraphStoreStub.refuse_with = b"\x1b[2J\x1b]8;;http://x\x07Quota exceeded"
    status, _, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub)
    assert status == 1 and "\x1b" not in err and "\x07" not in err
    assert "\\u001b[2J\\u001b]8;;http://x\\u0007Quota exceeded" in err


@pytest.mark.parametrize("password", ["s3cret-Pw", "two  spaced\twords"])
def test_a_stores_reason_and_echoes_reach_the_terminal_escaped_and_without_the_password(
    stub: str, built: Path, password: str
) -> None:
    """The status line's reason went out raw (a store's `\x1b]0;…\x07` retitled the terminal) with the password in
    it; a password of two words was shown, its spaces run together; the Authorization header echoed back showed
    it in base64."""
    GraphStoreStub.reason = f"Oops \x1b[31mRED\x1b]0;pwned\x07 <analyst:{password}>"
    GraphStoreStub.refuse_with = f"<p>bad password: {password.upper()} / raw: {password}</p><p>seen: ".encode()
    GraphStoreStub.echo_authorization = True
    argv = ["--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--user", "analyst"]
    try:
        status, _, err = kg_push(*argv, "--auth", "basic", "--password", password, "--at-once", "1")
    finally:
        GraphStoreStub.reason, GraphStoreStub.echo_authorization = None, False
    assert status == 1 and "\x1b" not in err and "\x07" not in err, err
    assert "HTTP 500 Oops \\u001b[31mRED\\u001b]0;pwned\\u0007 <analyst:********>" in err, err
    assert "raw: ********" in err and "seen: Basic ********" in err, err
    assert password not in err and " ".join(password.split()) not in err
    assert base64.b64encode(f"analyst:{password}".encode()).decode() not in err


def test_an_unreachable_store_is_reported(built: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/store"
    status, _, err = kg_push("--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", endpoint)
    assert status == 1 and "Connection refused" in err


@pytest.mark.parametrize(
    ("endpoint", "error"),
    [
        ("notaurl", "'notaurl' is not an http:// or https:// URL"),
        ("file:///etc/passwd", "'file:///etc/passwd' is not an http:// or https:// URL"),
        ("http://127.0.0.1:99999/store", "'http://127.0.0.1:99999/store' is not a URL: Port out of range 0-65535"),
        ("http://[::1/store", "'http://[::1/store' is not a URL: Invalid IPv6 URL"),
        ("http:///store", "'http:///store' names no host"),
        ("http://me:secret@127.0.0.1:1/store", "give the user with --user, the password in KG_PUSH_PASSWORD or when"),
        ("http://127.0.0.1:1/store?graph=x", "'http://127.0.0.1:1/store?graph=x' names a graph already: give the"),
        ("http://127.0.0.1:1/st ore", "'http://127.0.0.1:1/st ore' is not a URL: it holds a space: %-escape it (%20)"),
        (
            "http://127.0.0.1:1/s\r\nX-Injected: 1",
            "'http://127.0.0.1:1/s\\u000d\\u000aX-Injected: 1' is not a URL: it holds U+000D (a control character): "
            "%-escape it (%0D)",
        ),
        ("http://127.0.0.1:1/caf\u00e9", "'http://127.0.0.1:1/café' is not a URL: it holds 'é' (U+00E9): %-escape it"),
        (
            "http://" + "a" * 64 + ".org/",
            "'http://" + "a" * 64 + ".org/' is not a URL: its host cannot be sent (label empty or too long)",
        ),
        ("http://127.0.0.1:1/store#x", "'http://127.0.0.1:1/store#x' has a fragment (#…), which is never sent: the"),
        ("http://127.0.0.1:1/store#", "'http://127.0.0.1:1/store#' has a fragment (#…), which is never sent: the"),
    ],
)
def test_an_endpoint_that_is_no_http_url_is_a_usage_error_before_anything_is_sent(
    built: Path, endpoint: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each was a traceback from urllib or http.client (or, for a file: URL, an attempt to open a local file; for
    a password in the URL, "Name or service not known"; for a fragment, `?graph=` inside it, which urllib drops:
    every PUT replaced the store's default graph)."""
    with pytest.raises(SystemExit) as usage:
        main(["push", "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", endpoint])
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert f"kg push: error: argument --endpoint: {error}" in err
    assert "secret" not in err and "Traceback" not in err


def test_an_international_host_is_let_through_and_an_ipv6_one_is_shown_in_brackets() -> None:
    """http.client sends a host in its xn-- form; `http://[::1]:1/` was shown as `http://::1:1/`."""
    assert valid_endpoint("http://bücher.example/store") == "http://bücher.example/store"
    assert public_url("http://[::1]:18999/store?x") == "http://[::1]:18999/store?x"
    assert public_url("http://me:pw@[2001:db8::1]/store") == "http://[2001:db8::1]/store"


@pytest.mark.parametrize(
    ("graph_base", "error"),
    [
        ("https://example.org/g", "'https://example.org/g' must end with '/' or '#': the ids are appended to it"),
        ("not an iri", "'not an iri' is not an absolute IRI (https://…)"),
    ],
)
def test_a_graph_base_is_checked_as_the_base_is(
    built: Path, graph_base: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--graph-base https://example.org/g` named graphs `…/garticle/…` (pushed with HTTP 201), and one that is no
    IRI was sent, for the store to refuse."""
    endpoint = "http://127.0.0.1:9/store"
    with pytest.raises(SystemExit) as usage:
        main(["push", "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", endpoint,
              "--graph-base", graph_base, "--dry-run"])  # fmt: skip
    assert usage.value.code == 2
    assert f"kg push: error: argument --graph-base: {error}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "written",
    [b'@prefix a: <http://x/> .\na:b a:c "never closed .\n', b'@prefix a: <http://x/> .\na:b a:c "\xff\xfe" .\n'],
)
def test_push_of_an_unreadable_export_says_where_and_sends_nothing(tmp_path: Path, written: bytes) -> None:
    """A syntax error, or bytes that are not UTF-8 (the prefixes' reader raised UnicodeDecodeError first)."""
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "graph.ttl").write_bytes(written)
    status, out, err = kg_push(
        "--exports", str(exports), "--ontology", str(ONTOLOGY), "--endpoint", "http://127.0.0.1:9/x"
    )
    assert status == 1, err
    assert f"kg push: {exports / 'graph.ttl'}:2:" in err and "cannot read the graph" in err and "run `kg build`" in err
    assert "Traceback" not in err and out == ""


class DigestStoreStub(BaseHTTPRequestHandler):
    """A Graph Store asking for Digest credentials (qop=auth, MD5) as Virtuoso does, which answers a request
    without them at once and closes the connection, its body unread; records each request."""

    realm, nonce, user, password = "SPARQL", "5f1d2b0c9e", "dba", "digest-Pw-7"
    seen: ClassVar[list[tuple[str, str, bool, int]]] = []  # method, path, with valid credentials, body bytes read

    def _valid(self) -> bool:
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Digest "):
            return False
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[len("Digest ") :]))
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731
        first = md5(f"{self.user}:{self.realm}:{self.password}")
        second = md5(f"{self.command}:{fields.get('uri')}")
        expected = md5(f"{first}:{self.nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{second}")
        return (
            fields.get("nonce") == self.nonce and fields.get("uri") == self.path and fields.get("response") == expected
        )

    def _answer(self) -> None:
        valid = self._valid()
        read = len(self.rfile.read(int(self.headers.get("Content-Length") or 0))) if valid else 0
        DigestStoreStub.seen.append((self.command, self.path, valid, read))
        if not valid:
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Digest realm="{self.realm}", nonce="{self.nonce}", qop="auth"')
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return
        self.send_response(501 if self.command == "HEAD" else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def digest_store() -> Iterator[str]:
    """A `DigestStoreStub` on a free port, its record emptied; yields its Graph Store endpoint."""
    DigestStoreStub.seen = []
    with serving(DigestStoreStub) as url:
        yield url + "/sparql-graph-crud-auth"


def test_digest_credentials_go_with_every_graph_so_its_body_is_sent_once(built: Path, digest_store: str) -> None:
    """urllib sent each graph without credentials first, and again after the 401: Virtuoso answers the first at
    once and closes, and a large body then failed half-sent (the push of 100,000 facts stopped at a graph)."""
    status, out, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", digest_store,
        "--user", DigestStoreStub.user, "--password", DigestStoreStub.password,
    )  # fmt: skip
    assert status == 0, err
    seen = DigestStoreStub.seen
    heads = [valid for method, _, valid, _ in seen if method == "HEAD"]
    assert heads.count(False) == heads.count(True) in (1, 2)  # a challenge for each thread sending
    puts = [(valid, read) for method, _, valid, read in seen if method == "PUT"]
    assert len(puts) == len(out.splitlines()[:-1]) > 2
    assert all(valid and read > 0 for valid, read in puts)  # each body sent once, with the credentials


@pytest.mark.parametrize("given", ["0", "-1", "65", "two", "1.5"])
def test_at_once_is_a_number_of_graphs_from_1_to_64(given: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["push", "--endpoint", "http://127.0.0.1:9/x", "--at-once", given])
    assert stopped.value.code == 2
    assert f"'{given}' is not a number of graphs from 1 to 64" in capsys.readouterr().err


def test_the_push_benchmark_runs_and_finds_in_the_store_what_was_sent() -> None:
    """`python -m tests.tools.bench_push` (README, "Loading a store"), on the real corpus, Oxigraph only."""
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-m", "tests.tools.bench_push", "--no-virtuoso", "--at-once", "1"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    articles = len(list((root / "sources" / "articles").glob("*.yaml")))
    for way in ("put", "quads"):
        pushed = [line for line in result.stdout.splitlines() if f"oxigraph serve, bulk, {way}, 1 at once" in line]
        assert len(pushed) == 1 and f" {articles + 1} graphs, " in pushed[0], result.stdout
    assert "STORE HOLDS" not in result.stdout and "split only (--dry-run)" in result.stdout


@pytest.fixture
def silent_store() -> Iterator[str]:
    """An endpoint that takes connections (the system's backlog) and never reads or answers a request."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(16)
        yield f"http://127.0.0.1:{listening.getsockname()[1]}/store"


def test_sigterm_ends_a_push_at_once_whatever_is_being_sent(built: Path, silent_store: str) -> None:
    """The graphs being sent were waited for on the way out: SIGTERM (or Ctrl-C) took up to `--timeout`."""
    command = [sys.executable, "-m", "kg", "push", "--exports", str(built), "--ontology", str(ONTOLOGY)]
    pushing = subprocess.Popen([*command, "--endpoint", silent_store, "--timeout", "120"], stderr=subprocess.PIPE)
    time.sleep(2)  # the two graphs are on their way
    stopped = time.monotonic()
    pushing.send_signal(signal.SIGTERM)
    _, err = pushing.communicate(timeout=60)
    assert pushing.returncode == 128 + signal.SIGTERM, err
    assert time.monotonic() - stopped < 30, "SIGTERM waited for the graphs being sent"
    assert b"stopped by SIGTERM" in err and b"Traceback" not in err


def test_with_digest_the_timeout_bounds_a_graph_challenge_included(built: Path, silent_store: str) -> None:
    """The challenge asked first (HEAD) had a timeout of its own: the first graph waited twice `--timeout`."""
    started = time.monotonic()
    status, _, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", silent_store,
        "--user", "dba", "--password", "pw", "--timeout", "3",
    )  # fmt: skip
    assert time.monotonic() - started < 5.5
    assert status == 1 and err.startswith("kg push: PUT <") and err.endswith(": no answer within 3 s (--timeout)\n")


def test_a_refusal_is_told_at_once_while_another_graph_is_still_being_sent(stub: str, built: Path) -> None:
    """A refusal was told only once the graph sent beside it was answered or given up on (up to `--timeout`)."""
    GraphStoreStub.refuse_with = b"Nope"
    GraphStoreStub.hold_after_first = True
    started = time.monotonic()
    status, _, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", stub, "--timeout", "20"
    )
    assert status == 1 and "HTTP 500" in err and "Nope" in err
    assert time.monotonic() - started < 10


def test_digest_credentials_refused_end_the_push_before_any_body_is_sent(built: Path, digest_store: str) -> None:
    """The PUT after a refused challenge carried a refused answer: Virtuoso closed on it, the body half-sent
    ("Broken pipe" instead of its 401, now and then)."""
    status, _, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", digest_store,
        "--user", DigestStoreStub.user, "--password", "not-the-password", "--at-once", "1",
    )  # fmt: skip
    assert status == 1 and "HTTP 401" in err and "check --user, the password and --auth" in err, err
    assert "not-the-password" not in err
    assert {method for method, *_ in DigestStoreStub.seen} == {"HEAD"}  # no PUT, no body


def test_quads_replace_each_graph_with_what_put_sends_and_leave_other_graphs_alone(
    oxigraph_store: str, built: Path
) -> None:
    """`--quads` (DELETE each graph, then POST them together as N-Quads) gives the store the graphs PUT gives it:
    a stale triple in an article graph goes, a graph of the store's own stays, and pushing twice changes nothing."""
    data = read_data(built, ONTOLOGY)
    expected = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    stale = "<https://example.org/stale> <https://example.org/p> <https://example.org/o> "
    before = f"{stale}<{expected.names[0]}> .\n{stale}<https://example.org/theirs> .\n".encode()
    loading = urllib.request.Request(
        oxigraph_store + "/store", data=before, method="POST", headers={"Content-Type": "application/n-quads"}
    )
    urllib.request.urlopen(loading).close()
    theirs = {
        "https://example.org/theirs": {
            next(iter(ox.parse(stale.encode() + b".", format=ox.RdfFormat.N_TRIPLES))).triple
        }
    }
    wanted = {name: canonical(expected.triples(name)) for name in expected.names}
    for _ in range(2):
        status, out, err = kg_push(
            "--exports", str(built), "--ontology", str(ONTOLOGY),
            "--endpoint", oxigraph_store + "/store?no_transaction", "--quads",
        )  # fmt: skip
        assert status == 0, err
        dump = store_dump(oxigraph_store)
        assert {name: part for name, part in dump.items() if name in theirs} == theirs
        assert {name: canonical(part) for name, part in dump.items() if name not in theirs} == wanted
    assert out.splitlines()[0].startswith(f"POST <{expected.names[0]}>  ")
    assert out.splitlines()[-1].startswith(f"pushed {len(expected.names)} graphs (")


def test_quads_in_many_requests_land_as_in_one(oxigraph_store: str, built: Path) -> None:
    """Graphs cut into several requests, some of several graphs, land whole, each in its own graph."""
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    per_request = graphs.size(graphs.names[0]) + graphs.size(graphs.names[1])
    runs = quads_requests(graphs, per_request)
    assert len(runs) > 2 and len(runs[0]) == 2 and [name for run in runs for name in run] == graphs.names
    pushed = list(push(oxigraph_store + "/store", graphs, quads=True, per_request=per_request))
    assert [item.graph for item in pushed] == graphs.names and {item.status for item in pushed} == {204}
    assert {name: canonical(part) for name, part in store_dump(oxigraph_store).items()} == {
        name: canonical(graphs.triples(name)) for name in graphs.names
    }


def test_requests_hold_at_most_so_many_triples_and_a_larger_graph_alone(built: Path) -> None:
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    largest = max(graphs.size(name) for name in graphs.names)
    for per_request in (1, 1000, largest - 1, largest, 10**9):
        runs = quads_requests(graphs, per_request)
        assert [name for run in runs for name in run] == graphs.names
        for run in runs:
            assert len(run) == 1 or sum(graphs.size(name) for name in run) <= per_request
    assert len(quads_requests(graphs, 10**9)) == 1 and len(quads_requests(graphs, 1)) == len(graphs.names)


def test_a_graph_without_triples_first_makes_a_request_too() -> None:
    """`quads_requests` opened a run only when a graph overflowed the last: a first graph of no triples had none
    (IndexError, in every dry run)."""
    read = _Read()
    read.read(ox.parse(b"<urn:s> <urn:p> <urn:o> .\n", format=ox.RdfFormat.N_TRIPLES))
    graphs = NamedGraphs(read, {"urn:empty": [], "urn:one": [0]})
    assert quads_requests(graphs, 1) == [["urn:empty", "urn:one"]]
    assert quads_requests(graphs, 10) == [["urn:empty", "urn:one"]]


def test_a_blank_node_in_two_graphs_of_one_request_is_two_nodes_as_when_each_is_put() -> None:
    """In one N-Quads document `_:b` is one node across its graphs; each graph PUT alone has its own."""
    read = _Read()
    triples = b'_:b <urn:p> _:c .\n<urn:s> <urn:q> "_:b is text" .\n'
    read.read(ox.parse(triples, format=ox.RdfFormat.N_TRIPLES))
    graphs = NamedGraphs(read, {"urn:a": [0, 1], "urn:b": [0, 1]})
    quads = list(ox.parse(graphs.quads(["urn:a", "urn:b"]), format=ox.RdfFormat.N_QUADS))
    by_graph = {str(quad.graph_name.value): quad for quad in quads if isinstance(quad.subject, ox.BlankNode)}
    assert (
        by_graph["urn:a"].subject != by_graph["urn:b"].subject and by_graph["urn:a"].object != by_graph["urn:b"].object
    )
    assert {str(quad.object.value) for quad in quads if isinstance(quad.object, ox.Literal)} == {"_:b is text"}
    alone = [list(ox.parse(graphs.body(name), format=ox.RdfFormat.N_TRIPLES)) for name in ("urn:a", "urn:b")]
    assert [len(part) for part in alone] == [2, 2]


class QuadsStoreStub(BaseHTTPRequestHandler):
    """A store that loads N-Quads POSTed to it into their graphs (or, `keeps_nothing`, answers 200 and keeps
    nothing, as Virtuoso's Graph Store does); GET and DELETE of a graph it does not hold are 404.  Records each
    request (method, path, body); refuses a POST with `refuse_post`."""

    seen: ClassVar[list[tuple[str, str, bytes]]] = []
    held: ClassVar[dict[str, list[ox.Triple]]] = {}
    refuse_post: ClassVar[int | None] = None
    refuse_post_over: ClassVar[int] = 10**12  # bytes: a larger POST is refused with 413, as a proxy's limit would
    refuse_put: ClassVar[bool] = False
    slow_to_delete: ClassVar[dict[str, float]] = {}  # graph → seconds its DELETE takes
    refuse_delete: ClassVar[set[str]] = set()  # graphs whose DELETE is refused (500)
    silent_post: ClassVar[float] = 0.0  # seconds a POST of a run waits before its answer
    keeps_nothing: ClassVar[bool] = False
    any_graph: ClassVar[bool] = False  # a GET of a graph it does not hold answers 200, empty

    def _graph(self) -> tuple[str, bytes]:
        """The graph the request names, and its body (taken here: requests come at once, from threads)."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        QuadsStoreStub.seen.append((self.command, self.path, body))
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("graph", [""])[0], body

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        graph, _ = self._graph()
        if graph not in self.held:
            return self._answer(200 if self.any_graph else 404)
        body = "".join(f"{triple} .\n" for triple in self.held[graph]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_DELETE(self) -> None:
        graph, _ = self._graph()
        time.sleep(self.slow_to_delete.get(graph, 0.0))
        if graph in self.refuse_delete:
            return self._answer(500)
        self._answer(204 if graph in self.held else 404)
        QuadsStoreStub.held.pop(graph, None)

    def do_PUT(self) -> None:
        graph, body = self._graph()
        if self.refuse_put:
            return self._answer(500)
        QuadsStoreStub.held[graph] = [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.TURTLE)]
        self._answer(201)

    def do_POST(self) -> None:
        _, body = self._graph()
        if self.refuse_post:
            return self._answer(self.refuse_post)
        if len(body) > self.refuse_post_over:
            return self._answer(413)
        if self.silent_post and b"a probe" not in body:
            time.sleep(self.silent_post)
        if not self.keeps_nothing:
            for quad in ox.parse(body, format=ox.RdfFormat.N_QUADS):
                QuadsStoreStub.held.setdefault(str(quad.graph_name.value), []).append(quad.triple)
        self._answer(200 if self.keeps_nothing else 204)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def quads_store() -> Iterator[str]:
    QuadsStoreStub.seen = []
    QuadsStoreStub.held = {}
    QuadsStoreStub.refuse_post = None
    QuadsStoreStub.refuse_post_over = 10**12
    QuadsStoreStub.refuse_put = False
    QuadsStoreStub.slow_to_delete = {}
    QuadsStoreStub.refuse_delete = set()
    QuadsStoreStub.silent_post = 0.0
    QuadsStoreStub.keeps_nothing = False
    QuadsStoreStub.any_graph = False
    with serving(QuadsStoreStub) as url:
        yield url + "/store?no_transaction"


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_quads_probe_the_store_then_empty_each_graph_before_posting_its_run(built: Path, quads_store: str) -> None:
    """First a probe quad is POSTed, read back and deleted; then every graph of a run is DELETEd (404: not held,
    so empty already) before the run's one POST, whose body is N-Quads naming each graph; the endpoint's own
    query stays on every request."""
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    pushed = list(push(quads_store, graphs, at_once=1, quads=True, per_request=3000))
    assert [item.graph for item in pushed] == graphs.names
    seen, runs = QuadsStoreStub.seen, quads_requests(graphs, 3000)
    probe = [str(quad.graph_name.value) for quad in ox.parse(seen[0][2], format=ox.RdfFormat.N_QUADS)]
    assert len(probe) == 1 and probe[0].startswith("urn:uuid:")
    expected = [("POST", "/store?no_transaction")] + [
        (method, _path(graph_url(quads_store, probe[0]))) for method in ("GET", "DELETE")
    ]
    for run in runs:
        expected += [("DELETE", _path(graph_url(quads_store, name))) for name in run]
        expected.append(("POST", "/store?no_transaction"))
    assert [(method, path) for method, path, _ in seen] == expected
    for run, body in zip(runs, [body for method, _, body in seen[3:] if method == "POST"], strict=True):
        quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
        assert [str(quad.graph_name.value) for quad in quads] == [
            name for name in run for _ in range(graphs.size(name))
        ]
    assert list(QuadsStoreStub.held) == graphs.names  # the probe's graph deleted


@pytest.mark.parametrize("any_graph", [False, True], ids=["graph-not-found", "any-graph-empty"])
def test_a_store_that_takes_quads_and_keeps_nothing_is_caught_before_any_graph_is_emptied(
    built: Path, quads_store: str, any_graph: bool
) -> None:
    """Virtuoso's Graph Store answers N-Quads POSTed to it with 200 and keeps nothing: the push would have
    emptied every graph and loaded none, and said it had pushed them.  Caught whether the store then says it
    holds no such graph (404) or answers an empty one."""
    QuadsStoreStub.keeps_nothing = True
    QuadsStoreStub.any_graph = any_graph
    status, out, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", quads_store, "--quads"
    )
    assert status == 1 and out == ""
    assert "the store answered HTTP 200 but holds no graph <urn:uuid:" in err and "push without --quads" in err
    probe = str(next(iter(ox.parse(QuadsStoreStub.seen[0][2], format=ox.RdfFormat.N_QUADS))).graph_name.value)
    assert [(method, path) for method, path, _ in QuadsStoreStub.seen] == [  # no graph of ours deleted
        ("POST", "/store?no_transaction"),
        *[(method, _path(graph_url(quads_store, probe))) for method in ("GET", "DELETE")],
    ]


@pytest.mark.parametrize(("refusal", "hint"), [(415, "takes no N-Quads"), (405, "takes no POST")])
def test_a_store_that_takes_no_quads_is_told_to_be_pushed_without(
    built: Path, quads_store: str, refusal: int, hint: str
) -> None:
    QuadsStoreStub.refuse_post = refusal
    status, out, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", quads_store, "--quads", "--at-once", "1"
    )
    assert status == 1 and out == ""
    assert err.startswith(f"kg push: POST of a probe quad to {quads_store}: HTTP {refusal}")
    assert f"{hint} at this endpoint: push without --quads)" in err


@pytest.mark.parametrize("given", [[], ["5000"]])
def test_a_dry_run_with_quads_tells_the_posts(built: Path, given: list[str]) -> None:
    data = read_data(built, ONTOLOGY)
    runs = len(
        quads_requests(graphs_for_push(data.triples, data.ontology, GRAPH_BASE), int((given or ["10000000"])[0]))
    )
    posts = "1 POST" if not given else f"{runs} POSTs"
    assert runs > 1 if given else runs == 1
    status, out, _ = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", "http://127.0.0.1:9/store", "--quads",
        *given, "--dry-run",
    )  # fmt: skip
    assert status == 0
    lines = out.splitlines()
    assert all(line.startswith("would POST <") for line in lines[:-1]) and len(lines) == 7
    assert lines[-1] == f"6 graphs in {posts} of N-Quads for http://127.0.0.1:9/store (dry run: nothing sent)"


@pytest.mark.parametrize("given", ["0", "-3", "many", "1.5"])
def test_quads_take_a_number_of_triples_above_0(given: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["push", "--endpoint", "http://127.0.0.1:9/x", "--quads", given])
    assert stopped.value.code == 2
    assert f"'{given}' is not a number of triples above 0" in capsys.readouterr().err


def _held_by_put(stub: str, graphs: NamedGraphs) -> None:
    """The stub made to hold `graphs` as a push without --quads leaves them."""
    assert [item.status for item in push(stub, graphs)] == [201] * len(graphs.names)


def test_a_run_refused_after_its_graphs_were_emptied_puts_them_back(built: Path, quads_store: str) -> None:
    """A POST refused (413: too large for a proxy in front of the store) left every graph of its run empty,
    emptied by the DELETEs before it: each is now sent again with PUT, and the push still ends in the error."""
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    _held_by_put(quads_store, graphs)
    QuadsStoreStub.refuse_post_over = 1000  # the probe goes through, no run does
    status, out, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", quads_store, "--quads", "--at-once", "1"
    )
    assert status == 1 and out == ""
    assert "more graphs to" in err and ": HTTP 413 Request Entity Too Large (too large for the store, or a proxy" in err
    assert "push with a smaller --quads TRIPLES)" in err
    assert err.rstrip().endswith(f"(the {len(graphs.names)} graphs emptied for it were sent again with PUT)")
    assert {name: canonical(triples) for name, triples in QuadsStoreStub.held.items()} == {
        name: canonical(graphs.triples(name)) for name in graphs.names
    }


def test_graphs_left_empty_by_a_refused_run_are_named(built: Path, quads_store: str) -> None:
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    _held_by_put(quads_store, graphs)
    QuadsStoreStub.refuse_post_over, QuadsStoreStub.refuse_put = 1000, True
    status, _, err = kg_push(
        "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", quads_store, "--quads", "--at-once", "1"
    )
    assert status == 1 and not QuadsStoreStub.held
    shown = ", ".join(f"<{name}>" for name in graphs.names[:3])
    assert err.rstrip().endswith(f"(empty in the store now: {shown} and 3 more; push again)")


def test_after_a_refusal_the_runs_under_way_are_finished(built: Path, quads_store: str) -> None:
    """With --at-once 2, a run refused while the other was still emptying its graphs: the push waited for neither,
    and the process's exit cut the other run between its DELETEs and its POST, its graphs left empty.  Each refused
    run's account is told, and that the runs under way are being finished, first."""
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    _held_by_put(quads_store, graphs)
    runs = quads_requests(graphs, 1)
    QuadsStoreStub.refuse_post_over = 1000
    QuadsStoreStub.slow_to_delete = {runs[0][0]: 0.3, runs[1][0]: 1.0}  # run 1 under way when run 0 is refused
    told: list[str] = []
    with pytest.raises(PushError) as refused:
        list(push(quads_store, graphs, at_once=2, quads=True, per_request=1, told=told.append))
    seen_then = [method for method, _, _ in QuadsStoreStub.seen[len(graphs.names) + 3 :]]
    assert seen_then.count("POST") == 2  # the second run was finished (and, refused too, put back), no other started
    assert {name: canonical(triples) for name, triples in QuadsStoreStub.held.items()} == {
        name: canonical(graphs.triples(name)) for name in graphs.names
    }
    assert told == [
        f"POST <{runs[0][0]}> to {quads_store}: HTTP 413 Request Entity Too Large (too large for the store, or a "
        "proxy before it: push with a smaller --quads TRIPLES): finishing the 1 run(s) of graphs under way first"
    ]
    message = str(refused.value)
    assert (
        message.count("HTTP 413") == 2 and message.count("(the 1 graph emptied for it were sent again with PUT)") == 2
    )


def test_a_delete_refused_mid_run_puts_back_the_graphs_emptied_before_it(built: Path, quads_store: str) -> None:
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    _held_by_put(quads_store, graphs)
    QuadsStoreStub.refuse_delete = {graphs.names[2]}
    with pytest.raises(PushError) as refused:
        list(push(quads_store, graphs, at_once=1, quads=True))
    assert str(refused.value).startswith(f"DELETE <{graphs.names[2]}> at {quads_store}: HTTP 500")
    assert str(refused.value).endswith("(the 2 graphs emptied for it were sent again with PUT)")
    assert {name: canonical(triples) for name, triples in QuadsStoreStub.held.items()} == {
        name: canonical(graphs.triples(name)) for name in graphs.names
    }


def test_a_run_the_store_does_not_answer_is_not_put_back_beside_it_but_named(built: Path, quads_store: str) -> None:
    """A POST without an answer may still be loading: a PUT sent beside it could be undone by it."""
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    QuadsStoreStub.silent_post = 3.0
    with pytest.raises(PushError) as refused:
        list(push(quads_store, graphs, at_once=1, quads=True, timeout=1))
    message = str(refused.value)
    assert "more graphs to" in message and ": no answer within 1 s (--timeout)" in message
    shown = ", ".join(f"<{name}>" for name in graphs.names[:3])
    assert message.endswith(f"(perhaps empty or half-loaded: {shown} and 3 more; push again)")
    assert "PUT" not in [method for method, _, _ in QuadsStoreStub.seen]
