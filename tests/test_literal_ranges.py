"""The range of a relation or qualifier to a value is checked and written: `rdfs:range xsd:integer` takes a whole
number (quoted, or a YAML number) and writes it as one, so a numeric FILTER finds it.  Before, any text was
taken and written as a string, and `value: 5` was refused as "expected text"."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.query.sparql import run
from kg.query.store import open_store

from .conftest import extended_ontology

HEADCOUNT = """
kgo:headcount a owl:DatatypeProperty, kgo:ClaimRelation, kgo:Qualifier ;
    rdfs:label "headcount"@en ; rdfs:comment "How many people, as a number."@en ;
    rdfs:domain [ a owl:Class ; owl:unionOf ( kgo:Person kgo:Claim ) ] ; rdfs:range xsd:integer .
"""


@pytest.fixture
def ontology(tmp_path: Path) -> Path:
    return extended_ontology(tmp_path / "ontology", HEADCOUNT)


def claim(sources: Path, value: str) -> Path:
    facts = sources / "facts" / "mini.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + f"  - {{id: test-headcount, subject: bashar-al-assad, predicate: headcount, value: {value},"
        " evidence: [{quote: Russia operates the Tartus naval base}]}\n",
        encoding="utf-8",
    )
    return facts


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Russian President", "'headcount' takes a whole number (xsd:integer): got 'Russian President'"),
        ('"5.5"', "'headcount' takes a whole number (xsd:integer): got '5.5'"),
        ("true", "'headcount' takes a whole number (xsd:integer): got the boolean true"),
    ],
)
def test_a_value_that_does_not_fit_the_range_is_refused(mini: Path, ontology: Path, value: str, message: str) -> None:
    claim(mini, value)
    assert [p.message for p in kg.validate(mini, ontology)] == [message]


@pytest.mark.parametrize("value", ['"5"', "5"])
def test_a_fitting_value_is_written_with_the_datatype(mini: Path, ontology: Path, tmp_path: Path, value: str) -> None:
    claim(mini, value)
    kg.build(mini, ontology, tmp_path / "exports")
    assert 'kg:bashar-al-assad kgo:headcount "5"^^xsd:integer .' in (tmp_path / "exports" / "graph.ttl").read_text()
    store, prefixes = open_store(tmp_path / "exports", ontology)
    rows = run(store, "SELECT ?who WHERE { ?who kgo:headcount ?n FILTER (?n > 3) }", prefixes)
    assert [row["who"].value for row in rows] == ["https://w3id.org/syria-russia-kg/id/bashar-al-assad"]


def test_a_qualifier_value_is_checked_against_its_range(mini: Path, ontology: Path) -> None:
    facts = mini / "facts" / "mini.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text.replace(
            "    object: tartus-naval-base\n", "    object: tartus-naval-base\n    qualifiers: {headcount: many}\n", 1
        ),
        encoding="utf-8",
    )
    assert [p.message for p in kg.validate(mini, ontology)] == [
        "'headcount' takes a whole number (xsd:integer): got 'many'"
    ]


def test_a_range_the_builder_cannot_check_is_an_error_at_the_ontology_line(mini: Path, tmp_path: Path) -> None:
    folder = extended_ontology(tmp_path / "ontology", HEADCOUNT.replace("xsd:integer", "xsd:float"))
    (problem,) = kg.validate(mini, folder)
    assert (problem.file, problem.line) == (str(folder / "kg.ttl"), len((folder / "kg.ttl").read_text().splitlines()))
    assert problem.message.startswith("kgo:headcount has the range xsd:float, which no value is checked against: use ")
