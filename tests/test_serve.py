"""`kg serve`: a real read-only SPARQL endpoint (oxigraph serve-read-only) queried over HTTP with SPARQLWrapper."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

import kg.query.serve
from kg.limits import MAX_QUERY_NESTING

from .conftest import ONTOLOGY
from .sparql_helpers import competency_queries, free_port, kg_query_json, rows

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    port: int
    temp: Path


def start_server(built: Path, temp: Path, *options: str) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--exports", str(built), "--ontology", str(ONTOLOGY),
         "--port", str(port), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)},
    )  # fmt: skip
    try:
        banner = process.stdout.readline() if process.stdout else ""
        assert banner.startswith("SPARQL endpoint (read-only): "), banner + (
            process.stderr.read() if process.stderr else ""
        )
        yield Server(process, banner.split(": ", 1)[1].strip(), port, temp)
    finally:  # also when it did not start, or the generator is closed early (a test that failed half-way)
        if process.poll() is None:
            process.terminate()  # as a user stops it: the engine and the store go with it
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start_server(built, tmp_path_factory.mktemp("serve-tmp"))


@pytest.fixture(scope="module")
def strict_server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that stops any query after 1 s."""
    yield from start_server(built, tmp_path_factory.mktemp("strict-tmp"), "--timeout", "1")


def wrapper(server: Server, query: str, method: str = "GET", request: str = URLENCODED) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url)
    sparql.setQuery(query)
    sparql.setReturnFormat(JSON)
    sparql.setMethod(method)
    sparql.setRequestMethod(request)
    return sparql


def test_the_banner_names_the_query_url_on_localhost(server: Server) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/query"


def listening_addresses() -> set[tuple[str, int]]:
    """(address, port) of every listening IPv4 TCP socket of this machine, from the kernel's own table."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if state == "0A":  # TCP_LISTEN
            address, port = local.split(":")
            found.add((socket.inet_ntoa(bytes.fromhex(address)[::-1]), int(port, 16)))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_it_listens_on_the_loopback_interface_only(server: Server) -> None:
    ours = {(address, port) for address, port in listening_addresses() if port == server.port}
    assert ours == {("127.0.0.1", server.port)}


def test_get_and_both_kinds_of_post_answer_like_kg_query(server: Server, built: Path) -> None:
    queries = competency_queries()
    assert queries
    for path in queries:
        expected = rows(kg_query_json(built, path), exact=True)
        text = path.read_text(encoding="utf-8")
        for method, request in (("GET", URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)):
            answer = wrapper(server, text, method, request).queryAndConvert()
            assert rows(answer, exact=True) == expected, (path.name, method, request)  # type: ignore[arg-type]


def test_the_endpoint_serves_the_graph_and_the_ontology(server: Server, built: Path) -> None:
    count = wrapper(server, COUNT).queryAndConvert()["results"]["bindings"][0]["n"]["value"]  # type: ignore[index]
    expected = kg_query_json(built, _write(built.parent / "count.rq", COUNT))
    assert int(count) == int(expected["results"]["bindings"][0]["n"]["value"]) > 1000


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_service_description_names_the_guarded_address(server: Server) -> None:
    """It named the engine's own port behind the proxy, where no time or size bound holds."""
    request = urllib.request.Request(server.url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        description = response.read().decode()
    endpoints = re.findall(r"sparql-service-description#endpoint> <([^>]*)>", description)
    assert endpoints and all(urllib.parse.urlsplit(e).port == server.port for e in endpoints), endpoints


def test_results_formats_are_negotiated(server: Server) -> None:
    sparql = wrapper(server, "SELECT ?name WHERE { <https://w3id.org/syria-russia-kg/id/russia> "
                             "<http://www.w3.org/2000/01/rdf-schema#label> ?name }")  # fmt: skip
    sparql.setReturnFormat(CSV)
    assert sparql.queryAndConvert() == b"name\r\nRussia\r\n"


def test_updates_are_refused_and_change_nothing(server: Server) -> None:
    before = wrapper(server, COUNT).queryAndConvert()
    update = SPARQLWrapper(server.url, updateEndpoint=server.url.replace("/query", "/update"))
    update.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    update.setMethod(POST)
    with pytest.raises((urllib.error.HTTPError, SPARQLWrapperException)) as refused:
        update.query()
    assert "403" in str(refused.value) or getattr(refused.value, "code", None) == 403
    with pytest.raises(urllib.error.HTTPError):  # an update sent to the query URL is no query either
        urllib.request.urlopen(urllib.request.Request(
            server.url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}))  # fmt: skip
    assert wrapper(server, COUNT).queryAndConvert() == before


FEDERATED = "SELECT * WHERE {{ ?s ?p ?o . SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }} LIMIT 1"


@pytest.mark.parametrize(("method", "request_kind"), [("GET", URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)])
def test_a_federated_query_is_refused_and_calls_no_address(server: Server, method: str, request_kind: str) -> None:
    """The engine called any address a SERVICE named and sent back its answer, even an error page: on a --host
    others reach, a way into this machine's network.  A listener on loopback stands for such an address."""
    called: list[bytes] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        query = FEDERATED.format(port=listener.getsockname()[1])
        with pytest.raises(QueryBadFormed) as refused:  # SPARQLWrapper's name for a 400 answer
            wrapper(server, query, method, request_kind).query()
        try:
            connection, _ = listener.accept()
            called.append(connection.recv(1000))
            connection.close()
        except TimeoutError:
            pass
    assert called == []
    assert "SERVICE (a federated query) is refused" in str(refused.value)


def ask(server: Server, query: str) -> tuple[int, str]:
    """(status, body) of `query` posted in a form (a long one does not fit the engine's 8 KB of headers)."""
    request = urllib.request.Request(server.url, data=urllib.parse.urlencode({"query": query}).encode())
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def count(server: Server) -> int:
    return int(wrapper(server, COUNT).queryAndConvert()["results"]["bindings"][0]["n"]["value"])  # type: ignore[index]


def test_a_query_nested_deeper_than_the_engine_holds_is_refused_and_the_server_goes_on(server: Server) -> None:
    """`ASK` with 3,000 nested `{}` (6 KB) overflowed the engine's stack: every later query was 502."""
    status, reason = ask(server, "ASK " + "{" * 3000 + "}" * 3000)
    assert status == 400
    assert f"the query nests brackets more than {MAX_QUERY_NESTING} deep" in reason
    assert count(server) > 1000


def test_the_query_page_needs_no_network(server: Server) -> None:
    with urllib.request.urlopen(server.url.replace("/query", "/")) as response:
        page = response.read().decode()
    assert "yasgui" in page.lower()
    assert not re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", page)


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 11,438⁴ rows


def test_a_runaway_query_is_stopped_with_an_error_and_the_server_goes_on(strict_server: Server) -> None:
    request = urllib.request.Request(strict_server.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
    with pytest.raises(urllib.error.HTTPError) as stopped:
        urllib.request.urlopen(request, timeout=120)  # a hang guard; the server answers after its 1 s limit
    assert stopped.value.code == 503
    assert "the query ran longer than 1 s and was stopped" in stopped.value.read().decode()
    answer = wrapper(strict_server, COUNT).queryAndConvert()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) > 1000  # type: ignore[index]


def engines_of(pid: int) -> list[int]:
    """The `oxigraph` processes whose parent is process `pid` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if name == "oxigraph" and int(rest[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")  # a zombie has ended (its new parent reaps it)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the engine dies with its parent on Linux only")
def test_a_server_killed_outright_takes_its_engine_with_it(built: Path, tmp_path: Path) -> None:
    """`kill -9 kg serve` leaves no Oxigraph server behind, also when the engine was restarted after a query
    overran (by another thread than the one that started it first, which the kernel's signal follows)."""
    serving = start_server(built, tmp_path, "--timeout", "1")
    server = next(serving)
    try:
        [first] = engines_of(server.process.pid)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}), timeout=120)
        assert gone(first)
        time.sleep(1.5)  # the guard's thread that asked for the restart has ended by now: the engine stays
        [engine] = engines_of(server.process.pid)
        assert int(wrapper(server, COUNT).queryAndConvert()["results"]["bindings"][0]["n"]["value"]) > 1000  # type: ignore[index]
        server.process.kill()
        server.process.wait()
        deadline = time.monotonic() + 10
        while not gone(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone(engine), "the engine outlived kg serve"
    finally:
        serving.close()


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["serve", "--port", "99999"], "kg serve: error: argument --port: '99999' is not a port (0 to 65535"),
        (["serve", "--port", "-1"], "kg serve: error: argument --port: '-1' is not a port (0 to 65535"),
        (["watch", "--serve", "--port", "65536"], "kg watch: error: argument --port: '65536' is not a port"),
        (["serve", "--timeout", "nan"], "kg serve: error: argument --timeout: 'nan' is not a number of seconds above"),
        (["serve", "--timeout", "0"], "kg serve: error: argument --timeout: '0' is not a number of seconds above 0"),
        (["serve", "--timeout", "1e12"], "kg serve: error: argument --timeout: '1e12' is not a number of seconds"),
    ],
)
def test_a_port_or_timeout_out_of_range_is_a_usage_error(argv: list[str], error: str) -> None:
    """A port out of range was a traceback from bind(); `nan`, `inf`, `-5` went to Oxigraph's own --timeout-s."""
    result = subprocess.run([sys.executable, "-m", "kg", *argv], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert error in result.stderr and "Traceback" not in result.stderr


def test_stopping_the_server_frees_the_port_and_removes_its_store(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    time.sleep(0.2)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=1):
        pass
    assert list(server.temp.iterdir()) == []


def test_a_query_that_overran_while_the_server_stops_starts_no_engine(tmp_path: Path) -> None:
    """A request still running when `kg serve` stops may ask for a restart after the engine was stopped: no
    new engine starts then (it would outlive the server), and no error is raised in that request's thread."""
    engine = kg.query.serve._Engine(sys.executable, tmp_path / "store", 1.0)
    engine.stop()
    engine.restart()
    assert engine.process is None
