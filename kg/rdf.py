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

import pyoxigraph as ox

from kg.dates import Date
from kg.model import Claim, Event, Evidence, Model, strongest_modality
from kg.ontology import KGO, XSD, Ontology

DEFAULT_BASE = "https://w3id.org/syria-russia-kg/id/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"

_QUOTE_CONTEXT = 32  # characters of oa:prefix / oa:suffix around a quote
TRUTHY_MODALITIES = ("asserted", "reported")  # claims that also get a direct triple


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
        "owl": "http://www.w3.org/2002/07/owl#",
        "skos": SKOS,
        "prov": PROV,
        "oa": OA,
        "schema": SCHEMA,
        "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
        "dcterms": "http://purl.org/dc/terms/",
    }


@lru_cache(maxsize=1 << 16)
def _nn(iri: str) -> ox.NamedNode:
    """IRIs recur (classes, predicates, shared entities): parsing each once saves a fifth of the triple stage."""
    return ox.NamedNode(iri)


_TYPE = _nn(RDF + "type")
_LABEL = _nn(RDFS + "label")
_PRECISION = {"day": "DayPrecision", "month": "MonthPrecision", "year": "YearPrecision"}
_DATATYPE = {"day": _nn(XSD + "date"), "month": _nn(XSD + "gYearMonth"), "year": _nn(XSD + "gYear")}
_MODALITY = {m: _nn(KGO + m.capitalize()) for m in ("asserted", "reported", "hedged", "denied")}


def kgo(name: str) -> ox.NamedNode:
    return _nn(KGO + name)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _xsd_date(value: object) -> ox.Literal:
    return ox.Literal(str(value), datatype=_DATATYPE["day"])


class _Triples:
    """Triples grouped by subject (insertion order within a subject), de-duplicated."""

    def __init__(self) -> None:
        self.by_subject: dict[ox.NamedNode, dict[tuple[ox.NamedNode, ox.Term], None]] = {}

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.Term) -> None:
        self.by_subject.setdefault(subject, {})[(predicate, obj)] = None

    def __iter__(self) -> Iterator[ox.Triple]:
        for subject in sorted(self.by_subject, key=lambda s: s.value):
            pairs = self.by_subject[subject]
            typed = [(p, o) for p, o in pairs if p == _TYPE]
            for predicate, obj in typed + [(p, o) for p, o in pairs if p != _TYPE]:
                yield ox.Triple(subject, predicate, obj)


class RdfBuilder:
    def __init__(self, model: Model, ontology: Ontology, base: str = DEFAULT_BASE):
        self.model = model
        self.ontology = ontology
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
                self.out.add(subject, kgo("note"), _en(entity.note))
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
        self.out.add(subject, _nn(SKOS + "prefLabel"), _en(name))
        for alias in aliases:
            self.out.add(subject, _nn(SKOS + "altLabel"), _en(alias))

    def add_article(self, article_id: str) -> None:
        article = self.model.articles[article_id]
        subject = self.article(article_id)
        self.add_types(subject, "Article")
        self.out.add(subject, _LABEL, _en(article.label))
        if article.headline:
            self.out.add(subject, _nn(SCHEMA + "headline"), _en(article.headline))
        self.out.add(subject, kgo("textFile"), ox.Literal(article.text_file))
        self.out.add(subject, _nn(SCHEMA + "text"), _en(article.text))
        if article.outlet:
            self.out.add(subject, kgo("outlet"), self.node(article.outlet))
        for name, value in (
            ("outletNote", article.outlet_note),
            ("section", article.section),
            ("publicationDateNote", article.published_note),
        ):
            if value:
                self.out.add(subject, kgo(name), _en(value) if name != "section" else ox.Literal(value))
        if article.author:
            self.out.add(subject, _nn(SCHEMA + "author"), self.node(article.author))
        if article.published_after:
            self.out.add(subject, kgo("publishedAfter"), _xsd_date(article.published_after.earliest))
        if article.published_before:
            self.out.add(subject, kgo("publishedBefore"), _xsd_date(article.published_before.latest))
        for photo in article.photos:
            photo_node = self.node(photo.id)
            self.out.add(subject, kgo("hasPhoto"), photo_node)
            self.out.add(photo_node, _nn(SCHEMA + "caption"), _en(photo.caption))
            if photo.credit:
                self.out.add(photo_node, _nn(SCHEMA + "creditText"), ox.Literal(photo.credit))
        for item in article.ignore:
            self.out.add(subject, kgo("ignoredPassage"), _en(item.quote))

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
        prop = self.ontology.properties[claim.predicate]
        subject = self.node(claim.subject)
        predicate = kgo(claim.predicate)
        obj: ox.Term = ox.Literal(claim.value) if claim.value is not None else self.node(claim.object or "")
        if strongest_modality(claim.evidence) in TRUTHY_MODALITIES:
            self.out.add(subject, predicate, obj)  # the direct layer; hedged and denied claims only as statements
        statement = self.claim(claim.id)
        self.out.add(subject, kgo("statement"), statement)
        self.out.add(statement, _TYPE, kgo("Claim"))
        self.out.add(statement, _TYPE, _nn(RDF + "Statement"))
        self.out.add(statement, _nn(RDF + "subject"), subject)
        self.out.add(statement, _nn(RDF + "predicate"), predicate)
        self.out.add(statement, _nn(RDF + "object"), obj)
        self.out.add(
            statement,
            _LABEL,
            _en(
                f"{self.name(claim.subject)} — {prop.label} — "
                f"{claim.value if claim.value is not None else self.name(claim.object)}"
            ),
        )
        for qualifier, values in claim.qualifiers:
            qualifier_prop = self.ontology.properties[qualifier]
            for value in values:
                self.out.add(
                    statement, kgo(qualifier), ox.Literal(value) if qualifier_prop.is_datatype else self.node(value)
                )
        self.add_provenance(
            statement, claim.id, claim.date, claim.start, claim.end, claim.evidence, claim.conflicts_with, claim.note
        )

    def name(self, node_id: str | None) -> str:
        node = self.model.node(node_id or "")
        return node.name if node else str(node_id)

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
            self.add_date(subject, "date", date)
        if start is not None:
            self.add_date(subject, "startDate", start)
        if end is not None:
            self.add_date(subject, "endDate", end)
        self.out.add(subject, kgo("modality"), _MODALITY[strongest_modality(evidence)])
        for other in conflicts:
            self.out.add(subject, kgo("conflictsWith"), self.ref(other))
            self.out.add(self.ref(other), kgo("conflictsWith"), subject)
        if note:
            self.out.add(subject, kgo("note"), _en(note))
        for index, item in enumerate(evidence, start=1):
            self.out.add(subject, _nn(PROV + "wasDerivedFrom"), self.article(item.article))
            self.add_evidence(subject, self.evidence(owner_id, index), item)

    def add_date(self, subject: ox.NamedNode, prop: str, date: Date) -> None:
        self.out.add(subject, kgo(prop), ox.Literal(date.value, datatype=_DATATYPE[date.precision]))
        if prop != "endDate":
            self.out.add(subject, kgo("earliest"), _xsd_date(date.earliest))
        if prop != "startDate":
            self.out.add(subject, kgo("latest"), _xsd_date(date.latest))
        # A point date states its precision and inferred parts; an interval's ends each have their own
        # (the datatype of kgo:startDate / kgo:endDate already tells their precision).
        if prop == "date":
            self.out.add(subject, kgo("datePrecision"), kgo(_PRECISION[date.precision]))
        inferred = {"date": "inferredDatePart", "startDate": "inferredStartPart", "endDate": "inferredEndPart"}[prop]
        for part in date.inferred:
            self.out.add(subject, kgo(inferred), ox.Literal(part))
        if date.note:
            self.out.add(subject, kgo("dateNote"), _en(date.note))

    def add_evidence(self, owner: ox.NamedNode, node: ox.NamedNode, item: Evidence) -> None:
        article = self.model.articles[item.article]
        source = self.article(item.article)
        self.out.add(node, _TYPE, kgo("Evidence"))
        self.out.add(node, _TYPE, _nn(OA + "Annotation"))
        self.out.add(owner, kgo("hasEvidence"), node)
        self.out.add(node, kgo("evidenceFor"), owner)
        self.out.add(node, _nn(OA + "hasBody"), owner)
        self.out.add(node, _nn(OA + "motivatedBy"), _nn(OA + "describing"))
        self.out.add(node, _nn(PROV + "wasDerivedFrom"), source)
        self.out.add(node, kgo("modality"), _MODALITY[item.modality])
        if item.direct_speech:
            self.out.add(node, kgo("directSpeech"), ox.Literal(True))
        target = _nn(node.value + ".target")
        quote_selector = _nn(node.value + ".quote")
        position_selector = _nn(node.value + ".position")
        self.out.add(node, _nn(OA + "hasTarget"), target)
        self.out.add(target, _TYPE, _nn(OA + "SpecificResource"))
        self.out.add(target, _nn(OA + "hasSource"), source)
        self.out.add(target, _nn(OA + "hasSelector"), quote_selector)
        self.out.add(quote_selector, _TYPE, _nn(OA + "TextQuoteSelector"))
        self.out.add(quote_selector, _nn(OA + "exact"), ox.Literal(item.quote))
        start = article.text.find(item.quote)
        if start >= 0:
            end = start + len(item.quote)
            self.out.add(
                quote_selector, _nn(OA + "prefix"), ox.Literal(article.text[max(0, start - _QUOTE_CONTEXT) : start])
            )
            self.out.add(quote_selector, _nn(OA + "suffix"), ox.Literal(article.text[end : end + _QUOTE_CONTEXT]))
            self.out.add(target, _nn(OA + "hasSelector"), position_selector)
            self.out.add(position_selector, _TYPE, _nn(OA + "TextPositionSelector"))
            self.out.add(position_selector, _nn(OA + "start"), ox.Literal(start))
            self.out.add(position_selector, _nn(OA + "end"), ox.Literal(end))
        self.add_attribution(node, article.outlet, item)

    def add_attribution(self, node: ox.NamedNode, outlet: str | None, item: Evidence) -> None:
        """Step 0 is the article's outlet (when known), then each source it cites, in order."""
        chain = ([outlet] if outlet else []) + list(item.via)
        first_index = 0 if outlet else 1
        previous = None
        for offset, agent in enumerate(chain):
            index = first_index + offset
            step = _nn(f"{node.value}.step{index}")
            self.out.add(node, kgo("attribution"), step)
            self.out.add(step, _TYPE, kgo("AttributionStep"))
            self.out.add(step, _nn(PROV + "agent"), self.node(agent))
            self.out.add(step, kgo("stepIndex"), ox.Literal(index))
            if previous is not None:
                self.out.add(previous, kgo("cites"), step)
            previous = step
        for agent in item.via:
            self.out.add(node, kgo("reportedBy"), self.node(agent))
        if chain:
            self.out.add(node, kgo("originalSource"), self.node(chain[-1]))
        if item.said_to:
            self.out.add(node, kgo("saidTo"), self.node(item.said_to))


def model_triples(model: Model, ontology: Ontology, base: str = DEFAULT_BASE) -> list[ox.Triple]:
    return list(RdfBuilder(model, ontology, base).build())


FORMATS = {"graph.ttl": ox.RdfFormat.TURTLE, "graph.nt": ox.RdfFormat.N_TRIPLES, "graph.jsonld": ox.RdfFormat.JSON_LD}


def serialize(triples: list[ox.Triple], path: Path, rdf_format: ox.RdfFormat, base: str = DEFAULT_BASE) -> None:
    ox.serialize(
        triples, str(path), rdf_format, prefixes=prefixes(base) if rdf_format != ox.RdfFormat.N_TRIPLES else None
    )
