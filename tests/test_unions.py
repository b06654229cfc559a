"""Domains and ranges that are unions (`owl:unionOf`): the validator and the SHACL shapes accept any member
class and refuse every other class.  A relation with a union domain and a union range is added to a copy
of the ontology, as a curator would add one."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import kg

from .conftest import extended_ontology
from .test_build import shacl

UNION_RELATION = """
kgo:testLinks a owl:ObjectProperty, kgo:ClaimRelation ;
    rdfs:label "test links"@en ;
    rdfs:comment "A relation for the tests: from a country or a city to a military base or a person."@en ;
    rdfs:domain [ a owl:Class ; owl:unionOf ( kgo:Country kgo:City ) ] ;
    rdfs:range [ a owl:Class ; owl:unionOf ( kgo:MilitaryBase kgo:Person ) ] .
"""
KG = "https://w3id.org/syria-russia-kg/id/"


@pytest.fixture
def ontology(tmp_path: Path) -> Path:
    return extended_ontology(tmp_path / "ontology", UNION_RELATION)


def claims(*pairs: tuple[str, str]) -> str:
    return "".join(
        f"  - {{id: union-{n}, subject: {s}, predicate: testLinks, object: {o}, "
        "evidence: [{quote: Russia operates the Tartus naval base}]}\n"
        for n, (s, o) in enumerate(pairs)
    )


def test_the_validator_accepts_every_member_of_a_union(mini: Path, ontology: Path) -> None:
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8") + claims(("russia", "tartus-naval-base"), ("syria", "bashar-al-assad"))
    )
    assert kg.validate(mini, ontology) == []


def test_the_validator_refuses_a_class_outside_a_union(mini: Path, ontology: Path) -> None:
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + claims(("bashar-al-assad", "russia")))
    messages = [problem.message for problem in kg.validate(mini, ontology)]
    assert messages == [
        "'testLinks' needs a subject of class City or Country, but 'bashar-al-assad' is a Person",
        "'testLinks' needs a MilitaryBase or a Person, but 'russia' is a Country",
    ]


def test_the_shapes_accept_a_union_member_and_refuse_other_classes(mini: Path, ontology: Path, tmp_path: Path) -> None:
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + claims(("russia", "tartus-naval-base")))
    out = tmp_path / "exports"
    kg.build(mini, ontology, out)
    conforms, report = shacl(out / "graph.ttl", ontology)
    assert conforms, report

    triples = list(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    links = ox.NamedNode("https://w3id.org/syria-russia-kg/ontology#testLinks")
    triples.append(ox.Triple(ox.NamedNode(KG + "bashar-al-assad"), links, ox.NamedNode(KG + "russia")))
    broken = tmp_path / "broken.ttl"
    ox.serialize(triples, str(broken), ox.RdfFormat.TURTLE)
    conforms, report = shacl(broken, ontology)
    assert not conforms
    assert "testLinks applies to class one of a union of classes" in report
    assert "testLinks expects a value of class one of a union of classes" in report
    assert report.count("Constraint Violation") == 2, report
