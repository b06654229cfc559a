"""`kg push` into a real Virtuoso (private ini, own ports on 127.0.0.1): the store answers like `kg query`.

Virtuoso 7.2 as found here: Graph Store writes go to /sparql-graph-crud-auth with Digest auth; queries are sent with GET
(POSTing application/sparql-query hangs) and scoped to our graphs with `default-graph-uri`, since
Virtuoso's default graph holds its own ~2,500 system triples.  Skipped only when Virtuoso is not
installed outside CI; in CI (CI=true) a missing Virtuoso fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from SPARQLWrapper import GET, JSON, SPARQLWrapper

from kg.query.named_graphs import graphs_for_push
from kg.query.store import read_data

from .conftest import ONTOLOGY
from .sparql_helpers import competency_queries, kg_query_json, rows
from .tools.stores import VIRTUOSO, virtuoso_store

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "kg-test-Secret-42"
GRAPH_BASE = "https://w3id.org/syria-russia-kg/id/graph/"

pytestmark = pytest.mark.skipif(VIRTUOSO is None and not IN_CI, reason="virtuoso-t not installed (not in CI)")


@pytest.fixture(scope="module")
def ontology(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot of the ontology, so pushes and queries in this module all see the same one."""
    snapshot = tmp_path_factory.mktemp("ontology")
    for path in ONTOLOGY.glob("*.ttl"):
        shutil.copy(path, snapshot / path.name)
    return snapshot


@dataclass
class Virtuoso:
    url: str
    directory: Path

    @property
    def crud(self) -> str:
        return self.url + "/sparql-graph-crud-auth"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    assert VIRTUOSO, "CI=true: Virtuoso (virtuoso-opensource-7-bin) must be installed; .ci/run installs it"
    directory = tmp_path_factory.mktemp("virtuoso")
    with virtuoso_store(directory, PASSWORD) as url:
        yield Virtuoso(url, directory)


def kg_push(
    built: Path, ontology: Path, endpoint: str, *options: str, password: str | None = PASSWORD
) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "KG_PUSH_PASSWORD"}
    if password is not None:
        env["KG_PUSH_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "kg", "push", "--exports", str(built), "--ontology", str(ontology),
         "--endpoint", endpoint, *options],
        capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def pushed_graphs(built: Path, ontology: Path) -> dict[str, int]:
    data = read_data(built, ontology)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPH_BASE)
    return {name: len(set(graphs.triples(name))) for name in graphs.names}


def ask_virtuoso(virtuoso: Virtuoso, query: str, graphs: list[str] | None = None) -> dict:
    sparql = SPARQLWrapper(virtuoso.url + "/sparql")
    sparql.setMethod(GET)
    sparql.setReturnFormat(JSON)
    sparql.setQuery(query)
    for graph in graphs or []:
        sparql.addDefaultGraph(graph)
    answer: dict = sparql.queryAndConvert()  # type: ignore[assignment]
    if answer.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        # Virtuoso 7.2 answers ASK as a one-column table: a row holding 1 for true, no row for false.
        bindings = answer["results"]["bindings"]
        return {"head": {}, "boolean": bool(bindings) and bindings[0]["__ASK_RETVAL"]["value"] != "0"}
    return answer


def graph_sizes(virtuoso: Virtuoso) -> dict[str, int]:
    answer = ask_virtuoso(
        virtuoso,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER (STRSTARTS(STR(?g), "{GRAPH_BASE}")) }} GROUP BY ?g',
    )
    return {row["g"]["value"]: int(row["n"]["value"]) for row in answer["results"]["bindings"]}


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, built: Path, ontology: Path) -> subprocess.CompletedProcess:
    return kg_push(built, ontology, virtuoso.crud, "--user", "dba")


def test_push_uploads_one_graph_per_article_and_the_ontology(
    pushed: subprocess.CompletedProcess, virtuoso: Virtuoso, built: Path, ontology: Path
) -> None:
    assert pushed.returncode == 0, pushed.stderr
    expected = pushed_graphs(built, ontology)
    articles = sorted(path.stem for path in (ONTOLOGY.parent / "sources" / "articles").glob("*.yaml"))
    assert sorted(name.removeprefix(GRAPH_BASE + "article/") for name in expected if "/article/" in name) == articles
    assert graph_sizes(virtuoso) == expected
    assert PASSWORD not in pushed.stdout + pushed.stderr


@pytest.mark.parametrize("query", competency_queries(), ids=lambda path: path.stem)
def test_virtuoso_answers_the_competency_questions_like_kg_query(
    query: Path, pushed: subprocess.CompletedProcess, virtuoso: Virtuoso, built: Path, ontology: Path
) -> None:
    assert pushed.returncode == 0, pushed.stderr
    expected = rows(kg_query_json(built, query, ontology), exact=True)
    graphs = list(pushed_graphs(built, ontology))
    answer = rows(ask_virtuoso(virtuoso, query.read_text(encoding="utf-8"), graphs), exact=True)
    if isinstance(expected, bool):
        assert answer is expected
    else:  # as multisets: ties in ORDER BY may legitimately come out in another order
        assert isinstance(answer, list) and sorted(answer) == sorted(expected)


def test_pushing_twice_changes_nothing(
    pushed: subprocess.CompletedProcess, virtuoso: Virtuoso, built: Path, ontology: Path
) -> None:
    assert pushed.returncode == 0, pushed.stderr
    before = graph_sizes(virtuoso)
    again = kg_push(built, ontology, virtuoso.crud, "--user", "dba")
    assert again.returncode == 0, again.stderr
    assert graph_sizes(virtuoso) == before == pushed_graphs(built, ontology)


def test_a_wrong_password_is_refused_without_being_printed(virtuoso: Virtuoso, built: Path, ontology: Path) -> None:
    wrong = "not-the-Password-7"
    result = kg_push(built, ontology, virtuoso.crud, "--user", "dba", password=wrong)
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr and "check --user" in result.stderr
    assert wrong not in result.stdout + result.stderr and PASSWORD not in result.stdout + result.stderr


def test_a_missing_password_is_asked_for_not_guessed(virtuoso: Virtuoso, built: Path, ontology: Path) -> None:
    result = kg_push(built, ontology, virtuoso.crud, "--user", "dba", password=None)
    assert result.returncode == 1
    assert "KG_PUSH_PASSWORD" in result.stderr


def test_the_servers_refusal_is_shown(virtuoso: Virtuoso, built: Path, ontology: Path) -> None:
    """The unauthenticated Graph Store endpoint refuses writes; its own explanation reaches the user."""
    result = kg_push(built, ontology, virtuoso.url + "/sparql-graph-crud")
    assert result.returncode == 1
    assert "HTTP 403" in result.stderr
    assert "Permission denied" in result.stderr  # Virtuoso's message, tags stripped


def test_quads_are_refused_before_any_graph_is_emptied(
    pushed: subprocess.CompletedProcess, virtuoso: Virtuoso, built: Path, ontology: Path
) -> None:
    """Virtuoso answers N-Quads POSTed to its Graph Store with 200 and keeps nothing: `--quads` finds that out
    with a probe and stops before touching the graphs pushed already."""
    assert pushed.returncode == 0, pushed.stderr
    result = kg_push(built, ontology, virtuoso.crud, "--user", "dba", "--quads")
    assert result.returncode == 1 and result.stdout == ""
    assert "holds no graph <urn:uuid:" in result.stderr and "push without --quads" in result.stderr
    assert graph_sizes(virtuoso) == pushed_graphs(built, ontology)
