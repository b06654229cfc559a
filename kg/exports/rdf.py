"""Model → RDF: direct triples for simple questions, a statement node per claim for provenance.

Triples are plain pyoxigraph terms, grouped by subject, de-duplicated and emitted in a fixed order,
so the serialisations are byte-identical from one build to the next.  IRIs are minted from ids under
one configurable base; evidence and attribution steps get IRIs too (no blank nodes), which keeps
graphs from different parsers directly comparable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import vocab as v
from kg.dates import Date
from kg.exports.view import View
from kg.model import Claim, Event, Evidence, Model
from kg.ontology import Ontology, Term
from kg.vocab import KGO, OA, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, K

if TYPE_CHECKING:
    import rdflib

DEFAULT_BASE = "https://w3id.org/syria-russia-kg/id/"

_QUOTE_CONTEXT = 32  # characters of oa:prefix / oa:suffix around a quote


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes used in the Turtle export and predeclared for SPARQL queries."""
    return {
        "kg": base,
        "kga": base + "article/",
        "kgc": base + "claim/",
        "kge": base + "evidence/",
        "kgo": KGO,
        "rdf": RDF,
        "rdfs": RDFS,
        "xsd": XSD,
        "owl": OWL,
        "skos": SKOS,
        "prov": PROV,
        "oa": OA,
        "schema": SCHEMA,
        "sem": v.SEM,
        "dcterms": v.DCTERMS,
    }


@lru_cache(maxsize=1 << 16)
def _nn(iri: str) -> ox.NamedNode:
    """IRIs recur (classes, predicates, shared entities): parsing each once saves a fifth of the triple stage."""
    return ox.NamedNode(iri)


_TYPE = _nn(v.TYPE)
_LABEL = _nn(v.LABEL)
_PRECISION = {"day": K.DayPrecision, "month": K.MonthPrecision, "year": K.YearPrecision}
_DATATYPE = {"day": _nn(v.DAY), "month": _nn(v.MONTH), "year": _nn(v.YEAR)}
_INFERRED = {K.date: K.inferredDatePart, K.startDate: K.inferredStartPart, K.endDate: K.inferredEndPart}


def kgo(name: str) -> ox.NamedNode:
    return _nn(KGO + name)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _xsd_date(value: object) -> ox.Literal:
    return ox.Literal(str(value), datatype=_DATATYPE["day"])


class _Triples:
    """Triples grouped by subject, in the order they were added, de-duplicated as they are read out.

    Each subject keeps a list of (predicate, object) pairs (a list costs a third less memory than a dict:
    at 100,000 facts the triples are most of the build's peak); repeats are dropped when reading.
    """

    def __init__(self) -> None:
        self.by_subject: dict[ox.NamedNode, list[tuple[ox.NamedNode, Term]]] = {}

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Term) -> None:
        self.by_subject.setdefault(subject, []).append((predicate, obj))

    def __iter__(self) -> Iterator[ox.Triple]:
        """Subjects sorted by IRI; within one, its types first, then the rest, each pair once."""
        triple = ox.Triple
        for subject in sorted(self.by_subject, key=lambda s: s.value):
            typed: list[tuple[ox.NamedNode, Term]] = []
            rest: list[tuple[ox.NamedNode, Term]] = []
            for pair in dict.fromkeys(self.by_subject[subject]):
                (typed if pair[0] == _TYPE else rest).append(pair)
            for predicate, obj in typed:
                yield triple(subject, predicate, obj)
            for predicate, obj in rest:
                yield triple(subject, predicate, obj)


class RdfBuilder:
    def __init__(self, model: Model, ontology: Ontology, base: str = DEFAULT_BASE, view: View | None = None):
        self.model = model
        self.ontology = ontology
        self.view = view or View(model, ontology)
        self.base = base
        self.out = _Triples()

    # ------------------------------------------------------------------ IRIs

    def node(self, node_id: str) -> ox.NamedNode:
        return _nn(self.base + node_id)

    def article(self, article_id: str) -> ox.NamedNode:
        return _nn(f"{self.base}article/{article_id}")

    def claim(self, claim_id: str) -> ox.NamedNode:
        return _nn(f"{self.base}claim/{claim_id}")

    def evidence(self, owner_id: str, index: int, part: str = "") -> ox.NamedNode:
        return _nn(f"{self.base}evidence/{owner_id}.{index}{part}")

    # ------------------------------------------------------------------ building

    def build(self) -> _Triples:
        for article in self.model.articles.values():
            self.add_article(article.id)
        for entity in self.model.entities.values():
            subject = self.node(entity.id)
            self.add_types(subject, entity.type)
            self.add_names(subject, entity.name, entity.aliases)
            if entity.note:
                self.out.add(subject, kgo(K.note), _en(entity.note))
        for event in self.model.events.values():
            self.add_event(event)
        for claim in self.model.claims.values():
            self.add_claim(claim)
        return self.out

    def add_types(self, subject: ox.NamedNode, cls: str) -> None:
        """The class and its kgo ancestors, so `?x a kgo:Agent` works without a reasoner."""
        self.out.add(subject, _TYPE, kgo(cls))
        for ancestor in self.ontology.ancestors(cls):
            if ancestor != cls:
                self.out.add(subject, _TYPE, kgo(ancestor))

    def add_names(self, subject: ox.NamedNode, name: str, aliases: Iterable[str]) -> None:
        self.out.add(subject, _LABEL, _en(name))
        self.out.add(subject, _nn(v.PREF_LABEL), _en(name))
        for alias in aliases:
            self.out.add(subject, _nn(v.ALT_LABEL), _en(alias))

    def add_article(self, article_id: str) -> None:
        article = self.model.articles[article_id]
        subject = self.article(article_id)
        self.add_types(subject, K.Article)
        self.out.add(subject, _LABEL, _en(article.label))
        if article.headline:
            self.out.add(subject, _nn(v.HEADLINE), _en(article.headline))
        self.out.add(subject, kgo(K.textFile), ox.Literal(article.text_file))
        self.out.add(subject, _nn(v.TEXT), _en(article.text))
        if article.outlet:
            self.out.add(subject, kgo(K.outlet), self.node(article.outlet))
        for name, value in (
            (K.outletNote, article.outlet_note),
            (K.section, article.section),
            (K.publicationDateNote, article.published_note),
        ):
            if value:
                self.out.add(subject, kgo(name), _en(value) if name != K.section else ox.Literal(value))
        if article.author:
            self.out.add(subject, _nn(v.AUTHOR), self.node(article.author))
        if article.published_after:
            self.out.add(subject, kgo(K.publishedAfter), _xsd_date(article.published_after.earliest))
        if article.published_before:
            self.out.add(subject, kgo(K.publishedBefore), _xsd_date(article.published_before.latest))
        for photo in article.photos:
            photo_node = self.node(photo.id)
            self.out.add(subject, kgo(K.hasPhoto), photo_node)
            self.out.add(photo_node, _nn(v.CAPTION), _en(photo.caption))
            if photo.credit:
                self.out.add(photo_node, _nn(v.CREDIT), ox.Literal(photo.credit))
        for item in article.ignore:
            self.out.add(subject, kgo(K.ignoredPassage), _en(item.quote))

    def add_event(self, event: Event) -> None:
        subject = self.node(event.id)
        self.add_types(subject, event.type)
        self.add_names(subject, event.name, event.aliases)
        for role, values in event.roles:
            prop = self.ontology.properties[role]
            for value in values:
                self.out.add(subject, kgo(role), ox.Literal(value) if prop.is_datatype else self.node(value))
        self.add_provenance(
            subject, event.id, event.date, event.start, event.end, event.evidence, event.conflicts_with, event.note
        )

    def add_claim(self, claim: Claim) -> None:
        subject = self.node(claim.subject)
        predicate = kgo(claim.predicate)
        obj: Term = ox.Literal(claim.value) if claim.value is not None else self.node(claim.object or "")
        if self.view.modality(claim.evidence).direct_triple:
            self.out.add(subject, predicate, obj)  # the direct layer; hedged and denied claims only as statements
        statement = self.claim(claim.id)
        self.out.add(subject, kgo(K.statement), statement)
        self.out.add(statement, _TYPE, kgo(K.Claim))
        self.out.add(statement, _TYPE, _nn(v.STATEMENT))
        self.out.add(statement, _nn(v.SUBJECT), subject)
        self.out.add(statement, _nn(v.PREDICATE), predicate)
        self.out.add(statement, _nn(v.OBJECT), obj)
        self.out.add(statement, _LABEL, _en(self.view.title(claim.id)))
        for qualifier, values in claim.qualifiers:
            qualifier_prop = self.ontology.properties[qualifier]
            for value in values:
                self.out.add(
                    statement, kgo(qualifier), ox.Literal(value) if qualifier_prop.is_datatype else self.node(value)
                )
        self.add_provenance(
            statement, claim.id, claim.date, claim.start, claim.end, claim.evidence, claim.conflicts_with, claim.note
        )

    def ref(self, record_id: str) -> ox.NamedNode:
        """IRI of a claim's statement node or of an event (what `conflicts_with` may name)."""
        return self.claim(record_id) if record_id in self.model.claims else self.node(record_id)

    def add_provenance(
        self,
        subject: ox.NamedNode,
        owner_id: str,
        date: Date | None,
        start: Date | None,
        end: Date | None,
        evidence: tuple[Evidence, ...],
        conflicts: tuple[str, ...],
        note: str | None,
    ) -> None:
        if date is not None:
            self.add_date(subject, K.date, date)
        if start is not None:
            self.add_date(subject, K.startDate, start)
        if end is not None:
            self.add_date(subject, K.endDate, end)
        self.out.add(subject, kgo(K.modality), _nn(self.view.modality(evidence).iri))
        for other in conflicts:
            self.out.add(subject, kgo(K.conflictsWith), self.ref(other))
            self.out.add(self.ref(other), kgo(K.conflictsWith), subject)
        if note:
            self.out.add(subject, kgo(K.note), _en(note))
        for index, item in enumerate(evidence, start=1):
            self.out.add(subject, _nn(v.DERIVED_FROM), self.article(item.article))
            self.add_evidence(subject, self.evidence(owner_id, index), item)

    def add_date(self, subject: ox.NamedNode, prop: str, date: Date) -> None:
        self.out.add(subject, kgo(prop), ox.Literal(date.value, datatype=_DATATYPE[date.precision]))
        if prop != K.endDate:
            self.out.add(subject, kgo(K.earliest), _xsd_date(date.earliest))
        if prop != K.startDate:
            self.out.add(subject, kgo(K.latest), _xsd_date(date.latest))
        # A point date states its precision and inferred parts; an interval's ends each have their own
        # (the datatype of kgo:startDate / kgo:endDate already tells their precision).
        if prop == K.date:
            self.out.add(subject, kgo(K.datePrecision), kgo(_PRECISION[date.precision]))
        for part in date.inferred:
            self.out.add(subject, kgo(_INFERRED[prop]), ox.Literal(part))
        if date.note:
            self.out.add(subject, kgo(K.dateNote), _en(date.note))

    def add_evidence(self, owner: ox.NamedNode, node: ox.NamedNode, item: Evidence) -> None:
        article = self.model.articles[item.article]
        source = self.article(item.article)
        self.out.add(node, _TYPE, kgo(K.Evidence))
        self.out.add(node, _TYPE, _nn(v.ANNOTATION))
        self.out.add(owner, kgo(K.hasEvidence), node)
        self.out.add(node, kgo(K.evidenceFor), owner)
        self.out.add(node, _nn(v.HAS_BODY), owner)
        self.out.add(node, _nn(v.MOTIVATED_BY), _nn(v.DESCRIBING))
        self.out.add(node, _nn(v.DERIVED_FROM), source)
        self.out.add(node, kgo(K.modality), _nn(self.ontology.strongest({item.modality}).iri))
        if item.direct_speech:
            self.out.add(node, kgo(K.directSpeech), ox.Literal(True))
        target = _nn(node.value + ".target")
        quote_selector = _nn(node.value + ".quote")
        position_selector = _nn(node.value + ".position")
        self.out.add(node, _nn(v.HAS_TARGET), target)
        self.out.add(target, _TYPE, _nn(v.SPECIFIC_RESOURCE))
        self.out.add(target, _nn(v.HAS_SOURCE), source)
        self.out.add(target, _nn(v.HAS_SELECTOR), quote_selector)
        self.out.add(quote_selector, _TYPE, _nn(v.QUOTE_SELECTOR))
        self.out.add(quote_selector, _nn(v.EXACT), ox.Literal(item.quote))
        start = article.text.find(item.quote)
        if start >= 0:
            end = start + len(item.quote)
            self.out.add(
                quote_selector, _nn(v.PREFIX), ox.Literal(article.text[max(0, start - _QUOTE_CONTEXT) : start])
            )
            self.out.add(quote_selector, _nn(v.SUFFIX), ox.Literal(article.text[end : end + _QUOTE_CONTEXT]))
            self.out.add(target, _nn(v.HAS_SELECTOR), position_selector)
            self.out.add(position_selector, _TYPE, _nn(v.POSITION_SELECTOR))
            self.out.add(position_selector, _nn(v.START), ox.Literal(start))
            self.out.add(position_selector, _nn(v.END), ox.Literal(end))
        self.add_attribution(node, item)

    def add_attribution(self, node: ox.NamedNode, item: Evidence) -> None:
        """Step 0 is the article's outlet (when known), then each source it cites, in order."""
        chain = self.view.chain(item)
        first_index = 0 if self.model.articles[item.article].outlet else 1
        previous = None
        for offset, agent in enumerate(chain):
            index = first_index + offset
            step = _nn(f"{node.value}.step{index}")
            self.out.add(node, kgo(K.attribution), step)
            self.out.add(step, _TYPE, kgo(K.AttributionStep))
            self.out.add(step, _nn(v.PROV_AGENT), self.node(agent))
            self.out.add(step, kgo(K.stepIndex), ox.Literal(index))
            if previous is not None:
                self.out.add(previous, kgo(K.cites), step)
            previous = step
        for agent in item.via:
            self.out.add(node, kgo(K.reportedBy), self.node(agent))
        if chain:
            self.out.add(node, kgo(K.originalSource), self.node(chain[-1]))
        if item.said_to:
            self.out.add(node, kgo(K.saidTo), self.node(item.said_to))


def model_triples(
    model: Model, ontology: Ontology, base: str = DEFAULT_BASE, view: View | None = None
) -> list[ox.Triple]:
    """Every triple of the graph, in the fixed order the serialisations keep."""
    return list(stream_triples(model, ontology, base, view))


def stream_triples(
    model: Model, ontology: Ontology, base: str = DEFAULT_BASE, view: View | None = None
) -> Iterable[ox.Triple]:
    """The same triples, made one at a time as a serialiser takes them (and made again for each reader): a
    build never holds them all as a list (at 100,000 facts, 3.8 million Triple objects)."""
    return RdfBuilder(model, ontology, base, view).build()


def rdflib_graph(triples: list[ox.Triple], base: str = DEFAULT_BASE) -> rdflib.Graph:
    """The triples as an rdflib `Graph` stored in Oxigraph (oxrdflib): rdflib's API for the Python RDF
    ecosystem (pySHACL, notebooks), with Oxigraph parsing, storing and answering SPARQL."""
    import rdflib  # imported on demand: 0.3 s that `kg build` need not pay

    graph = rdflib.Graph(store="Oxigraph")
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="ox-nt")
    for prefix, namespace in prefixes(base).items():
        graph.bind(prefix, namespace)
    return graph


RDF_FORMATS = {  # format name → (export file, serialisation)
    "ttl": ("graph.ttl", ox.RdfFormat.TURTLE),
    "nt": ("graph.nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("graph.jsonld", ox.RdfFormat.JSON_LD),
}


def serialize(triples: Iterable[ox.Triple], path: Path, rdf_format: ox.RdfFormat, base: str = DEFAULT_BASE) -> None:
    ox.serialize(
        triples, str(path), rdf_format, prefixes=prefixes(base) if rdf_format != ox.RdfFormat.N_TRIPLES else None
    )
