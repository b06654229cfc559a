"""The ontology documents itself: every kgo term has a label and a comment, every property a domain and a
range, and every kgo class it refers to exists."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ontology import KGO, load_ontology

from .conftest import ONTOLOGY

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(ONTOLOGY / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def terms(store: ox.Store, *types: str) -> list[ox.NamedNode]:
    found = {
        quad.subject
        for kind in types
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(kind), None)
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(KGO)
    }
    return sorted(found, key=lambda term: term.value)


def objects(store: ox.Store, subject: ox.NamedNode, predicate: str) -> list[ox.Term]:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None)]


def test_every_class_and_property_has_an_english_label_and_comment(store: ox.Store) -> None:
    named = terms(store, OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty")
    assert len(named) > 100
    for term in named:
        for predicate in (RDFS + "label", RDFS + "comment"):
            values = objects(store, term, predicate)
            assert any(isinstance(v, ox.Literal) and v.language == "en" and v.value for v in values), (term, predicate)


def test_every_property_has_a_domain_and_a_range(store: ox.Store) -> None:
    for term in terms(store, OWL + "ObjectProperty", OWL + "DatatypeProperty"):
        if objects(store, term, OWL + "inverseOf"):
            continue  # described by its inverse
        assert objects(store, term, RDFS + "domain"), f"{term} has no rdfs:domain"
        assert objects(store, term, RDFS + "range"), f"{term} has no rdfs:range"


def test_every_kgo_class_referred_to_is_declared() -> None:
    ontology = load_ontology(ONTOLOGY)
    referred = {p for c in ontology.classes.values() for p in c.parents}
    for prop in ontology.properties.values():  # kgo classes by local name; others (prov:Entity, xsd:) by IRI
        referred |= {name for name in (*prop.domain, *prop.range) if not name.startswith("http")}
    assert referred - set(ontology.classes) == set()
    for name in ontology.usable("role") + ontology.usable("relation") + ontology.usable("qualifier"):
        assert ontology.properties[name].range, name


def test_every_text_of_the_graph_has_the_datatype_its_property_declares(store: ox.Store, built: Path) -> None:
    """A property whose range is `rdf:langString` holds English text (`"…"@en`), one whose range is `xsd:string`
    plain text: in RDF 1.1 the two are disjoint, so a note tagged `@en` under a range of `xsd:string` made the
    data inconsistent to an OWL reasoner (the graph's notes were so)."""
    ranges = {
        quad.subject.value: quad.object.value
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDFS + "range"), None, None)
        if quad.object.value in (RDF + "langString", XSD + "string")
    }
    wrong = {
        (triple.predicate.value, triple.object.datatype.value)
        for triple in ox.parse(path=str(built / "graph.ttl"), format=ox.RdfFormat.TURTLE)
        if isinstance(triple.object, ox.Literal)
        and ranges.get(triple.predicate.value, triple.object.datatype.value) != triple.object.datatype.value
    }
    assert wrong == set()
    assert {RDF + "langString", XSD + "string"} <= set(ranges.values())
