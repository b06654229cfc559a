"""`kg build`: deterministic, atomic, parseable by independent RDF parsers, conformant to the SHACL shapes."""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

import kg
import kg.exports.write as build_module
from kg.checks.checked import load_project
from kg.cli import main
from kg.exports import staging
from kg.exports.network import to_network
from kg.exports.view import stats
from kg.vocab import KGO

from .conftest import ALL_FORMATS, ONTOLOGY, SOURCES, run_kg
from .tools.bench_build import write_corpus

RDF_EXPORTS = ("graph.ttl", "graph.nt", "graph.jsonld")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def oxigraph_triples(path: Path, rdf_format: ox.RdfFormat) -> set[ox.Triple]:
    return set(ox.parse(path=str(path), format=rdf_format))


def rdflib_triples(path: Path, rdf_format: str) -> set[ox.Triple]:
    """Parse with rdflib, then hand its triples to Oxigraph as N-Triples, so both sides compare as terms."""
    graph = rdflib.Graph().parse(str(path), format=rdf_format)
    return set(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture
def mini_built(mini: Path, tmp_path: Path) -> Path:
    out = tmp_path / "exports"
    assert main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out)]) == 0
    return out


# ---------------------------------------------------------------------------- determinism


def test_a_second_build_is_byte_identical(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    kg.build(SOURCES, ONTOLOGY, again, formats=ALL_FORMATS)
    first, second = snapshot(built), snapshot(again)
    assert set(RDF_EXPORTS) <= set(first)
    assert first == second


def test_builds_in_separate_processes_with_different_hash_seeds_are_identical(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg", "build", "--out", str(out)],
            cwd=SOURCES.parent,
            env=env,
            check=True,
            capture_output=True,
        )
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------------------- formats


def test_a_default_build_writes_turtle_the_page_and_the_ontology_documentation(mini: Path, tmp_path: Path) -> None:
    written = kg.build(mini, ONTOLOGY, tmp_path / "out")
    assert sorted(p.name for p in written) == ["graph.html", "graph.ttl", "ontology.html"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["graph.html", "graph.ttl", "ontology.html"]


def test_format_chooses_the_exports_and_removes_stale_ones(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out), "--format", "all"]) == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "graph.html",
        "graph.jsonld",
        "graph.nt",
        "graph.ttl",
        "ontology.html",
    ]
    nt = (out / "graph.nt").read_bytes()
    assert (
        main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out), "--format", "nt"]) == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["graph.nt"]  # the others no longer match the sources: gone
    assert (out / "graph.nt").read_bytes() == nt
    assert (
        main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out), "--format", "html"]) == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "ontology.html"]  # the legend links there


@pytest.mark.parametrize(("printed", "after", "before"), [("2025-01-28", "2025-01-28", "2025-01-28"),
                                                           ("2025-01", "2025-01-01", "2025-01-31")])  # fmt: skip
def test_the_date_an_article_prints_is_its_publication_date(
    mini: Path, tmp_path: Path, printed: str, after: str, before: str
) -> None:
    """An article that prints its date gives it as `published: 2025-01-28` (a wire report's "Updated … March 11,
    2025"); only bounds were taken, with a note of why they hold, which such an article does not need."""
    article = mini / "articles" / "mini-article.yaml"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace(
            "published:\n  after: 2025-01-28\n  note: Reports the Jan. 28 talks.\n", f"published: {printed}\n"
        ),
        encoding="utf-8",
    )
    kg.build(mini, ONTOLOGY, tmp_path / "out")
    graph = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl")
    node = rdflib.URIRef("https://w3id.org/syria-russia-kg/id/article/mini-article")
    assert {p.split("#")[-1]: str(o) for p, o in graph.predicate_objects(node) if "ublish" in p or "DateNote" in p} == {
        "publishedAfter": after,
        "publishedBefore": before,
    }


def test_a_full_disk_is_said_of_the_exports_not_of_standard_output(tmp_path: Path) -> None:
    """A write the build made that failed for room (a full disk, a file-size limit: no file name in the error)
    was said to be standard output's: `kg: standard output: No space left on device`, output piped or not."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "graph.ttl").write_text("# an earlier build's\n", encoding="utf-8")
    limit = 256 * 1024  # below graph.ttl's size (750 kB)
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "kg build: cannot write exports/: File too large; the exports are as they were\n"
    assert [p.name for p in (tmp_path / "exports").iterdir()] == ["graph.ttl"]
    assert (tmp_path / "exports" / "graph.ttl").read_text(encoding="utf-8") == "# an earlier build's\n"


def test_a_build_started_without_standard_output_builds(tmp_path: Path) -> None:
    """`kg build >&-` (a service manager may start it so) ended in a traceback, "'NoneType' object has no attribute
    'flush'", and built nothing; so did `kg query` and `kg validate`.  They run, their output going nowhere; a query
    read from a standard input that is closed says so."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")

    def kg_without(stream: int, *argv: str) -> subprocess.CompletedProcess[str]:
        closed = subprocess.PIPE if stream != 1 else None
        return subprocess.run(
            [sys.executable, "-m", "kg", *argv],
            cwd=tmp_path,
            stdout=closed,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            preexec_fn=lambda: os.close(stream),
        )

    done = kg_without(1, "build")
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["graph.html", "graph.ttl", "ontology.html"]
    assert kg_without(1, "validate").returncode == 0
    done = kg_without(1, "query", "-e", "ASK {}")
    assert (done.returncode, done.stderr) == (0, "")
    done = kg_without(0, "query", "-")
    assert done.returncode == 2
    assert done.stderr == "kg query: <stdin>:1:1: standard input is closed: give the query in a file, or with -e\n"


def test_exports_that_cannot_be_written_are_named_not_the_staging_folder(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "kg: …/.out.staging-10032-31cr_ki7/graph.ttl: Is a directory", a folder the user never made."""
    out = tmp_path / "out"
    (out / "graph.ttl").mkdir(parents=True)
    assert main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error == f"kg build: cannot write {out}/graph.ttl: Is a directory; the exports are as they were\n"
    assert [p.name for p in out.iterdir()] == ["graph.ttl"] and not any((out / "graph.ttl").iterdir())
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]
    (out / "graph.ttl").rmdir()
    assert main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (out / "ontology.html").unlink()
    (out / "ontology.html").mkdir()  # the last to move: the others were replaced before it failed
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("name: Russia}", "name: Rossiya}"), encoding="utf-8")
    assert main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"kg build: cannot write {out}/ontology.html: Is a directory;")
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == {name: data for name, data in before.items() if name != "ontology.html"}


def test_stale_exports_go_though_the_cache_is_gone(mini: Path, tmp_path: Path) -> None:
    """Without the last build's manifest (in the cache), nothing counted as the build's own: exports of a format
    no longer asked for stayed, built from older sources."""
    out = tmp_path / "out"
    argv = ["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out)]
    assert main([*argv, "--format", "all"]) == 0
    shutil.rmtree(mini.parent / ".kg-cache")
    assert main([*argv, "--format", "ttl"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]


def test_files_of_the_users_own_in_the_out_folder_are_left_alone(mini: Path, tmp_path: Path) -> None:
    """A `graph.nt`, `graph.jsonld` or `graph-<16 hex digits>/` no build wrote was removed as a stale export."""
    out = tmp_path / "mine"
    (out / "graph-1234567890abcdef").mkdir(parents=True)
    (out / "graph-1234567890abcdef" / "notes.txt").write_text("mine\n")
    (out / "graph.nt").write_text("mine\n")
    (out / "graph.jsonld").write_text("mine\n")
    for _ in range(2):  # the second, with no cache, as well
        assert (
            main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out), "--no-cache"]) == 0
        )
        assert (out / "graph.nt").read_text() == (out / "graph.jsonld").read_text() == "mine\n"
        assert (out / "graph-1234567890abcdef" / "notes.txt").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("asked", "error"),
    [
        ("ttl,rdfxml", "unknown format 'rdfxml': choose from ttl, nt, jsonld, html, ontology, all"),
        (" , ", "no format given: choose from ttl, nt, jsonld, html, ontology, all"),
    ],
)
def test_an_unknown_format_is_a_usage_error(
    mini: Path, capsys: pytest.CaptureFixture[str], asked: str, error: str
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--format", asked])
    assert usage.value.code == 2
    assert error in capsys.readouterr().err


def test_a_negative_max_errors_is_a_usage_error(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-1 was taken, and printed no error at all."""
    with pytest.raises(SystemExit) as usage:
        main(["validate", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--max-errors", "-1"])
    assert usage.value.code == 2
    assert "argument --max-errors: '-1' is not a number of errors (0: all)" in capsys.readouterr().err


def test_all_among_other_formats_means_every_format_each_written_once(mini: Path, tmp_path: Path) -> None:
    """`--format all,ttl` was refused as "unknown format all"."""
    out = tmp_path / "out"
    options = ["--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out)]
    assert main(["build", *options, "--format", "ttl, all,ttl"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [
        "graph.html",
        "graph.jsonld",
        "graph.nt",
        "graph.ttl",
        "ontology.html",
    ]


# ---------------------------------------------------------------------------- atomicity


def test_a_failed_build_leaves_the_exports_byte_identical(
    mini: Path, mini_built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(mini_built)
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text().replace("recipient: russia", "recipient: rusia"))
    code = main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(mini_built)])
    assert code == 1
    assert "unknown entity 'rusia'" in capsys.readouterr().err
    assert snapshot(mini_built) == before


def test_an_empty_sources_folder_fails_and_leaves_the_exports(
    mini_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--sources empty/` replaced the exports with a graph of nothing, exit 0."""
    before = snapshot(mini_built)
    (tmp_path / "empty").mkdir()
    code = main(["build", "--sources", str(tmp_path / "empty"), "--ontology", str(ONTOLOGY), "--out", str(mini_built)])
    assert code == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'empty'}:1:1: no source file here")
    assert snapshot(mini_built) == before


@pytest.mark.parametrize(
    ("out", "error"),
    [
        ("sources", "--out lies in the sources folder"),
        ("sources/facts/exports", "--out lies in the sources folder"),
        ("ontology", "--out lies in the ontology folder"),
        ("sources/entities.yaml", "--out names a file: the exports go to a folder"),
    ],
)
def test_exports_are_not_written_into_the_sources_or_the_ontology(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str, error: str
) -> None:
    """They were (exit 0): read back as sources the next time, and never up to date in an ontology folder."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code = main(["build", "--sources", str(tmp_path / "sources"), "--ontology", str(tmp_path / "ontology"),
                 "--out", str(tmp_path / out)])  # fmt: skip
    assert code == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / out}:1:1: {error}")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("out", ["notes.txt/sub", "notes.txt/sub/deeper"])
def test_exports_below_a_file_are_refused_as_such(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str
) -> None:
    """It was the system's words, "kg: …/notes.txt: File exists" (or "Not a directory"), and no hint."""
    (tmp_path / "notes.txt").write_text("notes\n")
    code = main(["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(tmp_path / out)])
    assert code == 1
    expected = f"{tmp_path / out}:1:1: --out lies below a file ({tmp_path / 'notes.txt'}): the exports go to a folder"
    assert capsys.readouterr().err.startswith(expected)
    assert (tmp_path / "notes.txt").read_text() == "notes\n"


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--out", ""],
        ["build", "--sources", ""],
        ["build", "--ontology", ""],
        ["watch", "--out", ""],
        ["validate", "--sources", ""],
        ["lint", "--ontology", ""],
        ["query", "--exports", "", "-e", "ASK {}"],
        ["query", "--sources", "", "-e", "ASK {}"],
        ["query", ""],
        ["new", "article", ""],
    ],
)
def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path: Path, args: list[str]) -> None:
    """`kg build --out "$OUT"`, OUT unset, wrote graph.ttl, graph.html and ontology.html where it ran."""
    option = next((arg for arg in args if arg.startswith("--") and args[args.index(arg) + 1] == ""), None)
    run = run_kg(*args, cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    named = f"argument {option}" if option else "argument " + {"query": "file", "new": "TEXT_FILE"}[args[0]]
    assert run.stderr.splitlines()[-1].endswith(
        f"error: {named}: an empty path: name a folder or a file (. for the current folder)"
    )
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("args", [["serve", "--host", ""], ["watch", "--serve", "--host", " "]])
def test_an_empty_host_is_refused_not_read_as_every_address(tmp_path: Path, args: list[str]) -> None:
    """`kg serve --host "$HOST"`, HOST unset, listened on 0.0.0.0: the graph served to the whole network."""
    run = run_kg(*args, cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1].endswith(
        "error: argument --host: an empty address would listen on every address of this machine: name one "
        "(127.0.0.1: this machine only; 0.0.0.0: every address, if that is what you want)"
    )
    assert not list(tmp_path.iterdir())


def test_a_build_that_fails_while_writing_leaves_the_exports_and_no_temporary_files(
    mini: Path, mini_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(mini_built)
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text().replace("name: Bashar al-Assad", "name: Bashar al-Assad (changed)"))
    real_writers = build_module.export_writers

    def disk_full(folder: Path) -> list[str]:
        (folder / "zz-last.ttl").write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        build_module, "export_writers", lambda *args, **kwargs: [*real_writers(*args, **kwargs), disk_full]
    )
    with pytest.raises(OSError):
        build_module.build(mini, ONTOLOGY, mini_built)
    assert snapshot(mini_built) == before


# ---------------------------------------------------------------------------- round trip


def test_rdflib_and_oxigraph_read_the_same_graph_from_every_format(built: Path) -> None:
    reference = oxigraph_triples(built / "graph.ttl", ox.RdfFormat.TURTLE)
    assert len(reference) > 1000
    assert rdflib_triples(built / "graph.ttl", "turtle") == reference
    assert oxigraph_triples(built / "graph.nt", ox.RdfFormat.N_TRIPLES) == reference
    assert rdflib_triples(built / "graph.nt", "nt") == reference
    assert oxigraph_triples(built / "graph.jsonld", ox.RdfFormat.JSON_LD) == reference
    assert rdflib_triples(built / "graph.jsonld", "json-ld") == reference


def test_hostile_text_survives_turtle_intact(mini: Path, tmp_path: Path) -> None:
    hostile = 'Q"uote\\ back """triple""" <script>alert(1)</script> ʼ’“ end'
    note = f"{hostile}\tafter a tab\nand a line break"  # a name is one line, with no tab; a note may hold both
    facts = mini / "facts" / "mini.yaml"
    written = f"name: {json.dumps(hostile)}, note: {json.dumps(note)}"
    facts.write_text(facts.read_text().replace("name: Test Outlet", written))
    out = tmp_path / "out"
    kg.build(mini, ONTOLOGY, out)
    graph = rdflib.Graph().parse(str(out / "graph.ttl"), format="turtle")
    for predicate, expected in ((str(rdflib.RDFS.label), hostile), (f"{KGO}note", note)):
        found = {str(o) for s, o in graph.subject_objects(rdflib.URIRef(predicate)) if str(s).endswith("/test-outlet")}
        assert found == {expected}


def test_the_base_iri_is_configurable(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build(mini, ONTOLOGY, out, base="http://example.org/kg/", formats=("nt",))
    subjects = {t.subject.value for t in ox.parse(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)}
    assert "http://example.org/kg/russia" in subjects
    assert not any(s.startswith("https://w3id.org/syria-russia-kg/id/") for s in subjects)


@pytest.mark.parametrize(
    ("base", "reason"),
    [
        ("http://example.org/a b/", "is not a valid IRI (Invalid IRI code point ' ')"),
        ("", "is not an absolute IRI (https://…)"),
        ("example.org/kg/", "is not an absolute IRI (https://…)"),
        ("http://example.org/kg", "must end with '/' or '#': the ids are appended to it"),
        # a vocabulary's namespace: an entity `label` was rdfs:label, `operates` the kgo relation
        (
            "http://www.w3.org/2000/01/rdf-schema#",
            "is the namespace of rdfs: the ids would be its terms (an entity 'label' would be rdfs:label): "
            "choose a base of your own",
        ),
        (
            "https://w3id.org/syria-russia-kg/ontology#",
            "is the namespace of kgo: the ids would be its terms (an entity 'label' would be kgo:label): "
            "choose a base of your own",
        ),
        (
            "https://schema.org/kg/",
            "lies inside the namespace of schema (https://schema.org/): choose a base of your own",
        ),
    ],
)
def test_a_base_that_cannot_start_iris_is_refused_before_anything_is_written(
    mini: Path, tmp_path: Path, base: str, reason: str
) -> None:
    """It was a traceback from the Turtle writer (a space), or IRIs run together (no final '/')."""
    out = tmp_path / "out"
    run = run_kg("build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out), "--base", base)
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1] == f"kg build: error: argument --base: '{base}' {reason}"
    assert not out.exists()
    with pytest.raises(ValueError, match=re.escape(reason)):
        kg.build(mini, ONTOLOGY, out, base=base)


def test_a_graph_base_inside_a_vocabulary_is_refused(tmp_path: Path) -> None:
    """--graph-base is checked as --base is: the graphs' IRIs were `owl:article/…`."""
    run = run_kg("push", "--endpoint", "http://127.0.0.1:9/store", "--graph-base", "http://www.w3.org/2002/07/owl#")
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1].startswith(
        "kg push: error: argument --graph-base: 'http://www.w3.org/2002/07/owl#' is the namespace of owl: "
    )


# ---------------------------------------------------------------------------- SHACL


def shacl(data: Path, ontology: Path = ONTOLOGY) -> tuple[bool, str]:
    """SHACL validation of `data` together with the ontology, as the shapes file says to run it."""
    graph = rdflib.Graph().parse(str(data), format="turtle")
    graph.parse(str(ontology / "kg.ttl"), format="turtle")
    shapes = rdflib.Graph().parse(str(ontology / "shapes.ttl"), format="turtle")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return bool(conforms), text


def test_the_real_graph_conforms_to_the_shacl_shapes(built: Path) -> None:
    conforms, report = shacl(built / "graph.ttl")
    assert conforms, report


def test_the_shapes_catch_a_claim_without_evidence_and_a_range_violation(built: Path, tmp_path: Path) -> None:
    triples = list(ox.parse(path=str(built / "graph.nt"), format=ox.RdfFormat.N_TRIPLES))
    has_evidence = "https://w3id.org/syria-russia-kg/ontology#hasEvidence"
    claim_class = ox.NamedNode("https://w3id.org/syria-russia-kg/ontology#Claim")
    claim = next(t.subject for t in triples if t.object == claim_class)
    subject = next(t.object for t in triples if t.subject == claim and t.predicate.value.endswith("#subject"))
    article = next(t.subject for t in triples if t.object.value.endswith("ontology#Article"))
    broken = [t for t in triples if not (t.subject == claim and t.predicate.value == has_evidence)]
    operates = ox.NamedNode("https://w3id.org/syria-russia-kg/ontology#operates")
    broken.append(ox.Triple(subject, operates, article))  # an article is no Facility
    path = tmp_path / "broken.ttl"
    ox.serialize(broken, str(path), ox.RdfFormat.TURTLE)
    conforms, report = shacl(path)
    assert not conforms
    assert "every claim and event needs at least one piece of evidence" in report
    assert "expects a value of class" in report


# ---------------------------------------------------------------------------- python API and networkx


def test_the_network_mirrors_the_model(project) -> None:  # type: ignore[no-untyped-def]
    graph = kg.network(SOURCES, ONTOLOGY)
    model = project.model
    assert graph.number_of_nodes() == len(model.entities) + len(model.events)
    relations = sum(1 for c in model.claims.values() if c.object is not None)
    roles = sum(
        len(values)
        for e in model.events.values()
        for name, values in e.roles
        if not project.ontology.properties[name].is_datatype
    )
    assert graph.number_of_edges() == relations + roles
    for _, data in graph.nodes(data=True):
        assert data["cls"] in project.ontology.classes and data["label"]
    for _, _, data in graph.edges(data=True):
        assert data["relation"] in project.ontology.properties and data["sources"]


def test_network_edges_carry_relation_date_and_sources(mini: Path) -> None:
    project = load_project(mini, ONTOLOGY)
    graph = to_network(project.model, project.ontology)
    demand = graph.get_edge_data("extradition-demand", "russia")
    (edge,) = demand.values()
    assert edge == {
        "relation": "recipient",
        "label": "recipient",
        "date": "2025-01-28",
        "sources": ["mini-article"],
        "modality": "reported",
        "conflicts": [],
        "event": "extradition-demand",
    }
    assert graph.nodes["bashar-al-assad"]["aliases"] == ["Assad"]


def test_stats_counts_classes_and_relations(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = load_project(mini, ONTOLOGY)
    counts = stats(project.model, project.ontology)
    assert counts["classes"]["Country"] == 2
    assert counts["relations"] == {"about": 1, "agent": 1, "operates": 1, "recipient": 1}
    assert counts["totals"]["evidence"] == 2
    assert main(["stats", "--sources", str(mini), "--ontology", str(ONTOLOGY)]) == 0
    out = capsys.readouterr().out
    assert "Country" in out and "operates" in out


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_claims_default_id_is_the_same_whether_its_value_is_composed_or_not(mini: Path, form: str) -> None:
    """An editor that decomposes accents ("café" as "cafe" and a combining accent) changed a default claim id, and
    with it the claim's IRI."""
    facts = mini / "facts" / "mini.yaml"
    claim = (
        "  - subject: russia\n    predicate: characterizedAs\n    value: "
        + unicodedata.normalize(form, "café boss")
        + "\n    evidence:\n      - quote: Russia operates the Tartus naval base\n"
    )
    facts.write_text(facts.read_text(encoding="utf-8").replace("claims:\n", "claims:\n" + claim), encoding="utf-8")
    assert "russia.characterizedAs.café-boss" in kg.load(mini, ONTOLOGY).claims


def test_load_raises_with_every_problem(mini: Path) -> None:
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text().replace("agent: syria", "agent: syra").replace("about: bashar", "about: bashr"))
    with pytest.raises(kg.ValidationFailed) as failure:
        kg.load(mini, ONTOLOGY)
    assert len(failure.value.problems) == 2
    # its message gives them (a failed test, a caller of the library, saw "2 error(s)" and had to look again)
    assert str(failure.value).split("\n") == ["2 errors in the sources:", *map(str, failure.value.problems)]
    assert "unknown entity 'syra'" in str(failure.value)


def test_a_failed_build_into_new_folders_leaves_no_folder_behind(mini: Path, tmp_path: Path) -> None:
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text().replace("agent: syria", "agent: syra"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = elsewhere / "new" / "exports"
    with pytest.raises(kg.ValidationFailed):
        kg.build(mini, ONTOLOGY, out)
    assert list(elsewhere.iterdir()) == []  # neither new/ nor a staging folder
    facts.write_text(facts.read_text().replace("agent: syra", "agent: syria"))
    assert (out / "graph.ttl") in kg.build(mini, ONTOLOGY, out)


def test_python_m_kg_works_like_kg(mini: Path) -> None:
    result = run_kg("validate", "--sources", str(mini), "--ontology", str(ONTOLOGY))
    assert result.returncode == 0
    assert result.stdout.startswith("ok: 1 articles, 7 entities, 1 events, 1 claims")


def test_editor_schemas_in_the_ontology_folder_are_up_to_date() -> None:
    from kg.ontology import load_ontology
    from kg.sources.schema import render_editor_schemas

    for name, text in render_editor_schemas(load_ontology(ONTOLOGY)).items():
        assert (ONTOLOGY / name).read_text(encoding="utf-8") == text, f"run `kg schema` to refresh {name}"


def plain(triple: tuple[rdflib.term.Node, ...]) -> tuple[rdflib.term.Node, ...]:
    """RDF 1.1: a literal without datatype is an xsd:string (Oxigraph says so explicitly, rdflib does not)."""
    return tuple(
        rdflib.Literal(str(t)) if isinstance(t, rdflib.Literal) and t.datatype == rdflib.XSD.string else t
        for t in triple
    )


@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")  # oxrdflib 0.5
def test_rdf_graph_is_an_rdflib_graph_in_oxigraph_holding_what_graph_ttl_holds(built: Path) -> None:
    graph = kg.rdf_graph(SOURCES, ONTOLOGY)
    assert type(graph.store).__module__.startswith("oxrdflib")
    exported = rdflib.Graph().parse(built / "graph.nt", format="nt")
    assert len(graph) == len(exported) > 9_000
    assert {plain(t) for t in graph} == {plain(t) for t in exported}
    rows = graph.query(
        "SELECT ?name WHERE { kg:russia rdfs:label ?name }",
        initNs={"kg": "https://w3id.org/syria-russia-kg/id/", "rdfs": str(rdflib.RDFS)},
    )
    assert [str(row[0]) for row in rows] == ["Russia"]
    graph.parse(ONTOLOGY / "kg.ttl", format="ox-turtle")  # the shapes read domains and ranges from it
    conforms, _, report = pyshacl.validate(graph, shacl_graph=str(ONTOLOGY / "shapes.ttl"), advanced=True)
    assert conforms, report  # the Python RDF ecosystem takes it as it is


def test_the_command_hands_over_all_it_printed_and_its_own_status(built: Path, mini: Path, tmp_path: Path) -> None:
    """`kg` leaves without the interpreter's own exit (`kg.cli.console`): what it printed into a pipe arrives
    whole, more than a pipe holds too; a reader that stops early ends it quietly; a failure keeps its
    status."""
    out = tmp_path / "out"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as by default
    arguments = ["build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(out), "--timings"]
    command = [sys.executable, "-m", "kg", *arguments]
    made = subprocess.run(command, capture_output=True, text=True, check=False, env=buffered)
    assert made.returncode == 0, made.stderr
    assert sorted(line.split()[1] for line in made.stdout.splitlines() if line.startswith("wrote ")) == sorted(
        str(out / name) for name in ("graph.ttl", "graph.html", "ontology.html")
    )
    assert "ontology doc" in made.stdout + made.stderr  # the stages' times, printed last
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    listed = run_kg("query", "--exports", str(built), "--format", "tsv", "-e", query)
    counted = run_kg("query", "--exports", str(built), "--format", "tsv", "-e", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert listed.returncode == counted.returncode == 0, listed.stderr + counted.stderr
    assert len(listed.stdout.encode()) > 1_000_000
    assert len(listed.stdout.splitlines()) == 1 + int(counted.stdout.splitlines()[1].split("^^")[0].strip('"'))
    shell = f"{shlex.quote(sys.executable)} -m kg query --exports {shlex.quote(str(built))} -e {shlex.quote(query)}"
    piped = subprocess.run(
        ["bash", "-c", f"{shell} | head -n 1; exit ${{PIPESTATUS[0]}}"],
        capture_output=True,
        text=True,
        check=False,
        env=buffered,
    )
    assert piped.returncode == 0 and len(piped.stdout.splitlines()) == 1 and not piped.stderr
    failed = run_kg("validate", "--sources", str(tmp_path / "nothing here"), "--ontology", str(ONTOLOGY))
    assert failed.returncode != 0 and "not found" in failed.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["timeline"],
        ["conflicts", "--format", "markdown"],
        ["terms"],
        ["query", "-e", "SELECT ?name WHERE { ?x rdfs:label ?name } ORDER BY ?name"],
        ["--help"],
        ["build", "--help"],
    ],
    ids=lambda command: "-".join(word for word in command[:3] if not word.startswith("SELECT")),
)
def test_a_terminal_that_cannot_show_a_character_gets_it_escaped_not_a_traceback(
    built: Path, command: list[str]
) -> None:
    """With an ASCII or Latin-1 terminal (`PYTHONIOENCODING`, a non-UTF-8 locale), `…` or `ʼ` in a name
    ended the command with a UnicodeEncodeError: it is written as Python writes such a character on stderr."""
    where = ["--sources", str(SOURCES), "--ontology", str(ONTOLOGY)]
    if command[0] == "query":
        where = ["--exports", str(built), "--ontology", str(ONTOLOGY)]
    if command[-1] == "--help":  # argparse prints it while it reads the arguments
        where = []
    argv = [sys.executable, "-m", "kg", *command, *where]
    utf8 = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
    ascii_ = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"}, timeout=120)
    assert (utf8.returncode, ascii_.returncode, ascii_.stderr) == (0, 0, b"")
    assert not utf8.stdout.isascii()  # the command prints characters ASCII lacks
    assert ascii_.stdout == utf8.stdout.decode("utf-8").encode("ascii", "backslashreplace")


@pytest.mark.parametrize("output_format", ["csv", "tsv", "json", "turtle", "ntriples", "table", "timeline csv"])
def test_a_data_format_is_utf_8_whatever_the_terminals_encoding(built: Path, output_format: str) -> None:
    """SPARQL's result formats and RDF's are UTF-8 by their specifications, and so is the timeline's CSV: a
    file written from an ASCII terminal is the same bytes (it was a UnicodeEncodeError).  A CONSTRUCT asked
    for as a table (the default format) is Turtle too."""
    query = (
        "CONSTRUCT { ?x rdfs:label ?name } WHERE { ?x rdfs:label ?name }"
        if output_format in ("turtle", "ntriples", "table")
        else "SELECT ?name WHERE { ?x rdfs:label ?name } ORDER BY ?name"
    )
    argv = [sys.executable, "-m", "kg", "query", "--exports", str(built), "--ontology", str(ONTOLOGY)]
    argv += ["--format", output_format, "-e", query]
    if output_format == "timeline csv":
        argv = [sys.executable, "-m", "kg", "timeline", "--format", "csv", "--sources", str(SOURCES)]
        argv += ["--ontology", str(ONTOLOGY)]
    utf8 = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
    ascii_ = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"}, timeout=120)
    assert (utf8.returncode, ascii_.returncode, ascii_.stderr) == (0, 0, b"")
    assert not utf8.stdout.isascii() and ascii_.stdout == utf8.stdout


@pytest.mark.parametrize("facts", [500, 1500])
def test_the_benchmarks_synthetic_corpus_of_any_size_is_valid_and_holds_that_many_facts(
    tmp_path: Path, facts: int
) -> None:
    """Below 1,000 facts it had an article of 1,000 sentences, half of them cited (the benchmark of the page
    at 100 nodes stopped on 500 uncited sentences); at 1,500 it dropped 500 facts."""
    write_corpus(tmp_path / "sources", facts)
    assert len(kg.load(tmp_path / "sources", ONTOLOGY).claims) == facts


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_the_turtles_write_out_hint_never_fails_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    """`write_out_soon` only saves time: a file gone, no libc function, no thread to be had, another system: the
    build goes on, nothing raised or printed from its thread."""
    raised: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda failed: raised.append(failed.exc_value))
    monkeypatch.setattr(sys, "platform", platform)
    written = tmp_path / "graph.ttl"
    written.write_text("@prefix kgo: <https://w3id.org/syria-russia-kg/ontology#> .\n", encoding="utf-8")
    before = threading.active_count()
    staging.write_out_soon(written)
    staging.write_out_soon(tmp_path / "gone.ttl")
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.daemon:
            thread.join(timeout=10)
    assert not raised
    assert threading.active_count() <= before

    def no_thread(*args: object, **kwargs: object) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    staging.write_out_soon(written)  # no exception
