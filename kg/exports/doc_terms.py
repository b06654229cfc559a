"""Which terms the ontology's page documents, and which of them get their example from the YAML or from the
graph: what the ontology alone says, apart from finding the examples (`kg.exports.doc_examples`), so that the
process that renders the page before the corpus is loaded needs only the ontology (`kg.exports.doc_ahead`)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.ontology import Ontology
from kg.vocab import KGO, OWL, RDF

USAGE_WORDS = {"role": "as an event role", "relation": "as a claim relation", "qualifier": "as a claim qualifier"}
"""The ways YAML may use a property, as an example names them."""
DOCUMENTED_TYPES = frozenset(
    OWL + kind for kind in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")
)
"""The kgo terms the page documents: its classes and properties (not the individuals, nor the SHACL shapes)."""


def documented_terms(ontology: Ontology) -> set[str]:
    """The local names of the kgo terms the page documents (DOCUMENTED_TYPES)."""
    return {
        quad.subject.value[len(KGO) :]
        for file in ontology.files
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE)
        if quad.predicate.value == RDF + "type"
        and quad.object.value in DOCUMENTED_TYPES
        and isinstance(quad.subject, ox.NamedNode)
        and quad.subject.value.startswith(KGO)
    }


def graph_terms(ontology: Ontology) -> set[str]:
    """The documented terms whose example comes from the graph, or else from the ontology: neither a class a
    record may be typed with nor a property YAML may use (those have examples from the YAML)."""
    return documented_terms(ontology) - yaml_terms(ontology)


def example_terms(ontology: Ontology) -> set[str]:
    """The terms `kg.exports.doc_examples.examples` gives an example for, whatever the corpus: those of the YAML
    and those of the graph."""
    return yaml_terms(ontology) | graph_terms(ontology)


def yaml_terms(ontology: Ontology) -> set[str]:
    """The classes a record may be typed with and the properties YAML may use (`yaml_examples`)."""
    properties = {prop.name for prop in ontology.properties.values() if any(u in prop.usages for u in USAGE_WORDS)}
    return {*ontology.entity_classes, *ontology.event_classes, *properties}
