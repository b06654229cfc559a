"""The vocabulary, read from `ontology/*.ttl`: the single source of truth for classes and relations.

Validation, RDF, the HTML legend and the JSON Schemas all take their names, labels, domains and
ranges from here, so adding a relation means editing the ontology only.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from kg.literals import Datatype, datatype
from kg.ontology_checks import OntologyError as OntologyError  # raised by load_ontology: imported from here
from kg.ontology_checks import (
    Term,
    TermChecks,
    TurtleFiles,
    english_text,
    kgo_local,
    lexical,
    modality_label,
    refuse,
)
from kg.problems import Problem, Where
from kg.vocab import COMMENT, DEFAULT_MODALITY, KGO, MODALITY_LABELS, OWL, RDF, RDFS, STANDARD_TERMS, K, missing_terms

USAGES = {K.EventRole: "role", K.ClaimRelation: "relation", K.Qualifier: "qualifier"}


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
    domain: tuple[str, ...]  # kgo class names (several for a union); empty: any subject
    range: tuple[str, ...]  # kgo class names for object properties, xsd IRIs for datatype properties
    acyclic: bool = False  # typed kgo:AcyclicRelation: its links may never lead back to their start
    disjoint_with: tuple[str, ...] = ()  # owl:propertyDisjointWith, as stated on this one: nothing has both of one

    @property
    def iri(self) -> str:
        return KGO + self.name

    @property
    def datatype(self) -> Datatype:
        """What a value of this datatype property is (its range: a whole number for xsd:integer), or text."""
        return datatype(self.range)


@dataclass(frozen=True)
class Modality:
    """How evidence presents a fact; `name` is its rdfs:label, the word used in YAML."""

    name: str
    iri: str
    rank: int
    direct_triple: bool
    color: str | None = None  # display hints for the page's edges
    dashes: tuple[int, ...] = ()  # empty: a solid line
    mark: str = ""  # put before an edge's label
    comment: str = ""  # what it means (`kg terms`)


@dataclass
class Ontology:
    classes: dict[str, OntologyClass]
    properties: dict[str, OntologyProperty]
    files: tuple[Path, ...] = field(default=())
    modalities: tuple[Modality, ...] = ()  # firmest first
    restricted_ranges: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(class, property IRI) → classes its values must have, from `owl:allValuesFrom` restrictions: how the
    ontology gives a range to a standard property (schema:author) without changing its global meaning."""

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

    def is_a(self, cls: str, ancestor: str | tuple[str, ...]) -> bool:
        """True when `cls` is `ancestor` (or one of a union of ancestors) or one of its subclasses."""
        ancestors = self._ancestors.get(cls, frozenset((cls,)))
        return ancestor in ancestors if isinstance(ancestor, str) else not ancestors.isdisjoint(ancestor)

    def range_of(self, owner: str, iri: str) -> tuple[str, ...]:
        """The classes a value of property `iri` must have on an `owner` (a class name)."""
        if iri.startswith(KGO) and iri[len(KGO) :] in self.properties:
            return self.properties[iri[len(KGO) :]].range
        for cls in self.ancestors(owner):
            if (cls, iri) in self.restricted_ranges:
                return self.restricted_ranges[(cls, iri)]
        return ()

    def modality(self, name: str) -> Modality | None:
        return self._modality_by_name.get(name)

    @cached_property
    def _modality_by_name(self) -> dict[str, Modality]:
        return {m.name: m for m in self.modalities}

    @cached_property
    def disjoint_properties(self) -> frozenset[frozenset[str]]:
        """The pairs of properties nothing holds both of towards one value (owl:propertyDisjointWith, either way
        round): who demands is not whom the demand is made of."""
        return frozenset(
            frozenset((prop.name, other)) for prop in self.properties.values() for other in prop.disjoint_with
        )

    def strongest(self, names: set[str] | frozenset[str]) -> Modality:
        """The firmest of the named modalities (a claim is as firm as its firmest evidence)."""
        if len(names) == 1:  # most records: asked once per record by every export
            (name,) = names
            return self._modality_by_name.get(name, self.modalities[0])
        return next((m for m in self.modalities if m.name in names), self.modalities[0])

    @cached_property
    def event_classes(self) -> tuple[str, ...]:
        return tuple(sorted(c for c in self.classes if self.is_a(c, K.Event)))

    @cached_property
    def entity_classes(self) -> tuple[str, ...]:
        """Classes an entity may have: every Thing that is not an Event."""
        return tuple(sorted(c for c in self.classes if self.is_a(c, K.Thing) and not self.is_a(c, K.Event)))

    def usable(self, usage: str) -> tuple[str, ...]:
        """Property names usable as `role`, `relation` or `qualifier` in YAML."""
        return tuple(sorted(p.name for p in self.properties.values() if usage in p.usages))

    def label(self, name: str) -> str:
        item = self.properties.get(name) or self.classes.get(name)
        return item.label if item else name


def ontology_files(directory: Path) -> list[Path]:
    """The ontology's Turtle files, sorted; FileNotFoundError (with a hint) when there are none, PermissionError
    when the folder cannot be listed.  A hidden file (a name starting with '.') is an editor's or a tool's, as in
    `sources/`: Emacs marks `kg.ttl` being edited with a link `.#kg.ttl` that leads to no file."""
    try:  # (a glob of a folder that cannot be listed finds nothing: "no ontology here" of one that is there)
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        names = []
    files = sorted(directory / name for name in names if name.endswith(".ttl") and not name.startswith("."))
    if not files:
        message = "no ontology (*.ttl) here: run kg in the project folder or pass --ontology DIR"
        raise FileNotFoundError(errno.ENOENT, message, str(directory))
    return files


def load_ontology(directory: Path) -> Ontology:
    """Read every `*.ttl` in `directory` and extract the kgo vocabulary; OntologyError (every problem at its
    file, line and column) when the files cannot be read, or their terms cannot be used as they are."""
    try:
        files = tuple(ontology_files(directory))
    except OSError as error:  # none there, or a folder that cannot be listed
        raise refuse([Problem(Where(directory), f"cannot read the ontology: {error.strerror}", 1, 1)]) from None
    turtle = TurtleFiles.read(files)
    store = ox.Store()
    store.extend(turtle.quads)
    reader = _Reader(store)
    if problems := TermChecks(reader.values, reader.class_terms, turtle).run() + _unmet_needs(reader, turtle):
        raise refuse(problems)
    ontology = Ontology(reader.classes(), reader.properties(), files, reader.modalities(), reader.restricted_ranges())
    if circle := _subclass_circle(ontology.classes):
        # Every class on it would be every other: entities were reported of an unknown class, or not fitting
        message = f"rdfs:subClassOf goes round in a circle: {' → '.join('kgo:' + c for c in circle)}"
        raise refuse([turtle.problem(message, KGO + circle[0], RDFS + "subClassOf", ox.NamedNode(KGO + circle[1]))])
    return ontology


def _unmet_needs(reader: _Reader, turtle: TurtleFiles) -> list[Problem]:
    """What the code needs of the ontology and it lacks: the terms the code spells, and a modality."""
    problems = []
    if missing := missing_terms(set(reader.values)):
        message = f"{', '.join('kgo:' + m for m in missing)} not declared, but the code uses them"
        problems.append(Problem(Where(turtle.main_file()), message, 1, 1))
    typed = {lexical(q.subject) for q in reader.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, None)}
    if undeclared := sorted(STANDARD_TERMS - typed):
        message = f"{', '.join(undeclared)} not declared (ontology/imports.ttl), but the code writes them"
        problems.append(Problem(Where(turtle.main_file()), message, 1, 1))
    labels = {modality_label(n, p) for n, p in reader.values.items() if KGO + K.Modality in reader.types(p)}
    if missing_labels := sorted(MODALITY_LABELS - labels):
        message = (
            f"no kgo:Modality labelled {', '.join(repr(label) for label in missing_labels)}, but the code uses them "
            f"(evidence that names no modality is '{DEFAULT_MODALITY}'; kg lint reads quotes against them)"
        )
        problems.append(Problem(Where(turtle.main_file()), message, 1, 1))
    return problems


def _subclass_circle(classes: dict[str, OntologyClass]) -> list[str]:
    """The first circle of subclasses (its classes, the first one again at the end), or []."""
    done: set[str] = set()
    for start in sorted(classes):
        trail: list[str] = []
        on_trail: set[str] = set()
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            name, step = stack.pop()
            if step == 0:
                if name in on_trail:
                    return [*trail[trail.index(name) :], name]
                if name in done:
                    continue
                trail.append(name)
                on_trail.add(name)
            parents = [p for p in (classes[name].parents if name in classes else ()) if p in classes and p != name]
            if step < len(parents):
                stack.append((name, step + 1))
                stack.append((parents[step], 0))
            else:
                done.add(name)
                on_trail.discard(trail.pop())
    return []


class _Reader:
    """The kgo terms of an ontology store, by local name, with helpers to read classes, unions and lists."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.values: dict[str, dict[str, list[Term]]] = {}
        for quad in store.quads_for_pattern(None, None, None, None):
            if isinstance(quad.subject, ox.NamedNode) and (local := kgo_local(quad.subject)) is not None:
                self.values.setdefault(local, {}).setdefault(quad.predicate.value, []).append(quad.object)

    def text(self, props: dict[str, list[Term]], iri: str) -> str | None:
        return english_text(props.get(iri, []))

    def types(self, props: dict[str, list[Term]]) -> set[str]:
        return {t.value for t in props.get(RDF + "type", []) if isinstance(t, ox.NamedNode)}

    def objects(self, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[Term]:
        return [q.object for q in self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None)]

    def members(self, node: Term) -> list[Term]:
        """The items of an RDF list, each of its nodes read once (a list whose `rdf:rest` leads back into it
        held the build forever)."""
        items: list[Term] = []
        seen: set[Term] = set()
        while isinstance(node, ox.NamedNode | ox.BlankNode) and node.value != RDF + "nil" and node not in seen:
            seen.add(node)
            items += self.objects(node, RDF + "first")
            rest = self.objects(node, RDF + "rest")
            node = rest[0] if rest else ox.NamedNode(RDF + "nil")
        return items

    def class_terms(self, term: Term, within: frozenset[Term] = frozenset()) -> list[ox.NamedNode]:
        """The named classes a class stands for: itself, or the members of its `owl:unionOf` (`within`: the
        unions it is a member of, which it cannot stand for again: `_:u owl:unionOf (_:u)` recursed without end)."""
        if isinstance(term, ox.NamedNode):
            return [term]
        if isinstance(term, ox.BlankNode) and term not in within:
            for union in self.objects(term, OWL + "unionOf"):
                inside = within | {term}
                return [named for member in self.members(union) for named in self.class_terms(member, inside)]
        return []

    def class_names(self, term: Term) -> tuple[str, ...]:
        """A class, or the members of an `owl:unionOf`, as kgo local names (or full IRIs for others)."""
        names = [kgo_local(named) or named.value for named in self.class_terms(term)]
        return tuple(names) if isinstance(term, ox.NamedNode) else tuple(sorted(names))

    def classes(self) -> dict[str, OntologyClass]:
        classes = {}
        for name, props in self.values.items():
            if OWL + "Class" not in self.types(props):
                continue
            parents = tuple(
                sorted(
                    local
                    for t in props.get(RDFS + "subClassOf", [])
                    if isinstance(t, ox.NamedNode) and (local := kgo_local(t)) is not None
                )
            )
            classes[name] = OntologyClass(
                name,
                self.text(props, RDFS + "label") or name,
                self.text(props, COMMENT) or "",
                parents,
                self.text(props, KGO + K.displayColor),
                self.text(props, KGO + K.displayShape),
            )
        return classes

    def properties(self) -> dict[str, OntologyProperty]:
        properties = {}
        for name, props in self.values.items():
            types = self.types(props)
            if not types & {OWL + "ObjectProperty", OWL + "DatatypeProperty"}:
                continue
            properties[name] = OntologyProperty(
                name,
                self.text(props, RDFS + "label") or name,
                self.text(props, COMMENT) or "",
                frozenset(usage for kind, usage in USAGES.items() if KGO + kind in types),
                OWL + "DatatypeProperty" in types,
                tuple(n for t in props.get(RDFS + "domain", []) for n in self.class_names(t)),  # one (TermChecks)
                tuple(n for t in props.get(RDFS + "range", []) for n in self.class_names(t)),
                KGO + K.AcyclicRelation in types,
                tuple(
                    local
                    for t in props.get(OWL + "propertyDisjointWith", [])
                    if isinstance(t, ox.NamedNode) and (local := kgo_local(t)) is not None
                ),
            )
        return properties

    def modalities(self) -> tuple[Modality, ...]:
        found = []
        for name, props in self.values.items():
            if KGO + K.Modality in self.types(props):
                rank, direct = props[KGO + K.modalityRank], props[KGO + K.directTriple]  # each there (TermChecks)
                label = modality_label(name, props)
                dashes = tuple(int(n) for n in (self.text(props, KGO + K.displayDashes) or "").split() if n.isdigit())
                found.append(
                    Modality(
                        label,
                        KGO + name,
                        int(lexical(rank[0])),
                        lexical(direct[0]) == "true",
                        self.text(props, KGO + K.displayColor),
                        dashes,
                        self.text(props, KGO + K.displayMark) or "",
                        self.text(props, COMMENT) or "",
                    )
                )
        return tuple(sorted(found, key=lambda m: (m.rank, m.name)))

    def restricted_ranges(self) -> dict[tuple[str, str], tuple[str, ...]]:
        ranges = {}
        for name, props in self.values.items():
            for parent in props.get(RDFS + "subClassOf", []):
                if not isinstance(parent, ox.BlankNode):
                    continue
                on = self.objects(parent, OWL + "onProperty")
                values = self.objects(parent, OWL + "allValuesFrom")
                if on and values:
                    ranges[(name, lexical(on[0]))] = self.class_names(values[0])
        return ranges
