"""`kg query`: every competency question in ontology/queries/ gives its pinned answer; formats and errors."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.cli import main
from kg.limits import MAX_QUERY_NESTING
from kg.query.ask import EmptyQuery
from kg.query.bounded import OUT_OF_MEMORY, QueryTimedOut
from kg.query.defaults import DEFAULT_QUERY_MEMORY
from kg.query.federation import service_at
from kg.query.lexical import nested_beyond
from kg.query.sparql import QueryError
from kg.query.store import MissingExport

from .competency_answers import PINNED
from .conftest import MINI, ONTOLOGY, ROOT, run_kg
from .sparql_helpers import QUERIES, competency_queries, kg_query, kg_query_json, rows

# ---------------------------------------------------------------------------- the competency questions


def test_every_competency_question_is_pinned_and_every_pin_has_a_question() -> None:
    assert len(competency_queries()) >= 15
    assert {path.stem for path in competency_queries()} == set(PINNED)


@pytest.mark.parametrize("query", competency_queries(), ids=lambda path: path.stem)
def test_competency_question(query: Path, built: Path) -> None:
    assert rows(kg_query_json(built, query)) == PINNED[query.stem]


@pytest.mark.parametrize("query", competency_queries(), ids=lambda path: path.stem)
def test_competency_questions_say_what_they_ask_and_declare_their_prefixes(query: Path) -> None:
    """The question in words comes first; the query declares its prefixes, so it runs as is on any endpoint."""
    text = query.read_text(encoding="utf-8")
    assert text.startswith("# ") and "?" in text.split("\n\n")[0], "start with the question, as a comment"
    ox.Store().query(text)  # parses with no predeclared prefix


def test_the_readme_shows_real_output(built: Path) -> None:
    """The README's example answers are what `kg query` prints for the corpus today."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"^`(\d\d-[\w-]+\.rq)`:.*?\n\n```\n(.*?)```", readme, re.MULTILINE | re.DOTALL)
    assert len(examples) >= 3
    for name, shown in examples:
        status, out, err = kg_query("--exports", str(built), "--ontology", str(ONTOLOGY), str(QUERIES / name))
        assert (status, out) == (0, shown), err


# ---------------------------------------------------------------------------- the runner, on the mini corpus


@pytest.fixture(scope="module")
def mini_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mini-exports")
    sources = tmp_path_factory.mktemp("mini") / "sources"  # a build's cache and lock go beside its sources: not
    shutil.copytree(MINI, sources)  # into the repository's tests/fixtures/
    assert main(["build", "--sources", str(sources), "--ontology", str(ONTOLOGY), "--out", str(out)]) == 0
    return out


def query(exports: Path, *argv: str) -> tuple[int, str, str]:
    return kg_query("--exports", str(exports), "--ontology", str(ONTOLOGY), *argv)


AGENTS = "SELECT ?agent ?name WHERE { ?agent a kgo:Agent ; rdfs:label ?name } ORDER BY ?name"


def test_the_default_output_is_an_aligned_table_with_prefixed_names(mini_exports: Path) -> None:
    status, out, _ = query(mini_exports, "-e", AGENTS)
    assert status == 0
    assert out == (
        "agent               name\n"
        "------------------  ---------------\n"
        "kg:bashar-al-assad  Bashar al-Assad\n"
        "kg:reuters          Reuters\n"
        "kg:russia           Russia\n"
        "kg:syria            Syria\n"
        "kg:test-outlet      Test Outlet\n"
        "kg:syrian-source    a Syrian source\n"
        "(6 rows)\n"
    )


def test_csv_quotes_every_field_that_needs_it_iris_too(mini_exports: Path) -> None:
    """Oxigraph's CSV quoted a literal holding a comma but not an IRI: a graph built with `--base
    https://example.org/kg,v2/` gave rows of three fields under a header of two."""
    select = (
        'SELECT ?iri ?text ?blank ?unbound WHERE { BIND(IRI("https://example.org/kg,v2/russia") AS ?iri) '
        'BIND("a, \\"b\\"\\nc" AS ?text) BIND(BNODE() AS ?blank) OPTIONAL { ?nothing kgo:nothing ?unbound } }'
    )
    out = query(mini_exports, "--format", "csv", "-e", select)[1]
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["iri", "text", "blank", "unbound"] and len(rows) == 2
    assert rows[1][:2] == ["https://example.org/kg,v2/russia", 'a, "b"\nc'] and rows[1][3] == ""
    assert rows[1][2].startswith("_:") and out.endswith("\r\n")


def test_csv_tsv_and_json_are_the_sparql_results_formats(mini_exports: Path) -> None:
    select = "SELECT ?name WHERE { kg:russia rdfs:label ?name }"
    assert query(mini_exports, "--format", "csv", "-e", select)[1] == "name\r\nRussia\r\n"
    assert query(mini_exports, "--format", "tsv", "-e", select)[1] == '?name\n"Russia"@en\n'
    assert json.loads(query(mini_exports, "--format", "json", "-e", select)[1]) == {
        "head": {"vars": ["name"]},
        "results": {"bindings": [{"name": {"type": "literal", "value": "Russia", "xml:lang": "en"}}]},
    }


def test_ask_answers_true_or_false(mini_exports: Path) -> None:
    assert query(mini_exports, "-e", "ASK { kg:russia kgo:operates kg:tartus-naval-base }")[1] == "true\n"
    assert query(mini_exports, "-e", "ASK { kg:syria kgo:operates kg:tartus-naval-base }")[1] == "false\n"
    assert json.loads(query(mini_exports, "--format", "json", "-e", "ASK {}")[1]) == {"head": {}, "boolean": True}


def test_construct_and_describe_give_turtle_with_only_the_prefixes_used(mini_exports: Path) -> None:
    status, out, _ = query(mini_exports, "-e", "CONSTRUCT { ?s kgo:operates ?o } WHERE { ?s kgo:operates ?o }")
    assert status == 0
    assert out == (
        "@prefix kgo: <https://w3id.org/syria-russia-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/syria-russia-kg/id/> .\n"
        "kg:russia kgo:operates kg:tartus-naval-base .\n"
    )
    status, out, _ = query(mini_exports, "--format", "ntriples", "-e", "DESCRIBE kg:tartus-naval-base")
    described = {quad.triple for quad in ox.parse(out.encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert (
        ox.Triple(
            ox.NamedNode("https://w3id.org/syria-russia-kg/id/tartus-naval-base"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
            ox.Literal("Tartus", language="en"),
        )
        in described
    )


def test_a_format_that_does_not_fit_the_result_is_an_error(mini_exports: Path) -> None:
    status, _, err = query(mini_exports, "--format", "csv", "-e", "CONSTRUCT WHERE { ?s a kgo:Country }")
    assert status == 1 and "turtle or ntriples" in err
    status, _, err = query(mini_exports, "--format", "turtle", "-e", AGENTS)
    assert status == 1 and "CONSTRUCT and DESCRIBE" in err


def test_the_ontology_is_queried_with_the_data(mini_exports: Path) -> None:
    _, out, _ = query(
        mini_exports,
        "--format",
        "csv",
        "-e",
        "SELECT ?label WHERE { kg:russia a ?class . ?class rdfs:label ?label } ORDER BY ?label",
    )
    assert out.split("\r\n")[1:-1] == ["agent", "country", "place", "thing"]


def test_an_unknown_prefix_is_reported_at_its_line_and_column(mini_exports: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?x WHERE {\n  ?x a foo:Bar .\n}\n", encoding="utf-8")
    status, out, err = query(mini_exports, str(path))
    assert status == 1 and out == ""
    assert err.splitlines() == [
        f"{path}:2:8: unknown prefix 'foo:' (predeclared: dcterms, kg, kga, kgc, kge, kgm, kgo, oa, owl, prov, rdf, "
        "rdfs, schema, sem, skos, xsd)",
        "    ?x a foo:Bar .",
        "         ^",
    ]


def test_the_line_shown_under_an_error_is_a_window_around_it_escaped(mini_exports: Path, tmp_path: Path) -> None:
    """A query of one line of 100,000 characters was printed whole under its error, escapes and all."""
    path = tmp_path / "long.rq"
    line = "ASK { FILTER(" + "?a + " * 20_000 + ") } " + "\x1b ?b " * 20_000
    path.write_text(line, encoding="utf-8")
    status, _, err = query(mini_exports, str(path))
    message, shown, caret = err.splitlines()
    column = int(message.split(":")[2])
    assert status == 1 and message.startswith(f"{path}:1:{column}: ") and 100_000 < column < 100_100
    assert shown.startswith("  …") and shown.endswith("…") and len(shown) < 2 + 2 * 60 + 2 * 60 // 2 * 4
    assert "\x1b" not in shown and "\\u001b ?b" in shown
    under = "\\u001b" if line[column - 1] == "\x1b" else line[column - 1]
    assert shown[len(caret) - 1 :].startswith(under) and caret.strip() == "^"  # the caret under the column


def test_a_syntax_error_is_located_and_readable(mini_exports: Path) -> None:
    status, _, err = query(mini_exports, "-e", "SELECT ?x WHERE { ?x a kgo:Country . ?x a }")
    assert status == 1
    first = err.splitlines()[0]
    assert first.startswith("-e:1:44: expected one of ")
    assert "\\u{" not in err  # Oxigraph's character-class listings are left out


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # Oxigraph said "expected CONSTRUCT", "expected one of HAVING, OFFSET…", "expected one of LATERAL, SERVICE"
        ("SELEC ?x WHERE { ?x a kgo:Country }", "-e:1:1: 'SELEC' is no SPARQL keyword — did you mean 'SELECT'?"),
        ("PREFIX ex: <http://x/>\nASKK { ?x a ex:Y }", "-e:2:1: 'ASKK' is no SPARQL keyword — did you mean 'ASK'?"),
        ("SELECT * { ?x ?p ?o } LIMT 1", "-e:1:23: 'LIMT' is no SPARQL keyword — did you mean 'LIMIT'?"),
        ('SELECT * { ?x ?p "optinal"@en OPTINAL { ?x a ?t } }', "-e:1:31: 'OPTINAL' is no SPARQL keyword — did you "
         "mean 'OPTIONAL'?"),
        ("SELECT ?e WHERE { ?e kgo:date date }", "-e:1:31: 'date' is no SPARQL keyword — a variable is written "
         "'?date'"),  # it said "did you mean 'DATA'?"
        ("SELECT ?x WHERE { ?x a kgo:Country ", "-e:1:17: this '{' is never closed"),
        ("SELECT ?x WHERE { ?x a kgo:Country } }", "-e:1:38: this '}' closes nothing"),
        ("SELECT * { ?x ?p ?o FILTER(?o = 1 }", "-e:1:27: this '(' is never closed"),
        ("SELECT * { ?x ?p ?o FILTER(?o = 1)) }", "-e:1:35: this ')' closes nothing"),
    ],
)  # fmt: skip
def test_a_misspelled_keyword_or_an_unmatched_bracket_is_named(mini_exports: Path, text: str, expected: str) -> None:
    status, out, err = query(mini_exports, "-e", text)
    assert (status, out, err.splitlines()[0]) == (1, "", expected)


@pytest.mark.parametrize(
    ("text", "warning"),
    [  # each answered "(0 rows)" and nothing more, which read as "no such facts"
        ("SELECT ?x WHERE { ?x a kg:Country }", "kg:Country appears nowhere in the graph or the ontology — did you "
         "mean kgo:Country?"),
        ("SELECT ?x WHERE { ?x rdfs:lable ?name }", "rdfs:lable appears nowhere in the graph or the ontology — did "
         "you mean rdfs:label?"),
        ("SELECT ?x WHERE { ?x a kgo:Contry }", "kgo:Contry appears nowhere in the graph or the ontology — did you "
         "mean kgo:Country?"),
    ],
)  # fmt: skip
def test_a_term_the_graph_holds_nowhere_is_warned_of(mini_exports: Path, text: str, warning: str) -> None:
    status, out, err = query(mini_exports, "-e", text)
    assert (status, out.splitlines()[-1], err) == (0, "(0 rows)", f"kg query: warning: {warning}\n")


def test_terms_in_strings_datatypes_and_a_namespace_of_ones_own_are_not_warned_of(mini_exports: Path) -> None:
    text = (
        'PREFIX ex: <http://example.org/>\nSELECT ?x WHERE { ?x rdfs:label "kg:Nowhere" . OPTIONAL { ?x ex:own ?y } '
        "FILTER(datatype(?x) != xsd:date) } # kgo:Comment"
    )
    status, _, err = query(mini_exports, "-e", text)
    assert (status, err) == (0, "")
    status, out, err = query(mini_exports, "-e", "SELECT ?label WHERE { kg:tartus\\-naval\\-base rdfs:label ?label }")
    assert (status, out.splitlines()[-1], err) == (0, "(1 row)", "")  # an escaped local name was a traceback


def test_a_query_file_that_is_no_regular_file_or_too_long_is_refused_unread(mini_exports: Path, tmp_path: Path) -> None:
    """`kg query /dev/zero` grew to 23 GB until the kernel killed it."""
    assert query(mini_exports, "/dev/zero") == (
        2,
        "",
        "kg query: /dev/zero:1:1: the query file is not a regular file: refused, not read\n",
    )
    long = tmp_path / "long.rq"
    long.write_text("ASK {}" + " " * 2_000_000, encoding="utf-8")
    status, out, err = query(mini_exports, str(long))
    assert (status, out) == (2, "") and err.endswith(
        "the query file is 1.9 MB, more than the 1.0 MB allowed: a query is far shorter\n"
    )


def test_a_query_given_where_its_file_is_expected_is_told_of_dash_e(mini_exports: Path) -> None:
    """`kg query 'SELECT …'` said "SELECT …: No such file or directory"."""
    status, out, err = query(mini_exports, "SELECT ?x WHERE { ?x a kgo:Country }")
    assert (status, out) == (2, "")
    assert err == (
        "kg query: no file named 'SELECT ?x WHERE { ?x a kgo:Country }': a query given as text follows -e: "
        "kg query -e 'SELECT …'\n"
    )
    status, _, err = query(mini_exports, "missing.rq")
    assert status == 2 and err.endswith("missing.rq: No such file or directory\n")


def test_a_query_with_neither_a_file_nor_dash_e_is_asked_for_one(mini_exports: Path, tmp_path: Path) -> None:
    """Plain `kg query` said "…, not both", when neither was given."""
    assert query(mini_exports) == (2, "", "kg query: give a query file (or -) or -e 'QUERY'\n")
    given = tmp_path / "ask.rq"
    given.write_text("ASK {}", encoding="utf-8")
    assert query(mini_exports, str(given), "-e", "ASK {}") == (
        2,
        "",
        "kg query: give a query file (or -) or -e 'QUERY', not both\n",
    )


def test_updates_are_refused(mini_exports: Path) -> None:
    status, _, err = query(mini_exports, "-e", "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }")
    assert status == 1 and "kg query only reads" in err


@pytest.mark.parametrize(
    ("text", "where", "shown"),
    [
        ("CLEAR ALL", "1:1", "CLEAR ALL\n  ^"),
        ("  LOAD <http://127.0.0.1:1/x>", "1:3", "  LOAD <http://127.0.0.1:1/x>\n    ^"),
        ("PREFIX ex: <http://example.org/>\n# add one\n  INSERT DATA { ex:a ex:b ex:c }", "3:3", "  INSERT DATA"),
    ],
)
def test_an_update_is_refused_at_its_keyword(mini_exports: Path, text: str, where: str, shown: str) -> None:
    """The engine places every Update at 1:10, and the refusal was shown there: past the end of `CLEAR ALL`,
    under `tp:` of `LOAD <http://…>`."""
    status, _, err = query(mini_exports, "-e", text)
    assert status == 1 and err.startswith(f"-e:{where}: this is a SPARQL Update; kg query only reads"), err
    assert shown in err


def test_a_missing_export_says_to_run_kg_build(tmp_path: Path) -> None:
    status, _, err = query(tmp_path / "nowhere", "-e", "ASK {}")
    assert status == 2
    assert "nowhere/graph.ttl" in err and "run `kg build` first" in err
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "graph.ttl")  # said "not built yet"
    status, _, err = query(tmp_path / "fifo", "-e", "ASK {}")
    assert status == 2 and err.endswith(
        "fifo/graph.ttl: not a regular file: run `kg build` first, or pass --sources DIR\n"
    )


def standard_input(data: bytes) -> io.TextIOWrapper:
    """Standard input holding `data`, as the terminal's or a pipe's (text over bytes)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def test_a_query_from_standard_input(mini_exports: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", standard_input(b"ASK { kg:russia a kgo:Country }"))
    assert query(mini_exports, "-")[1] == "true\n"


@pytest.mark.parametrize(
    ("data", "where", "why"),
    [
        (b"ASK {}\n# caf\xe9\n", "2:6", "byte 0xe9 is not part of a UTF-8 character; save it as UTF-8"),
        ("ASK {}".encode("utf-16"), "1:1", "byte 0xff is not part of a UTF-8 character; it is UTF-16 text"),
    ],
)
def test_standard_input_that_is_not_utf8_is_told_where_as_a_file_is(
    mini_exports: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, where: str, why: str
) -> None:
    """It was `<stdin>: query failed: 'utf-8' codec can't encode character '\\udce9'…`, exit 1."""
    monkeypatch.setattr("sys.stdin", standard_input(data))
    status, out, err = query(mini_exports, "-")
    assert (status, out) == (2, "")
    assert err.startswith(f"kg query: <stdin>:{where}: standard input is not UTF-8 text: {why}"), err


def test_output_that_cannot_be_written_is_said_to_be_standard_output(mini_exports: Path) -> None:
    """`kg timeline > /dev/full` said `kg: : No space left on device`."""
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [sys.executable, "-m", "kg", "query", "--exports", str(mini_exports), "--ontology", str(ONTOLOGY), "-e",
             "ASK {}"], stdout=full, capture_output=False, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert (done.returncode, done.stderr) == (2, "kg: standard output: No space left on device\n")


def test_a_byte_order_mark_that_starts_a_query_file_or_standard_input_is_no_character_of_it(
    mini_exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query saved with a BOM (as Windows editors save) was refused: `1:10: expected CONSTRUCT`, the caret
    inside `ASK`, the BOM not shown."""
    path = tmp_path / "q.rq"
    path.write_bytes(b"\xef\xbb\xbfASK { kg:russia a kgo:Country }\n")
    assert query(mini_exports, str(path))[:2] == (0, "true\n")
    monkeypatch.setattr("sys.stdin", standard_input("\ufeffASK { kg:russia a kgo:Country }".encode()))
    assert query(mini_exports, "-")[:2] == (0, "true\n")
    path.write_bytes(b"\xef\xbb\xbfASK { ?x a foo:Bar }\n")  # located in the text as read, without the BOM
    assert query(mini_exports, str(path))[2].startswith(f"{path}:1:12: unknown prefix 'foo:'")


def test_a_file_and_an_expression_together_are_refused(mini_exports: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("ASK {}", encoding="utf-8")
    assert query(mini_exports, str(path), "-e", "ASK {}")[0] == 2


def test_sources_are_built_in_memory_with_the_same_answers(mini_exports: Path, tmp_path: Path) -> None:
    from_export = query(mini_exports, "--format", "csv", "-e", AGENTS)
    from_sources = kg_query(
        "--sources", str(MINI), "--ontology", str(ONTOLOGY), "--exports", str(tmp_path), "--format", "csv", "-e", AGENTS
    )
    assert from_export == from_sources
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_prefixes_of_the_export_follow_its_base(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    base = "http://example.org/kg/"
    assert main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out), "--base", base]) == 0
    _, text, _ = query(out, "--format", "csv", "-e", "SELECT ?s WHERE { ?s kgo:operates kg:tartus-naval-base }")
    assert text == f"s\r\n{base}russia\r\n"


def test_a_stale_export_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI, "sources")
    assert main(["build", "--ontology", str(ONTOLOGY)]) == 0
    assert kg_query("--ontology", str(ONTOLOGY), "-e", "ASK {}")[2] == ""
    facts = tmp_path / "sources" / "facts" / "mini.yaml"
    later = (tmp_path / "exports" / "graph.ttl").stat().st_mtime + 5
    os.utime(facts, (later, later))  # a newer time, the same bytes (a touch, a git checkout): not stale
    assert kg_query("--ontology", str(ONTOLOGY), "-e", "ASK {}")[2] == ""
    facts.write_text(facts.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    os.utime(facts, (later, later))
    status, out, err = kg_query("--ontology", str(ONTOLOGY), "-e", "ASK {}")
    assert status == 0 and out == "true\n"
    assert "sources/facts/mini.yaml changed after exports/graph.ttl was built; run `kg build`" in err


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
"""Never ends on any graph worth the name: Oxigraph evaluates it in native code that no signal reaches."""


def test_a_query_that_runs_too_long_is_stopped(mini_exports: Path) -> None:
    started = time.monotonic()
    run = run_kg(
        "query", "--exports", str(mini_exports), "--ontology", str(ONTOLOGY), "--timeout", "1", "-e", CROSS_JOIN
    )
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == "kg query: the query ran longer than 1 s and was stopped (--timeout 1; 0: no bound)\n"
    assert time.monotonic() - started < 30  # a hang guard: the query alone would run for hours


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stop_a_running_query_at_once(mini_exports: Path, stop: signal.Signals) -> None:
    """The query runs in a process of its own, killed with it: this one takes the signal at once (it waited
    for the query to end, and a Ctrl-C did nothing)."""
    command = [sys.executable, "-m", "kg", "query", "--exports", str(mini_exports), "--ontology", str(ONTOLOGY),
               "--timeout", "0", "-e", CROSS_JOIN]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        time.sleep(3)  # started, loaded, and querying
        [child] = [int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
        process.send_signal(stop)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 128 + stop
    assert err == f"kg: stopped by {stop.name}\n"
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text()


def test_an_export_that_is_not_turtle_is_located_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_text("kg:a kg:b .\nthis is not @ turtle\n", encoding="utf-8")
    status, out, err = query(tmp_path, "-e", "ASK {}")
    assert (status, out) == (1, "")
    assert re.fullmatch(
        rf"kg query: {re.escape(str(tmp_path))}/graph.ttl:\d+:\d+: cannot read the graph \(.+\): run `kg build`\n", err
    ), err


def test_a_query_file_that_is_not_utf8_is_refused(mini_exports: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes(b"ASK { ?s ?p \xff }")
    status, _, err = query(mini_exports, str(path))
    assert status == 2
    assert err == (
        f"kg query: {path}:1:13: the query file is not UTF-8 text: byte 0xff is not part of a UTF-8 character;"
        " save it as UTF-8\n"
    )


@pytest.mark.parametrize("text", ["", "  \n\t", "# only a comment\n  # and another\n"])
def test_an_empty_query_is_named_so(mini_exports: Path, text: str) -> None:
    """It was Oxigraph's "-e:1:1: expected [_]", under a caret pointing at nothing."""
    status, out, err = query(mini_exports, "-e", text)
    assert (status, out) == (2, "")
    assert err == "kg query: -e: the query is empty (a SELECT, ASK, CONSTRUCT or DESCRIBE)\n"


def test_the_table_shows_control_characters_and_direction_overrides_escaped(mini_exports: Path) -> None:
    """Printed as they were, an ESC in a literal cleared the terminal, and U+202E turned the line around."""
    text = 'SELECT ?x { BIND("a\\u001b[2Jb\\u202ec\\td" AS ?x) }'
    status, out, _ = query(mini_exports, "-e", text)
    assert status == 0
    assert out.splitlines()[2] == "a\\u001b[2Jb\\u202ec\\u0009d"


def test_the_table_aligns_wide_and_combining_characters_by_the_columns_they_take(mini_exports: Path) -> None:
    """A Chinese name sat two columns off the rest: each of its characters takes two columns of a terminal, and
    an Arabic or Thai vowel sign, or the variation selector of an emoji, none."""
    text = 'SELECT ?x ?y { VALUES (?x ?y) { ("中文字符" "a") ("ab" "b") ("مُ" "c") ("กั" "d") ("❤️" "e") } }'
    status, out, _ = query(mini_exports, "-e", text)
    assert status == 0
    rows = out.splitlines()[2:7]
    assert rows == ["中文字符  a", "ab" + " " * 8 + "b", "مُ" + " " * 9 + "c", "กั" + " " * 9 + "d", "❤️" + " " * 9 + "e"]


EVERY_PAIR = "SELECT * { ?a ?b ?c . ?d ?e ?f }"  # 14,824² rows over the real graph


@pytest.mark.parametrize(
    ("output", "text", "error"),
    [
        ("csv", EVERY_PAIR, "-e: the answer is larger than 256 MB: ask for less (LIMIT, fewer variables)\n"),
        ("json", EVERY_PAIR, "-e: the answer is larger than 256 MB: ask for less (LIMIT, fewer variables)\n"),
        (
            "table",
            EVERY_PAIR,
            "-e: more than 100,000 rows to align: ask for fewer (LIMIT), or use --format csv, tsv or json\n",
        ),
        (
            "ntriples",
            "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
            "-e: more than 250,000 triples: ask for fewer (LIMIT), or build the graph whole (kg build --format nt)\n",
        ),
    ],
)
def test_an_answer_too_large_to_hold_is_refused_not_grown_until_killed(
    built: Path, output: str, text: str, error: str
) -> None:
    """A cross join's CSV grew by 350 MB a second in the query's process, to a Rust backtrace under a memory
    limit; 30 s (the default timeout) would have been 10 GB.  The size is what stops it, however long it takes
    to get there on a busy machine (a time bound of its own)."""
    status, out, err = query(built, "--timeout", "600", "--format", output, "-e", text)
    assert (status, out, err) == (1, "", error)


def test_a_federated_query_is_refused_at_its_service_keyword(mini_exports: Path) -> None:
    """Oxigraph sends a SERVICE's pattern to any address: a query from elsewhere could send out what it matched."""
    text = "SELECT * WHERE {\n  ?s ?p ?o .\n  SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n}"
    status, out, err = query(mini_exports, "-e", text)
    assert (status, out) == (1, "")
    assert err.startswith("-e:3:3: SERVICE (a federated query) is refused: only the graph built here is queried\n")


def test_a_query_nested_deeper_than_the_engine_holds_is_refused_where_it_goes_too_deep(mini_exports: Path) -> None:
    """3,000 nested `{}` (6 KB) overflowed the stack of the query's process: "ended without an answer (killed, or
    out of memory)"."""
    text = "ASK\n" + "{" * 3000 + "}" * 3000
    status, out, err = query(mini_exports, "-e", text)
    assert (status, out) == (1, "")
    assert err.startswith(
        f"-e:2:{MAX_QUERY_NESTING + 1}: the query nests brackets more than {MAX_QUERY_NESTING} deep: the engine"
        " cannot evaluate it (write it flatter)\n"
    ), err


@pytest.mark.parametrize(
    ("tail", "nested"),
    [
        ('"' + "a" * 1_000_000, False),  # an unclosed string, then one long word
        ("a." * 500_000, False),  # a million one-letter words
        ("FILTER(" + "!" * 20_000 + "true)", True),  # a run of unary operators: as deep as many brackets
        ("FILTER(" + "! " * (MAX_QUERY_NESTING + 1) + "true)", True),
        ("<< " * (MAX_QUERY_NESTING + 1) + "?s ?p ?o" + " >>" * (MAX_QUERY_NESTING + 1), True),  # quoted triples
    ],
    ids=["one long word", "a million words", "20,000 unary operators", "spaced operators", "quoted triples"],
)
def test_a_megabyte_of_query_is_looked_through_once_and_what_nests_too_deep_is_refused(
    mini_exports: Path, tmp_path: Path, tail: str, nested: bool
) -> None:
    """Looking a query through for what to refuse tried a prefixed name at every letter of a word, to its end
    each time: 40,000 letters took 50 s, holding every request of `kg serve` meanwhile; 20,000 `!` passed the
    nesting bound, which counted brackets only, and stopped the engine.  (The guard bounds a hang.)"""
    file = tmp_path / "q.rq"
    file.write_text(f"ASK {{ {tail} }}", encoding="utf-8")
    done = run_kg("query", str(file), "--exports", str(mini_exports), "--ontology", str(ONTOLOGY), timeout=120)
    if nested:
        assert done.returncode == 1 and f"the query nests brackets more than {MAX_QUERY_NESTING} deep" in done.stderr
    else:
        assert done.returncode == 1 and "q.rq:1:" in done.stderr and "nests" not in done.stderr  # a syntax error


def test_operators_between_values_are_no_nesting() -> None:
    """`?a + ?b + …` is a flat sum: the values between the operators are no blanks of a run of unary ones."""
    total = " + ".join(f"?v{i}" for i in range(MAX_QUERY_NESTING * 2))
    assert nested_beyond(f"SELECT (({total}) AS ?sum) {{}}", MAX_QUERY_NESTING) is None
    assert nested_beyond(f"ASK {{ FILTER({'- ' * (MAX_QUERY_NESTING + 1)}1) }}", MAX_QUERY_NESTING) is not None


def test_a_query_the_engine_stops_on_is_said_so(mini_exports: Path, tmp_path: Path) -> None:
    """10,000 triple patterns, no bracket deep: the engine's stack overflows (SIGSEGV or SIGABRT), which was told
    as "ended without an answer (killed, or out of memory)"."""
    file = tmp_path / "long.rq"
    file.write_text("ASK { " + "?a ?b ?c . " * 10_000 + "}", encoding="utf-8")
    status, out, err = query(mini_exports, str(file))
    assert (status, out) == (1, "")
    assert err.startswith("kg query: the SPARQL engine stopped on this query, which it could not evaluate"), err
    assert err.rstrip().endswith(("(SIGSEGV)", "(SIGABRT)", "(SIGBUS)")), err


def test_a_query_nested_as_deep_as_allowed_runs(mini_exports: Path) -> None:
    text = "ASK { FILTER(" + "(" * (MAX_QUERY_NESTING - 2) + "true" + ")" * (MAX_QUERY_NESTING - 2) + ") }"
    assert query(mini_exports, "-e", text) == (0, "true\n", "")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("{{}}", None),
        ("{{{}}}", (1, 3)),
        ("{ ( [ ] ) }", (1, 5)),
        ("{}{}{}{{}}", None),  # depth, not count
        ('{ "{{{" <http://x/(((> }', None),  # in a string, an IRI
        ("{ # {{{\n{ } }", None),  # in a comment
    ],
)
def test_nesting_is_measured_in_brackets_of_the_query_itself(text: str, found: tuple[int, int] | None) -> None:
    assert nested_beyond(text, 2) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("SELECT * { ?s ?p ?o }", None),
        ("SELECT * { service <http://x/> { ?s ?p ?o } }", (1, 12)),
        ("SELECT * {\n ?s ?p ?o .SERVICE ?where { ?s ?p ?o } }", (2, 12)),  # straight after a '.'
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x/> in a comment", None),
        ('SELECT * { ?s ?p "SERVICE <http://x/> {}" }', None),  # in a string
        ("SELECT * { ?s ?p '''a\nSERVICE <http://x/> {}''' }", None),  # in a long string
        ("SELECT * { <http://x/SERVICE> ?p ?service }", None),  # in an IRI; a variable
        ("PREFIX service: <http://x/> SELECT * { ?s service:SERVICE ?o }", None),  # prefixed names
        ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", (1, 12)),  # an escape SPARQL undoes first
        ('SELECT * { ?s ?p "a \\" SERVICE" . SERVICE <http://x/> {} }', (1, 35)),  # an escaped quote in a string
        ("SELECT * { FILTER(?a<?b) SERVICE <http://x/> {} }", (1, 26)),  # a '<' that opens no IRI
        ("PREFIX ex: <http://e/>\nSELECT * { ?s ex:p\\# ?o . SERVICE <http://x/> {} }", (2, 27)),  # no comment
        ("PREFIX ex: <http://e/>\nSELECT * { ?s ex:p\\' ?o . SERVICE <http://x/> {} }", (2, 27)),  # no string
        ("SELECT * { ?s ?p 1SERVICE <http://x/> { ?x ?y ?z } }", (1, 19)),  # the number 1, then the keyword
        ("PREFIX ex: <http://e/> SELECT * { ?s ex:customer.service ?o }", None),  # a dot inside a local name
        ("SELECT * { _:b1 ?p ?o . SERVICE <http://x/> {} }", (1, 25)),
        # the keyword written as a prefix: Oxigraph reads SERVICE, then the IRI ':' (or ':x'), and calls it
        ("PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:{ ?s ?p ?o } }", (1, 49)),
        ("PREFIX : <http://127.0.0.1:9/> SELECT * WHERE {\n  ?a ?b ?c .service:x\n{ ?s ?p ?o } }", (2, 13)),
        ("PREFIX service: <http://x/> SELECT * { ?s ?p service:x {| ?a ?b |} }", None),  # an annotation
    ],
)
def test_the_service_keyword_is_found_outside_iris_strings_and_comments(
    text: str, found: tuple[int, int] | None
) -> None:
    assert service_at(text) == found


def test_sources_with_errors_are_reported_as_kg_validate_would(tmp_path: Path) -> None:
    """Built in the query's own process, the sources' errors come back located."""
    sources = tmp_path / "sources"
    shutil.copytree(MINI, sources)
    facts = sources / "facts" / "mini.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("object: tartus-naval-base", "object: tartus"), encoding="utf-8"
    )
    status, _, err = kg_query(
        "--sources", str(sources), "--ontology", str(ONTOLOGY), "--exports", str(tmp_path), "-e", "ASK {}"
    )
    assert status == 1
    assert err.endswith("mini.yaml:27:13: unknown entity 'tartus'\n1 error\n"), err


@pytest.mark.parametrize(
    "command",
    [["query", "-e", "ASK {}"], ["serve", "--port", "0"], ["push", "--dry-run", "--endpoint", "http://127.0.0.1:9/s"]],
)
@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda path: os.mkfifo(path), "zz.ttl:1:1: the file is not a regular file (a FIFO, a device): refused"),
        (
            lambda path: path.write_bytes(b"\xef\xbb\xbf@prefix x: <http://x.example/> .\n"),
            "zz.ttl:1:1: the file starts with a byte order mark (U+FEFF)",
        ),
    ],
)
def test_the_commands_over_the_exports_read_the_ontology_as_every_command_does(
    mini_exports: Path, tmp_path: Path, command: list[str], make: Callable[[Path], None], said: str
) -> None:
    """`kg query`, `kg serve` and `kg push` read the ontology's files beside the export themselves: a FIFO
    among them held them forever, where `kg validate` refused it at its place."""
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    make(ontology / "zz.ttl")
    done = run_kg(*command, "--exports", str(mini_exports), "--ontology", str(ontology), timeout=60)
    assert done.returncode == 1, done.stderr
    assert said in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_query_needing_more_memory_than_it_is_given_is_stopped_and_said_so(built: Path) -> None:
    """A join variable forgotten, then sorted: every pair of the graph's triples (220 million), which took 3.85 GB
    in its first 5 s and 8.5 GB in 20; its memory beyond the graph's is bounded too (`--memory`, MB)."""
    cross = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
    status, out, err = query(built, "--memory", "100", "--timeout", "120", "-e", cross)
    assert (status, out) == (1, "")
    assert err == f"kg query: {OUT_OF_MEMORY} (--memory 100 MB; 0: no bound)\n"
    assert query(built, "--memory", "100", "-e", AGENTS)[0] == 0  # a query that needs little runs as ever
    assert query(built, "--memory", "0", "-e", "ASK { ?s ?p ?o }") == (0, "true\n", "")
    assert DEFAULT_QUERY_MEMORY == 4096


def test_a_query_after_a_build_of_n_triples_only_says_to_build_the_turtle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kg build --format nt` writes no graph.ttl, and its record says the exports are up to date: the query's own
    process found the graph missing, and the error it sent back could not be made again (a traceback)."""
    shutil.copytree(MINI, tmp_path / "sources")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--ontology", str(ONTOLOGY), "--format", "nt"]) == 0
    assert not Path("exports/graph.ttl").exists()
    status, stdout, stderr = kg_query("--ontology", str(ONTOLOGY), "-e", "ASK { ?s ?p ?o }")
    assert (status, stdout) == (2, "")
    assert stderr == "kg: exports/graph.ttl: not built yet: run `kg build` first, or pass --sources DIR\n"


def test_the_query_s_process_writes_no_core_file() -> None:
    """A query the engine stops on (its stack overflowed) aborts the process that holds the whole graph: where core
    files are written, it left one as large as that process in the folder `kg query` ran in."""
    import resource

    import kg.query.bounded as bounded

    assert bounded.answer_within(lambda: None, lambda _: resource.getrlimit(resource.RLIMIT_CORE), 30.0) == (0, 0)


def test_a_query_runs_unbounded_in_memory_where_the_system_does_not_say_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bound is set from `/proc/self/statm`, which only Linux has; elsewhere (macOS forks too) reading it failed
    every query: it then runs with its time bound only."""
    import kg.query.bounded as bounded

    def no_proc(process: str) -> int:
        raise FileNotFoundError(2, "No such file or directory", f"/proc/{process}/statm")

    monkeypatch.setattr(bounded, "_address_space", no_proc)
    assert bounded.answer_within(lambda: 20, lambda loaded: loaded + 1, 30.0, 100 * 1024 * 1024) == 21


# ---------------------------------------------------------------------------- the same runner from Python


def test_kg_ask_answers_from_python_what_kg_query_prints(mini_exports: Path) -> None:
    """`kg query` is a thin wrapper: `kg.ask` gives the same text, its format and the warnings."""
    answer = kg.ask(AGENTS, mini_exports, ONTOLOGY, fmt="csv")
    assert answer.text == query(mini_exports, "--format", "csv", "-e", AGENTS)[1]
    assert (answer.format, answer.warnings) == ("csv", [])
    described = kg.ask("DESCRIBE kg:russia", mini_exports, ONTOLOGY)
    assert described.format == "turtle" and "kg:russia" in described.text
    misspelt = kg.ask("SELECT ?p WHERE { ?p a kgo:Persn }", mini_exports, ONTOLOGY)
    assert misspelt.text == "p\n-\n(0 rows)\n"
    assert len(misspelt.warnings) == 1 and "kgo:Persn" in misspelt.warnings[0], misspelt.warnings


def test_kg_ask_raises_what_kg_query_reports(mini_exports: Path) -> None:
    with pytest.raises(EmptyQuery):
        kg.ask("# nothing but a comment\n", mini_exports, ONTOLOGY)
    with pytest.raises(QueryError) as wrong:
        kg.ask("SELECT ?x WHERE { ?x ex:p ?y }", mini_exports, ONTOLOGY)
    assert "ex:" in wrong.value.report("-e", "SELECT ?x WHERE { ?x ex:p ?y }")
    with pytest.raises(MissingExport):
        kg.ask("ASK {}", mini_exports / "nowhere", ONTOLOGY)
    with pytest.raises(QueryTimedOut):
        kg.ask("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", mini_exports, ONTOLOGY, timeout=0.5)


def test_a_name_kg_query_prints_with_two_dots_can_be_pasted_back(built: Path) -> None:
    """SPARQL allows dots inside a prefixed name's local part, but Oxigraph's parser stopped at the second one
    ("expected OPTIONAL"): the evidence steps and mention selectors `kg query` prints (`kge:x.1.step1`,
    `kgm:x.at11.position`) could not be queried as printed.  They are spelled out before the engine reads them,
    with the query's own prefixes as well as the predeclared ones; strings and comments are left alone."""
    status, out, err = kg_query(
        "--exports",
        str(built),
        "--ontology",
        str(ONTOLOGY),
        "-e",
        "SELECT ?step WHERE { ?step kgo:stepIndex 1 } ORDER BY ?step LIMIT 1",
    )
    step = out.splitlines()[2].strip()
    assert status == 0 and step.count(".") >= 2 and step.startswith("kge:"), (out, err)
    own = "PREFIX e: <https://w3id.org/syria-russia-kg/id/evidence/>\n"
    for query in (
        f"SELECT ?index WHERE {{ {step} kgo:stepIndex ?index }}",
        own + f"SELECT ?index WHERE {{ e:{step.removeprefix('kge:')} kgo:stepIndex ?index }}",
        f"SELECT ?index WHERE {{ {step.replace('.', chr(92) + '.', 1)} kgo:stepIndex ?index }}",  # an escaped dot
    ):
        assert kg_query("--exports", str(built), "--ontology", str(ONTOLOGY), "-e", query)[:2] == (
            0,
            "index\n-----\n1\n(1 row)\n",
        ), query
    kept = 'SELECT ("kge:a.b.c" AS ?text) WHERE {} # kge:d.e.f'
    assert kg_query("--exports", str(built), "--ontology", str(ONTOLOGY), "-e", kept)[1] == (
        "text\n---------\nkge:a.b.c\n(1 row)\n"
    )
    status, _, err = kg_query("--exports", str(built), "--ontology", str(ONTOLOGY), "-e", "ASK { zz:a.b.c ?p ?o }")
    assert status == 1 and err.startswith("-e:1:7: unknown prefix 'zz:' (predeclared: "), err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999",
            "1:61: the query limit should be a non negative integer",
        ),
        ("SELECT ?x ?x WHERE { ?s ?p ?x }", "1:32: duplicated variable name in SELECT"),
        ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", "SELECT * is not authorized with GROUP BY"),
    ],
)
def test_a_sentence_of_the_engine_is_said_as_written(mini_exports: Path, text: str, said: str) -> None:
    """The engine's own sentence among what it expected was cut into words: "expected one of The, query, limit…"."""
    status, _, err = query(mini_exports, "-e", text)
    assert status == 1 and said in err.splitlines()[0] and "expected one of" not in err, err
