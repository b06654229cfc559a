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
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .conftest import ONTOLOGY
from .sparql_helpers import competency_queries, free_port, kg_query_json, rows

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    port: int
    temp: Path


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    temp = tmp_path_factory.mktemp("serve-tmp")
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--exports", str(built), "--ontology", str(ONTOLOGY),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)},
    )  # fmt: skip
    banner = process.stdout.readline() if process.stdout else ""
    assert banner.startswith("SPARQL endpoint (read-only): "), banner + (
        process.stderr.read() if process.stderr else ""
    )
    yield Server(process, banner.split(": ", 1)[1].strip(), port, temp)
    if process.poll() is None:
        process.kill()
        process.wait()


def wrapper(server: Server, query: str, method: str = "GET", request: str = URLENCODED) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url)
    sparql.setQuery(query)
    sparql.setReturnFormat(JSON)
    sparql.setMethod(method)
    sparql.setRequestMethod(request)
    return sparql


def test_the_banner_names_the_query_url_on_localhost(server: Server) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/query"


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


def test_the_query_page_needs_no_network(server: Server) -> None:
    with urllib.request.urlopen(server.url.replace("/query", "/")) as response:
        page = response.read().decode()
    assert "yasgui" in page.lower()
    assert not re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", page)


def test_stopping_the_server_frees_the_port_and_removes_its_store(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    time.sleep(0.2)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=1):
        pass
    assert list(server.temp.iterdir()) == []
