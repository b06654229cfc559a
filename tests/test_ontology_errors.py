"""A mistake in the ontology is reported where it is: `ontology/kg.ttl:LINE:COL: …`, once, by every command.

Each case extends or edits a copy of the ontology as a curator would.  Before, a term named `Depot.` was
written into graph.ttl as `a kgo:Depot.` (which nothing can read), a second rdfs:domain was dropped in
silence, a renamed class gave dozens of errors in the sources and none in the ontology, and `kg schema`,
`kg new …` and `kg terms` printed a traceback or `ontology:1:1`."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.checks.checked import load_project
from kg.cli import main
from kg.exports.rdf import DEFAULT_BASE
from kg.exports.turtle import graph_text
from kg.limits import MAX_ONTOLOGY_BYTES, MIB, megabytes
from kg.model import Entity
from kg.ontology import OntologyClass

from .conftest import ONTOLOGY, extended_ontology, run_kg

KGO = "https://w3id.org/syria-russia-kg/ontology#"


def copy(tmp_path: Path, add: str = "", old: str = "", new: str = "") -> Path:
    """A copy of the ontology with `add` appended to kg.ttl and its first `old` replaced by `new`."""
    folder = extended_ontology(tmp_path / "ontology", add and "\n" + add + "\n")
    if old:
        text = (folder / "kg.ttl").read_text(encoding="utf-8")
        assert old in text, old
        (folder / "kg.ttl").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def at(folder: Path, text: str) -> str:
    """`kg.ttl:LINE:COL` of the first `text` in kg.ttl."""
    turtle = folder / "kg.ttl"
    for number, line in enumerate(turtle.read_text(encoding="utf-8").splitlines(), start=1):
        if (column := line.find(text)) >= 0:
            return f"{turtle}:{number}:{column + 1}"
    raise AssertionError(f"{text!r} not in kg.ttl")


def added(folder: Path, turtle: str, text: str) -> str:
    """`kg.ttl:LINE:COL` of `text` in `turtle`, added at the end of kg.ttl by `copy`."""
    lines = len((folder / "kg.ttl").read_text(encoding="utf-8").splitlines())
    index = turtle.index(text)
    line = lines - turtle.count("\n") + turtle.count("\n", 0, index)
    return f"{folder / 'kg.ttl'}:{line}:{index - turtle.rfind(chr(10), 0, index)}"


def reported(sources: Path, folder: Path) -> list[str]:
    return [str(problem) for problem in kg.validate(sources, folder)]


# ---------------------------------------------------------------------------------------------- term names


@pytest.mark.parametrize(
    "declaration",
    [
        "<https://w3id.org/syria-russia-kg/ontology#Depot.> a owl:Class ; rdfs:subClassOf kgo:Facility .",
        "<https://w3id.org/syria-russia-kg/ontology#runs/at> a owl:ObjectProperty, kgo:ClaimRelation ;\n"
        "    rdfs:domain kgo:Agent ; rdfs:range kgo:Facility .",
    ],
)
def test_a_term_whose_name_yaml_and_turtle_cannot_write_is_refused(
    mini: Path, tmp_path: Path, declaration: str
) -> None:
    folder = copy(tmp_path, declaration)
    name = declaration.split("#", 1)[1].split(">", 1)[0]
    assert reported(mini, folder) == [
        f"{added(folder, declaration, '<https://w3id.org')}: '{name}' cannot name a kgo term: a term's name is a "
        "letter, then letters, digits or '_' (YAML writes it as a type or a predicate, Turtle and SPARQL after kgo:)"
    ]


def test_the_turtle_writer_writes_a_name_it_cannot_prefix_as_a_full_iri(mini: Path) -> None:
    """Defence in depth, for an Ontology made in Python (its load would refuse these names)."""
    project = load_project(mini, ONTOLOGY)
    ontology, model = project.ontology, project.model
    ontology.classes["Depot."] = OntologyClass("Depot.", "depot", "", ("Facility",))
    operates = ontology.properties["operates"]
    ontology.properties["runs/at"] = dataclasses.replace(operates, name="runs/at")
    model.entities["test-depot"] = Entity("test-depot", "Depot.", "Test depot")
    claim = next(c for c in model.claims.values() if c.predicate == "operates")
    model.claims[claim.id] = dataclasses.replace(claim, predicate="runs/at")
    triples = list(ox.parse("".join(graph_text(model, ontology, DEFAULT_BASE)), ox.RdfFormat.TURTLE))
    terms = {t.object.value for t in triples} | {t.predicate.value for t in triples}
    assert {KGO + "Depot.", KGO + "runs/at"} <= terms


# ---------------------------------------------------------------------------------------------- every command

BROKEN = {
    "a missing dot": ("kgo:Depot a owl:Class", "ontology syntax error: Unexpected end"),
    "a circle": (
        "kgo:Agent rdfs:subClassOf kgo:Person .",
        "rdfs:subClassOf goes round in a circle: kgo:Agent → kgo:Person → kgo:Agent",
    ),
    "a rank in words": (
        'kgo:Rumoured a kgo:Modality ; rdfs:label "rumoured"@en ; kgo:modalityRank "four" ; kgo:directTriple false .',
        "kgo:modalityRank of kgo:Rumoured is 'four': give a whole number (1 is the firmest)",
    ),
}


def commands(sources: Path, folder: Path, tmp_path: Path) -> list[list[str]]:
    text = tmp_path / "new-article.txt"
    text.write_text("A headline\n\nRussia operates the Tartus naval base, an article says.\n", encoding="utf-8")
    given = ["--ontology", str(folder)]
    read = [*given, "--sources", str(sources)]
    return [
        ["validate", *read],
        ["build", *read, "--out", str(tmp_path / "exports")],
        ["schema", *given],
        ["terms", *given],
        ["new", "entity", "test-depot", "--type", "Facility", "--name", "Test depot", *read],
        ["new", "article", str(text), "--id", "new-article", *read],
    ]


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_every_command_reports_a_bad_ontology_as_kg_validate_does(
    mini: Path, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    turtle, message = BROKEN[case]
    folder = copy(tmp_path, turtle)
    reports = set()
    for argv in commands(mini, folder, tmp_path):
        assert main(argv) == 1, argv
        reports.add(capsys.readouterr().err)
    (report,) = reports  # the same, from every command
    assert report.startswith(f"{folder / 'kg.ttl'}:"), report
    assert report.endswith(f": {message}\n1 error\n"), report
    assert not (tmp_path / "exports").exists()
    assert not (mini / "articles" / "new-article.yaml").exists()


# ---------------------------------------------------------------------------------------------- located


def test_a_rank_that_is_no_number_is_reported_at_the_rank(mini: Path, tmp_path: Path) -> None:
    turtle, message = BROKEN["a rank in words"]
    folder = copy(tmp_path, turtle)
    assert reported(mini, folder) == [f"{added(folder, turtle, 'four')}: {message}"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (  # the page drew the class in the default colour, without a word
            'kgo:displayShape "star"',
            'kgo:displayShape "starr"',
            "kgo:displayShape of kgo:Country is 'starr': give one of box, circle, database, diamond, dot, ellipse, "
            "hexagon, image, square, star, text, triangle, triangleDown",
        ),
        (
            'kgo:displayColor "#8a9099"',
            'kgo:displayColor "grey"',
            "kgo:displayColor of kgo:Asserted is 'grey': give a colour as #rrggbb (or #rgb)",
        ),
        (
            'kgo:displayDashes "2 5"',
            'kgo:displayDashes "2, 5"',
            "kgo:displayDashes of kgo:Hedged is '2, 5': give lengths in pixels, as '5 8'",
        ),
        (  # it titled every claim of the relation in graph.ttl and on the page, raw
            'rdfs:label "operates"@en',
            'rdfs:label "oper\\nates\\u202e"@en',
            "the rdfs:label 'oper\\u000aates\\u202e' of kgo:operates: it holds a character that is no visible text (a "
            "label is one line of visible text)",
        ),
        (
            'kgo:displayMark "✗"',
            'kgo:displayMark " "',
            "the kgo:displayMark ' ' of kgo:Denied: it is blank (a label is one line of visible text)",
        ),
    ],
)
def test_a_display_value_or_label_the_page_cannot_use_is_reported(
    mini: Path, tmp_path: Path, old: str, new: str, message: str
) -> None:
    folder = copy(tmp_path, old=old, new=new)
    [problem] = reported(mini, folder)
    assert problem.endswith(f": {message}") and problem.startswith(f"{folder / 'kg.ttl'}:"), problem


def test_a_modality_lacking_what_it_needs_is_reported_at_its_statement(mini: Path, tmp_path: Path) -> None:
    folder = copy(tmp_path, 'kgo:Rumoured a kgo:Modality ; rdfs:label "rumoured"@en ; kgo:directTriple false .')
    assert reported(mini, folder) == [
        f"{at(folder, 'kgo:Rumoured')}: modality kgo:Rumoured needs a kgo:modalityRank and a kgo:directTriple"
    ]


def test_a_modality_the_code_relies_on_renamed_is_reported(mini: Path, tmp_path: Path) -> None:
    """Evidence that names no modality is asserted, and `kg lint` reads quotes against asserted, reported and
    hedged: an ontology renaming one (to "stated") left the default naming a modality that did not exist."""
    folder = copy(tmp_path, old='rdfs:label "asserted"@en', new='rdfs:label "stated"@en')
    assert reported(mini, folder) == [
        f"{folder / 'kg.ttl'}:1:1: no kgo:Modality labelled 'asserted', but the code uses them (evidence that names"
        " no modality is 'asserted'; kg lint reads quotes against them)"
    ]


def test_a_ttl_that_is_a_folder_is_named(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    (folder / "more.ttl").mkdir()
    expected = f"{folder / 'more.ttl'}:1:1: cannot read the ontology: Is a directory"
    assert reported(mini, folder) == [expected]
    assert main(["terms", "--ontology", str(folder)]) == 1
    assert capsys.readouterr().err == f"{expected}\n1 error\n"


def test_a_ttl_that_is_no_regular_file_is_refused_not_read(mini: Path, tmp_path: Path) -> None:
    """A FIFO held every command forever, and a link to a device was read to its end (`/dev/zero`: until the
    memory ran out, then a traceback)."""
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    os.mkfifo(folder / "pipe.ttl")
    (folder / "device.ttl").symlink_to("/dev/null")
    run = run_kg("validate", "--sources", str(mini), "--ontology", str(folder), timeout=120)
    assert run.returncode == 1, run.stderr
    assert run.stderr == (
        f"{folder / 'device.ttl'}:1:1: the file is not a regular file (a FIFO, a device): refused, not read\n"
        f"{folder / 'pipe.ttl'}:1:1: the file is not a regular file (a FIFO, a device): refused, not read\n2 errors\n"
    )


def test_a_ttl_larger_than_allowed_is_refused_before_it_is_read(mini: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    with open(folder / "large.ttl", "wb") as stream:
        stream.truncate(MAX_ONTOLOGY_BYTES + MIB)  # sparse: no disk space
    assert reported(mini, folder) == [
        f"{folder / 'large.ttl'}:1:1: the file is {megabytes(MAX_ONTOLOGY_BYTES + MIB)}, more than the "
        f"{megabytes(MAX_ONTOLOGY_BYTES)} allowed for an ontology file: split it"
    ]


def test_an_editors_hidden_file_is_passed_over(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Emacs marks a file being edited with a link `.#kg.ttl` that leads to no file: every command failed while
    kg.ttl had unsaved changes (`kg query` too, with 'kg: ontology/.#kg.ttl: No such file or directory')."""
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    (folder / ".#kg.ttl").symlink_to("curator@host.1234:1700000000")
    (folder / ".kg.ttl").write_text("not turtle", encoding="utf-8")
    assert reported(mini, folder) == []
    out = tmp_path / "exports"
    assert main(["build", "--sources", str(mini), "--ontology", str(folder), "--out", str(out)]) == 0
    (mini / "facts" / "mini.yaml").touch()  # newer than the build: `kg query` looks at every ontology file's time
    assert main(["query", "--exports", str(out), "--ontology", str(folder), "-e", "ASK { ?s ?p ?o }"]) == 0
    assert "true" in capsys.readouterr().out


def test_a_byte_order_mark_that_starts_a_ttl_is_named(mini: Path, tmp_path: Path) -> None:
    """Turtle has no byte order mark: it was 'ontology syntax error: \ufeff is not a valid subject' with the mark
    printed, which no one sees."""
    folder = copy(tmp_path)
    (folder / "kg.ttl").write_bytes(b"\xef\xbb\xbf" + (folder / "kg.ttl").read_bytes())
    assert reported(mini, folder) == [
        f"{folder / 'kg.ttl'}:1:1: the file starts with a byte order mark (U+FEFF), which Turtle does not allow: "
        "save it as UTF-8 without one"
    ]


def test_a_ttl_that_is_not_utf8_is_placed_at_the_character_and_told_what_to_do(mini: Path, tmp_path: Path) -> None:
    """The column counted bytes (33 for the 22nd character of a line with accented letters before the byte)."""
    folder = copy(tmp_path, old='rdfs:label "military base"@en', new='rdfs:label "éééééXmilitary base"@en')
    line, column = at(folder, "éééééX").rsplit(":", 2)[1:]
    data = (folder / "kg.ttl").read_bytes()
    (folder / "kg.ttl").write_bytes(data.replace("éééééX".encode(), "ééééé".encode() + b"\xe9"))
    assert reported(mini, folder) == [
        f"{folder / 'kg.ttl'}:{line}:{int(column) + 5}: the file is not UTF-8 text: byte 0xe9 is not part of a "
        "UTF-8 character: save it as UTF-8"
    ]


def test_kg_terms_locates_a_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(tmp_path, "kgo:Depot a owl:Class")
    assert main(["terms", "--ontology", str(folder)]) == 1
    lines = len((folder / "kg.ttl").read_text(encoding="utf-8").splitlines())
    assert (
        capsys.readouterr().err
        == f"{folder / 'kg.ttl'}:{lines + 1}:1: ontology syntax error: Unexpected end\n1 error\n"
    )


# ---------------------------------------------------------------------------------------------- undeclared


def test_a_class_referred_to_but_declared_nowhere_is_one_error_at_its_first_use(mini: Path, tmp_path: Path) -> None:
    folder = copy(tmp_path, old="kgo:Facility a owl:Class", new="kgo:Facilityy a owl:Class")
    (problem,) = reported(mini, folder)
    assert problem.startswith(f"{at(folder, 'kgo:Facility ;')}: kgo:Facility is used as a class here but declared")
    assert problem.endswith(" more statements) — did you mean 'Facilityy'?"), problem


@pytest.mark.parametrize(
    ("turtle", "at_text", "message"),
    [
        (
            "kgo:supplies a kgo:ClaimRelation ; rdfs:domain kgo:Agent ; rdfs:range kgo:Thing .",
            "kgo:ClaimRelation",
            "kgo:supplies is a kgo:ClaimRelation but not an owl:ObjectProperty or owl:DatatypeProperty",
        ),
        (
            "kgo:Depot a rdfs:Class ; rdfs:subClassOf kgo:Facility .",
            "rdfs:Class",
            "kgo:Depot is an rdfs:Class: the builder reads the classes typed owl:Class (kgo:Depot a owl:Class)",
        ),
        (
            'kgo:Rumoured a kgo:Modality ; rdfs:label "hedged"@en ; kgo:modalityRank 5 ; kgo:directTriple false .',
            "hedged",
            "modality kgo:Rumoured has the label 'hedged' of kgo:Hedged: give each its own",
        ),
        (
            'kgo:supplies a owl:ObjectProperty, kgo:ClaimRelation ; rdfs:label "operates"@en ; '
            "rdfs:domain kgo:Agent ; rdfs:range kgo:Thing .",
            "operates",
            "relation kgo:supplies has the label 'operates' of kgo:operates: give each its own",
        ),
    ],
    ids=[
        "a relation typed kgo:ClaimRelation only",
        "an rdfs:Class",
        "two modalities with one label",
        "two relations with one label (the page's filter showed one box for both)",
    ],
)
def test_a_term_declared_amiss_is_told_at_its_line(
    mini: Path, tmp_path: Path, turtle: str, at_text: str, message: str
) -> None:
    folder = copy(tmp_path, turtle)
    assert reported(mini, folder) == [f"{added(folder, turtle, at_text)}: {message}"]


# ---------------------------------------------------------------------------------------------- one value


@pytest.mark.parametrize("predicate", ["rdfs:domain", "rdfs:range"])
def test_a_second_domain_or_range_is_refused_not_dropped(mini: Path, tmp_path: Path, predicate: str) -> None:
    turtle = f"kgo:supplies a owl:ObjectProperty, kgo:ClaimRelation ; {predicate} kgo:Agent, kgo:Place ."
    folder = copy(tmp_path, turtle)
    assert reported(mini, folder) == [
        f"{added(folder, turtle, 'kgo:Place')}: kgo:supplies has 2 {predicate} values: give one: a class, or an "
        "owl:unionOf of classes"
    ]


@pytest.mark.parametrize(
    "union",
    [
        "_:loop owl:unionOf _:list . _:list rdf:rest _:list .",
        "_:loop owl:unionOf ( _:loop ) .",
        "_:loop owl:unionOf () .",
    ],
    ids=["a list that loops", "a union of itself", "an empty union"],
)
def test_a_union_that_names_no_class_is_refused_not_a_hang(mini: Path, tmp_path: Path, union: str) -> None:
    """A list whose rdf:rest led back into it held `kg validate` forever; a union of itself was a RecursionError."""
    turtle = (
        f"kgo:touches a owl:ObjectProperty, kgo:ClaimRelation ; rdfs:domain _:loop ; rdfs:range kgo:Place .\n{union}"
    )
    folder = copy(tmp_path, turtle)
    assert reported(mini, folder) == [
        f"{added(folder, turtle, 'kgo:touches')}: kgo:touches's rdfs:domain names no class: write an owl:unionOf "
        "( … ) of named classes, or one class"
    ]


# ---------------------------------------------------------------------------------------------- clashes


@pytest.mark.parametrize(
    ("turtle", "message"),
    [
        (
            "kgo:Person a owl:ObjectProperty, kgo:ClaimRelation .",
            "kgo:Person is declared both a class and a property: YAML names both by name, so each needs its own",
        ),
        (
            "kgo:operates a owl:DatatypeProperty .",
            "kgo:operates is both an owl:ObjectProperty and an owl:DatatypeProperty: a relation points at nodes or "
            "holds a value, not both",
        ),
    ],
)
def test_a_term_of_two_kinds_is_refused(mini: Path, tmp_path: Path, turtle: str, message: str) -> None:
    folder = copy(tmp_path, turtle)
    kind = turtle.split(" a ", 1)[1].split(",")[0].rstrip(" .")
    assert reported(mini, folder) == [f"{added(folder, turtle, kind)}: {message}"]
