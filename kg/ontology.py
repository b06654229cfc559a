"""The vocabulary, read from `ontology/*.ttl`: the single source of truth for classes and relations.

Validation, RDF, the HTML legend and the JSON Schemas all take their names, labels, domains and
ranges from here, so adding a relation means editing the ontology only.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

KGO = "https://w3id.org/syria-russia-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

USAGES = {"EventRole": "role", "ClaimRelation": "relation", "Qualifier": "qualifier"}


@dataclass(frozen=True)
class OntologyClass:
    name: str
    label: str
    comment: str
    parents: tuple[str, ...]
    color: str | None = None
    shape: str | None = None

    @property
    def iri(self) -> str:
        return KGO + self.name


@dataclass(frozen=True)
class OntologyProperty:
    name: str
    label: str
    comment: str
    usages: frozenset[str]
    is_datatype: bool
    domain: str | None
    range: str | None  # a kgo class name for object properties, an xsd IRI for datatype properties
    acyclic: bool = False  # typed kgo:AcyclicRelation: its links may never lead back to their start

    @property
    def iri(self) -> str:
        return KGO + self.name


@dataclass
class Ontology:
    classes: dict[str, OntologyClass]
    properties: dict[str, OntologyProperty]
    files: tuple[Path, ...] = field(default=())

    @cached_property
    def _ancestors(self) -> dict[str, frozenset[str]]:
        result: dict[str, frozenset[str]] = {}

        def ancestors(name: str, trail: tuple[str, ...] = ()) -> frozenset[str]:
            if name in result:
                return result[name]
            found = {name}
            cls = self.classes.get(name)
            for parent in cls.parents if cls else ():
                if parent not in trail:
                    found |= ancestors(parent, (*trail, name))
            result[name] = frozenset(found)
            return result[name]

        for name in self.classes:
            ancestors(name)
        return result

    def ancestors(self, cls: str) -> tuple[str, ...]:
        """`cls` and its kgo superclasses, sorted."""
        return tuple(sorted(self._ancestors.get(cls, frozenset((cls,)))))

    def is_a(self, cls: str, ancestor: str) -> bool:
        """True when `cls` is `ancestor` or one of its subclasses."""
        return ancestor in self._ancestors.get(cls, frozenset((cls,)))

    @cached_property
    def event_classes(self) -> tuple[str, ...]:
        return tuple(sorted(c for c in self.classes if self.is_a(c, "Event")))

    @cached_property
    def entity_classes(self) -> tuple[str, ...]:
        """Classes an entity may have: every Thing that is not an Event."""
        return tuple(sorted(c for c in self.classes if self.is_a(c, "Thing") and not self.is_a(c, "Event")))

    def usable(self, usage: str) -> tuple[str, ...]:
        """Property names usable as `role`, `relation` or `qualifier` in YAML."""
        return tuple(sorted(p.name for p in self.properties.values() if usage in p.usages))

    def label(self, name: str) -> str:
        item = self.properties.get(name) or self.classes.get(name)
        return item.label if item else name


def _local(term: ox.NamedNode) -> str | None:
    return term.value[len(KGO) :] if term.value.startswith(KGO) else None


def ontology_files(directory: Path) -> list[Path]:
    """The ontology's Turtle files, sorted; FileNotFoundError (with a hint) when there are none."""
    files = sorted(directory.glob("*.ttl"))
    if not files:
        message = "no ontology (*.ttl) here: run kg in the project folder or pass --ontology DIR"
        raise FileNotFoundError(errno.ENOENT, message, str(directory))
    return files


def load_ontology(directory: Path) -> Ontology:
    """Read every `*.ttl` in `directory` and extract the kgo vocabulary."""
    files = tuple(ontology_files(directory))
    store = ox.Store()
    for file in files:
        store.load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())

    values: dict[str, dict[str, list[ox.Term]]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.subject, ox.NamedNode) and _local(quad.subject) is not None:
            values.setdefault(_local(quad.subject), {}).setdefault(quad.predicate.value, []).append(quad.object)

    def text(props: dict[str, list[ox.Term]], iri: str) -> str | None:
        terms = props.get(iri, [])
        english = [t.value for t in terms if isinstance(t, ox.Literal) and t.language in ("en", None)]
        return min(english) if english else None

    classes: dict[str, OntologyClass] = {}
    properties: dict[str, OntologyProperty] = {}
    for name, props in values.items():
        types = {t.value for t in props.get(RDF + "type", [])}
        label = text(props, RDFS + "label") or name
        comment = text(props, RDFS + "comment") or ""
        if OWL + "Class" in types:
            parents = tuple(
                sorted(
                    local
                    for t in props.get(RDFS + "subClassOf", [])
                    if isinstance(t, ox.NamedNode) and (local := _local(t)) is not None
                )
            )
            classes[name] = OntologyClass(
                name, label, comment, parents, text(props, KGO + "displayColor"), text(props, KGO + "displayShape")
            )
        elif types & {OWL + "ObjectProperty", OWL + "DatatypeProperty"}:
            usages = frozenset(usage for kind, usage in USAGES.items() if KGO + kind in types)
            domain = next((t for t in props.get(RDFS + "domain", []) if isinstance(t, ox.NamedNode)), None)
            range_ = next((t for t in props.get(RDFS + "range", []) if isinstance(t, ox.NamedNode)), None)
            properties[name] = OntologyProperty(
                name,
                label,
                comment,
                usages,
                OWL + "DatatypeProperty" in types,
                _local(domain) if domain is not None else None,
                (_local(range_) or range_.value) if range_ is not None else None,
                KGO + "AcyclicRelation" in types,
            )
    return Ontology(classes, properties, files)
