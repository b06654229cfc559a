"""Model → Turtle, written straight as text: one chunk per source file, joined in source order.

Direct triples for simple questions, a statement node per claim for provenance, evidence as Web
Annotations with their selectors and attribution steps (the README's "The RDF" section lists them all).

Each chunk is a function of one source file's records and of the few facts from other files it reads:
the names in a claim's title, whether a conflicting record is a claim, whether it states the conflict
itself, an article's outlet and text, which claim is the first to assert a direct triple (it alone writes
it, so the graph holds no triple twice).  Every such read goes through `_Reads`, which lists it, so the build
cache can tell when a kept chunk still holds (`kg.exports.chunks`).  IRIs are minted from ids under one
configurable base; evidence and attribution steps get IRIs too (no blank nodes), so graphs from
different builds and parsers compare directly.  Text from the sources only ever appears escaped inside
a string literal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import Any

import pyoxigraph as ox

from kg import vocab as v
from kg.checks.coverage import SpanIndex, ignored_spans
from kg.checks.names import NameFinder
from kg.checks.names import names_digest as entity_names_digest
from kg.checks.quotes import first_place
from kg.dates import Date
from kg.exports.view import View, claim_title
from kg.model import Article, Claim, Event, Evidence, Model, SourceRecords
from kg.ontology import Modality, Ontology
from kg.shelf import Shelf
from kg.vocab import KGO, K

DEFAULT_BASE = "https://w3id.org/syria-russia-kg/id/"
QUOTE_CONTEXT = 32  # characters of oa:prefix / oa:suffix around a quote

READ_KINDS = ("name", "claim", "states", "article", "direct", "names")
"""What a chunk reads of other source files, each by a key: a node's name (its id), whether a record is a
claim (its id), whether a record states a conflict itself (its id and the other's, `_pair`), an article's
outlet and text (its id), the first claim asserting a direct triple (`_direct_key`), every entity's names
(an article's mentions; the key "")."""


def valid_base(base: str) -> str:
    """`base` if it can start the graph's IRIs: absolute (`https://…`), a valid IRI, ending with `/` or `#` (the
    ids are appended to it); else ValueError saying why."""
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", base):
        raise ValueError(f"'{base}' is not an absolute IRI (https://…)")
    if not base.endswith(("/", "#")):
        raise ValueError(f"'{base}' must end with '/' or '#': the ids are appended to it")
    try:
        ox.NamedNode(base + "x")
    except ValueError as error:
        raise ValueError(f"'{base}' is not a valid IRI ({error})") from None
    _outside_vocabularies(base)
    return base


def _outside_vocabularies(base: str) -> None:
    """ValueError if `base` is a vocabulary's namespace, or lies inside one: an entity `label` under rdfs's was
    rdfs:label itself, a property and a Topic at once, and the build said nothing."""
    for prefix, namespace in v.VOCABULARIES.items():
        if base == namespace:
            raise ValueError(
                f"'{base}' is the namespace of {prefix}: the ids would be its terms (an entity 'label' would be "
                f"{prefix}:label): choose a base of your own"
            )
        if base.startswith(namespace):
            raise ValueError(f"'{base}' lies inside the namespace of {prefix} ({namespace}): choose a base of your own")


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes used in the Turtle export and predeclared for SPARQL queries."""
    return {
        "kg": base,
        "kga": base + "article/",
        "kgc": base + "claim/",
        "kge": base + "evidence/",
        "kgm": base + "mention/",
        **v.VOCABULARIES,
    }


# ---------------------------------------------------------------------------------------------- terms

PLAIN_LOCAL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?")
"""A local name the writer writes after its prefix (any other, the IRI in full)."""
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


string: Callable[[str], str] = json.encoder.encode_basestring
"""A Turtle string literal, made by the JSON encoder (in C): every escape JSON writes (`\\"`, `\\\\`, `\\n`,
`\\r`, `\\t`, `\\b`, `\\f`, `\\u001b` for the other control characters) is also a Turtle escape, and
nothing else needs one."""


def english(text: str) -> str:
    return string(text) + "@en"


def iri(value: str) -> str:
    """An IRI reference; characters an IRI may not hold (none in a valid id) percent-encoded."""
    return "<" + _NOT_IN_IRI.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), value) + ">"


_DATATYPE = {"day": "xsd:date", "month": "xsd:gYearMonth", "year": "xsd:gYear"}
_PRECISION = {"day": "kgo:DayPrecision", "month": "kgo:MonthPrecision", "year": "kgo:YearPrecision"}
_INFERRED = {K.date: K.inferredDatePart, K.startDate: K.inferredStartPart, K.endDate: K.inferredEndPart}


def _day(value: object) -> str:
    return f'"{value}"^^xsd:date'


# ---------------------------------------------------------------------------------------------- reads


@dataclass
class _Reads:
    """What a chunk reads from the rest of the model, each read listed in `seen`."""

    model: Model
    names: dict[str, str]  # `TurtleWriter.node_names`
    first_direct: FirstDirect
    stated: _Stated
    seen: dict[str, set[str]] = field(default_factory=lambda: {kind: set() for kind in READ_KINDS})

    def name(self, node_id: str) -> str:
        self.seen["name"].add(node_id)
        return self.names.get(node_id, node_id)

    def is_claim(self, record_id: str) -> bool:
        self.seen["claim"].add(record_id)
        return record_id in self.model.claims

    def states_conflict(self, record_id: str, other: str) -> bool:
        """Whether record `record_id` itself lists `other` under `conflicts_with`."""
        self.seen["states"].add(_pair(record_id, other))
        return self.stated(record_id, other)

    def article(self, article_id: str) -> Article:
        self.seen["article"].add(article_id)
        return self.model.articles[article_id]

    def entity_names(self) -> None:
        """An article's mentions read the names of every entity."""
        self.seen["names"].add("")

    def writes_direct(self, claim: Claim) -> bool:
        """Whether `claim` is the first claim (in source order) to assert its direct triple: it writes it."""
        self.seen["direct"].add(_direct_key(claim))
        return self.first_direct.writes(claim)


def _direct_key(claim: Claim) -> str:
    """Subject, predicate and object (`@id`) or value (`=text`), NUL-separated: ids hold no NUL, and the value
    comes last."""
    value = f"={claim.value}" if claim.value is not None else f"@{claim.object}"
    return f"{claim.subject}\0{claim.predicate}\0{value}"


def _pair(record_id: str, other: str) -> str:
    return f"{record_id}\0{other}"


class _Stated:
    """Whether a record itself lists another under `conflicts_with`: each record's list read into a set once (a
    look through its list for every pair of 1,300 claims, each in conflict with all the others, took 22 s)."""

    def __init__(self, model: Model):
        self.model = model
        self._listed: dict[str, frozenset[str]] = {}

    def __call__(self, record_id: str, other: str) -> bool:
        listed = self._listed.get(record_id)
        if listed is None:
            record = self.model.claims.get(record_id) or self.model.events.get(record_id)
            listed = self._listed[record_id] = frozenset(record.conflicts_with if record else ())
        return other in listed


class FirstDirect:
    """Direct triple (subject, predicate, object or value) → the first claim asserting it with a modality
    that gets one: several claims (with other dates, qualifiers or articles) may assert the same triple,
    which the graph then holds once.

    The claims are read in source order only as far as a question needs: whether a claim writes its
    triple needs the claims up to it, and the ontology's page, which renders the first few files of a
    corpus for its examples, need not read them all (0.46 s of CPU at 100,000 facts).  `read_all()` before
    forking renderers that will ask about any claim: each would read them again."""

    def __init__(self, model: Model, view: View):
        self._claims = iter(model.claims.values())
        self._view = view
        self._first: dict[str, str] = {}
        self._read_up_to = -1  # the place (`View.record_order`) of the last claim read

    def writes(self, claim: Claim) -> bool:
        """Whether `claim` is the first to assert its direct triple (it alone writes it)."""
        self._read_through(self._view.record_order[claim.id])
        return self._first.get(_direct_key(claim)) == claim.id

    def read_all(self) -> dict[str, str]:
        """Every direct triple (`_direct_key`) → the first claim asserting it."""
        self._read_through(len(self._view.record_order))
        return self._first

    def _read_through(self, place: int) -> None:
        if place <= self._read_up_to:
            return
        order, first, modality = self._view.record_order, self._first, self._view.modality
        ontology = self._view.ontology
        # Most claims have one evidence item: whether its modality writes the direct triple, looked up once
        # per modality (`View.modality` makes a set and ranks it: 0.12 s for 100,000 claims).
        direct_of = {m.name: ontology.strongest({m.name}).direct_triple for m in ontology.modalities}
        for claim in self._claims:
            evidence = claim.evidence
            direct = direct_of.get(evidence[0].modality) if len(evidence) == 1 else None
            if direct is None:
                direct = modality(evidence).direct_triple
            if direct:
                first.setdefault(_direct_key(claim), claim.id)
            self._read_up_to = order[claim.id]
            if self._read_up_to >= place:
                return
        self._read_up_to = len(order)


# ---------------------------------------------------------------------------------------------- chunks


@dataclass(frozen=True)
class Chunk:
    text: str
    reads: dict[str, set[str]]  # READ_KINDS → the keys read


class TurtleWriter:
    """Turtle text for a checked model: `header()`, then `chunk()` of each source file's records."""

    def __init__(self, model: Model, ontology: Ontology, view: View, base: str):
        ox.NamedNode(base)  # ValueError for a base that is no IRI
        self.model, self.ontology, self.view, self.base = model, ontology, view, base
        self.prefixes = prefixes(base)
        self.first_direct = FirstDirect(model, view)
        self.stated = _Stated(model)
        self._types: dict[str, str] = {}
        self._nodes: dict[str, str] = {}
        self._articles: dict[str, str] = {}
        self._kgo: dict[str, str] = {}
        self._modalities = {m.name: self.term(m.iri) for m in ontology.modalities}
        # An evidence item's own modality, by name (`Ontology.strongest` of that one name)
        self._evidence_modalities = {
            name: self._modalities[ontology.strongest({name}).name] for name in self._modalities
        }

    def values(self, text_digest: dict[str, str | None], kind: str, keys: tuple[str, ...]) -> list[Any]:
        """Today's value of each of `keys` of a kind of read (`kg.reads.read_now`, `kg.reads.ReadValues`): a kept
        chunk holds while every one is unchanged.  Names, claims and direct triples, nearly all of the reads (300,000
        kept at 100,000 facts), are looked up in C: one at a time they took 1.7 s of CPU in a one-file edit."""
        model = self.model
        if kind == "name":
            return list(map(self.node_names.get, keys, keys))  # an id that is no node shows as itself
        if kind == "claim":
            return list(map(model.claims.__contains__, keys))
        if kind == "direct":
            return list(map(self.first_direct.read_all().get, keys, repeat("")))
        if kind == "states":
            return [self.stated(*key.split("\0")) for key in keys]
        if kind == "names":
            return [self.names_digest for _ in keys]
        articles = (model.articles.get(key) for key in keys)
        return [f"{a.outlet}\0{text_digest.get(a.id)}" if a else "-" for a in articles]

    @cached_property
    def node_names(self) -> dict[str, str]:
        """Every node's name by id (an entity's where an event has its id too, as `Model.node` finds them)."""
        events, entities = self.model.events.values(), self.model.entities.values()
        return {**{event.id: event.name for event in events}, **{entity.id: entity.name for entity in entities}}

    @cached_property
    def names_digest(self) -> str:
        return names_digest(self.model)

    @cached_property
    def finder(self) -> NameFinder:
        return entity_finder(self.model, self.names_digest)

    def header(self) -> str:
        return turtle_header(self.base)

    # ------------------------------------------------------------------ IRIs

    def _name(self, prefix: str, local: str) -> str:
        if PLAIN_LOCAL.fullmatch(local):
            return f"{prefix}:{local}"
        return iri(self.prefixes[prefix] + local)

    def node(self, node_id: str) -> str:
        found = self._nodes.get(node_id)
        if found is None:
            found = self._nodes[node_id] = self._name("kg", node_id)
        return found

    def article(self, article_id: str) -> str:
        found = self._articles.get(article_id)
        if found is None:
            found = self._articles[article_id] = self._name("kga", article_id)
        return found

    def claim(self, claim_id: str) -> str:
        return self._name("kgc", claim_id)

    def kgo(self, name: str) -> str:
        """A term of the ontology by its local name: `kgo:name`, or its IRI in full when the name cannot follow a
        prefix (the ontology's load refuses such a name; an Ontology made in Python is not checked)."""
        found = self._kgo.get(name)
        if found is None:
            found = self._kgo[name] = self._name("kgo", name)
        return found

    def term(self, full_iri: str) -> str:
        """A kgo term by its prefixed name, any other IRI in full."""
        if full_iri.startswith(KGO):
            return self._name("kgo", full_iri[len(KGO) :])
        return iri(full_iri)

    def types(self, cls: str) -> str:
        """`a` the class and its kgo ancestors, so `?x a kgo:Agent` works without a reasoner."""
        found = self._types.get(cls)
        if found is None:
            classes = [cls, *(a for a in self.ontology.ancestors(cls) if a != cls)]
            found = self._types[cls] = "a " + ", ".join(self.kgo(c) for c in classes)
        return found

    # ------------------------------------------------------------------ chunks

    def chunk(self, records: SourceRecords) -> Chunk:
        reads = _Reads(self.model, self.node_names, self.first_direct, self.stated)
        out: list[str] = []
        for article in records.articles:
            self._article(article, out)
            self._mentions(article, reads, out)
        for entity in records.entities:
            lines = [self.types(entity.type), *self._names(entity.name, entity.aliases)]
            if entity.note:
                lines.append(f"kgo:note {english(entity.note)}")
            out.append(_block(self.node(entity.id), lines))
        for event in records.events:
            self._event(event, reads, out)
        for claim in records.claims:
            self._claim(claim, reads, out)
        return Chunk("".join(out), reads.seen)

    def _names(self, name: str, aliases: Iterable[str]) -> list[str]:
        lines = [f"rdfs:label {english(name)}"]
        if aliases:
            lines.append("skos:altLabel " + ", ".join(english(alias) for alias in aliases))
        return lines

    def _article(self, article: Article, out: list[str]) -> None:
        after, before = article.published_after, article.published_before
        optional: list[tuple[str, str | None]] = [
            ("schema:headline", article.headline and english(article.headline)),
            ("kgo:textFile", string(article.text_file)),
            ("schema:text", english(article.text)),
            ("kgo:outlet", article.outlet and self.node(article.outlet)),
            ("kgo:outletNote", article.outlet_note and english(article.outlet_note)),
            ("kgo:section", article.section and string(article.section)),
            ("kgo:publicationDateNote", article.published_note and english(article.published_note)),
            ("schema:author", article.author and self.node(article.author)),
            ("kgo:publishedAfter", _day(after.earliest) if after else None),
            ("kgo:publishedBefore", _day(before.latest) if before else None),
        ]
        lines = [self.types(K.Article), f"rdfs:label {english(article.label)}"]
        lines += [f"{predicate} {value}" for predicate, value in optional if value]
        photos = []
        for photo in article.photos:
            photo_node = self.node(photo.id)
            lines.append(f"kgo:hasPhoto {photo_node}")
            photo_lines = [f"schema:caption {english(photo.caption)}"]
            if photo.credit:
                photo_lines.append(f"schema:creditText {string(photo.credit)}")
            photos.append(_block(photo_node, photo_lines))
        if article.ignore:
            lines.append("kgo:ignoredPassage " + ", ".join(english(item.quote) for item in article.ignore))
        out.append(_block(self.article(article.id), lines))
        out += photos

    def _mentions(self, article: Article, reads: _Reads, out: list[str]) -> None:
        """Every name of every entity the article's text prints, each occurrence a kgo:Mention (an
        oa:SpecificResource with one TextPositionSelector: several selectors on one resource would be
        alternative descriptions of one passage), `kgm:<article>.at<start>`.  Ids are plain local names (the
        schema's id pattern), so IRIs are written without `_name`: this runs for every name in every text."""
        reads.entity_names()
        ignored = SpanIndex(ignored_spans(article) or [])
        source, local = self.article(article.id), article.id
        node = self.node
        for found in self.finder.spans(article.text):
            mention = f"kgm:{local}.at{found.start}"
            flag = " ;\n    kgo:inIgnoredPassage true" if ignored.encloses(found.start, found.end) else ""
            out.append(
                f"{mention} a kgo:Mention, oa:SpecificResource ;\n    kgo:mentions {node(found.owner)} ;\n"
                f"    kgo:printedName {string(found.printed)} ;\n    oa:hasSource {source} ;\n"
                f"    oa:hasSelector {mention}.position{flag} .\n"
                f"{mention}.position a oa:TextPositionSelector ;\n"
                f"    oa:start {found.start} ;\n    oa:end {found.end} .\n"
            )

    def _value(self, prop: str, value: str) -> str:
        return self.literal(prop, value) if self.ontology.properties[prop].is_datatype else self.node(value)

    def literal(self, prop: str, value: str) -> str:
        """A value of a datatype property, with the datatype of its range (text as a plain string)."""
        datatype = self.ontology.properties[prop].datatype
        if datatype.is_text:
            return english(value) if datatype.name == "rdf:langString" else string(value)
        return f"{string(value)}^^{datatype.name}"

    def _event(self, event: Event, reads: _Reads, out: list[str]) -> None:
        subject = self.node(event.id)
        lines = [self.types(event.type), *self._names(event.name, event.aliases)]
        for role, values in event.roles:
            lines += [f"{self.kgo(role)} {self._value(role, value)}" for value in values]
        self._provenance(subject, event, reads, lines, out, self.view.modality(event.evidence))

    def _claim(self, claim: Claim, reads: _Reads, out: list[str]) -> None:
        subject, statement = self.node(claim.subject), self.claim(claim.id)
        obj = self.literal(claim.predicate, claim.value) if claim.value is not None else self.node(claim.object or "")
        modality = self.view.modality(claim.evidence)
        predicate = self.kgo(claim.predicate)
        if modality.direct_triple and reads.writes_direct(claim):  # hedged, denied: only as statements
            out.append(f"{subject} {predicate} {obj} .\n")
        out.append(f"{subject} kgo:statement {statement} .\n")
        title = claim_title(claim, reads.name, self.ontology)
        lines = [
            "a kgo:Claim, rdf:Statement",
            f"rdf:subject {subject}",
            f"rdf:predicate {predicate}",
            f"rdf:object {obj}",
            f"rdfs:label {english(title)}",
        ]
        for qualifier, values in claim.qualifiers:
            lines += [f"{self.kgo(qualifier)} {self._value(qualifier, value)}" for value in values]
        self._provenance(statement, claim, reads, lines, out, modality)

    def _ref(self, record_id: str, reads: _Reads) -> str:
        """A claim's statement node or an event: what `conflicts_with` may name."""
        return self.claim(record_id) if reads.is_claim(record_id) else self.node(record_id)

    def _provenance(
        self, subject: str, record: Event | Claim, reads: _Reads, lines: list[str], out: list[str], modality: Modality
    ) -> None:
        if record.date is not None:
            self._date(K.date, record.date, lines)
        if record.start is not None:
            self._date(K.startDate, record.start, lines)
        if record.end is not None:
            self._date(K.endDate, record.end, lines)
        lines.append(f"kgo:modality {self._modalities[modality.name]}")
        reverse = []
        for other in dict.fromkeys(record.conflicts_with):
            other_ref = self._ref(other, reads)
            lines.append(f"kgo:conflictsWith {other_ref}")
            if not reads.states_conflict(other, record.id):  # else its own chunk says it
                reverse.append(f"{other_ref} kgo:conflictsWith {subject} .\n")
        if record.note:
            lines.append(f"kgo:note {english(record.note)}")
        if len(record.evidence) == 1:
            lines.append("prov:wasDerivedFrom " + self.article(record.evidence[0].article))
        elif record.evidence:
            articles = dict.fromkeys(item.article for item in record.evidence)
            lines.append("prov:wasDerivedFrom " + ", ".join(self.article(a) for a in articles))
        evidence_blocks: list[str] = []
        for index, item in enumerate(record.evidence, start=1):
            local = f"{record.id}.{index}"
            node = self._name("kge", local)
            lines.append(f"kgo:hasEvidence {node}")
            self._evidence(subject, local, node, item, reads, evidence_blocks)
        out.append(_block(subject, lines))
        out += reverse
        out += evidence_blocks

    def _date(self, prop: str, date: Date, lines: list[str]) -> None:
        lines.append(f'kgo:{prop} "{date.value}"^^{_DATATYPE[date.precision]}')
        if prop != K.endDate:
            lines.append(f"kgo:earliest {_day(date.earliest)}")
        if prop != K.startDate:
            lines.append(f"kgo:latest {_day(date.latest)}")
        # A point date states its precision and inferred parts; an interval's ends each have their own
        # (the datatype of kgo:startDate / kgo:endDate already tells their precision).
        if prop == K.date:
            lines.append(f"kgo:datePrecision {_PRECISION[date.precision]}")
        for part in date.inferred:
            lines.append(f"kgo:{_INFERRED[prop]} {string(part)}")
        if date.note:
            lines.append(f"kgo:dateNote {english(date.note)}")

    def _evidence(self, owner: str, local: str, node: str, item: Evidence, reads: _Reads, out: list[str]) -> None:
        """The evidence `node` (`kge:<local>`) with its target, selectors and attribution steps
        (`kge:<local>.target`…).  Written with as few calls as it takes: this runs for every evidence item."""
        article = reads.article(item.article)
        source = self.article(item.article)
        target, quote, position = (self._part(local, node, part) for part in (".target", ".quote", ".position"))
        modality = self._evidence_modalities.get(item.modality) or self._modalities[self.ontology.modalities[0].name]
        head = (
            f"{node} a kgo:Evidence, oa:Annotation ;\n    oa:hasBody {owner} ;\n    oa:motivatedBy oa:describing ;\n"
            f"    prov:wasDerivedFrom {source} ;\n    kgo:modality {modality}"
        )
        if item.direct_speech:
            head += " ;\n    kgo:directSpeech true"
        lines = [f"oa:hasTarget {target}"]
        steps = self._attribution(local, node, item, article, lines)
        text = article.text
        start = first_place(self.model, article, item.quote)
        exact = string(item.quote)
        out.append(f"{head} ;\n    {_SEPARATOR.join(lines)} .\n")
        if start < 0:
            out.append(f"{target} a oa:SpecificResource ;\n    oa:hasSource {source} ;\n    oa:hasSelector {quote} .\n")
            out.append(f"{quote} a oa:TextQuoteSelector ;\n    oa:exact {exact} .\n")
        else:
            end = start + len(item.quote)
            # no oa:prefix at the text's start, no oa:suffix at its end: nothing is there (an empty one was written)
            before = f" ;\n    oa:prefix {string(text[max(0, start - QUOTE_CONTEXT) : start])}" if start else ""
            after = f" ;\n    oa:suffix {string(text[end : end + QUOTE_CONTEXT])}" if end < len(text) else ""
            out.append(
                f"{target} a oa:SpecificResource ;\n    oa:hasSource {source} ;\n"
                f"    oa:hasSelector {quote}, {position} .\n"
                f"{quote} a oa:TextQuoteSelector ;\n    oa:exact {exact}{before}{after} .\n"
                f"{position} a oa:TextPositionSelector ;\n    oa:start {start} ;\n    oa:end {end} .\n"
            )
        out += steps

    def _part(self, local: str, node: str, part: str) -> str:
        """The IRI of `kge:<local><part>`, a part of the evidence `node`: a prefixed name when the evidence's
        is one (`local` ends with a digit, and the parts are letters, digits and dots: plain too)."""
        return f"{node}{part}" if node.startswith("kge:") else self._name("kge", local + part)

    def _attribution(self, local: str, node: str, item: Evidence, article: Article, lines: list[str]) -> list[str]:
        """Step 0 is the article's outlet (when known), then each source it cites, in order."""
        chain = [article.outlet, *item.via] if article.outlet else item.via
        first_index = 0 if article.outlet else 1
        steps: list[str] = []
        previous = None
        for offset, agent in enumerate(chain):
            index = first_index + offset
            step = self._part(local, node, f".step{index}")
            lines.append(f"kgo:attribution {step}")
            steps.append(
                f"{step} a kgo:AttributionStep ;\n    prov:agent {self.node(agent)} ;\n    kgo:stepIndex {index} .\n"
            )
            if previous is not None:
                steps.append(f"{previous} kgo:cites {step} .\n")
            previous = step
        for agent in dict.fromkeys(item.via) if len(item.via) > 1 else item.via:
            lines.append(f"kgo:reportedBy {self.node(agent)}")
        if chain:
            lines.append(f"kgo:originalSource {self.node(chain[-1])}")
        if item.said_to:
            lines.append(f"kgo:saidTo {self.node(item.said_to)}")
        return steps


_SEPARATOR = " ;\n    "  # between the predicates of one subject


def _block(subject: str, lines: list[str]) -> str:
    return subject + " " + _SEPARATOR.join(lines) + " .\n"


def turtle_header(base: str) -> str:
    """The prefixes the graph's Turtle declares first (`prefixes` of `base`)."""
    return "".join(f"@prefix {name}: {iri(namespace)} .\n" for name, namespace in prefixes(base).items()) + "\n"


def names_digest(model: Model) -> str:
    """A digest of every entity's names, in source order: what every article's mentions depend on."""
    return entity_names_digest(model.entities.values())


_last_finder: tuple[str, NameFinder] | None = None
_shelved: set[tuple[str, str, str]] = set()
"""The shelves (folder, version) known to hold the last finder, with its digest: put there or read from there."""
_FINDER = "name finder"
"""Its entry on a shelf (`entity_finder`)."""


def entity_finder(model: Model, digest: str | None = None, shelf: Shelf | None = None) -> NameFinder:
    """Every name and alias of every entity, for the articles' mentions (`digest`: `names_digest(model)`).

    The last one made is kept, under the digest of the names it holds (the same names make the same
    finder, whatever the model): a build makes it before it forks the processes that write the Turtle and
    the ontology's examples, which then share it, and `kg watch` makes it again only when a name changes.
    With a `shelf`, it is kept there too, for the next build: at 100,000 real-shaped facts (79,000 names)
    it takes 0.6 s of CPU to make and 0.07 s to read back (6 MB: reading, digest, unpickling), and most
    edits change no name."""
    global _last_finder
    digest = digest or names_digest(model)
    last = _last_finder
    if last is None or last[0] != digest:
        kept = shelf.get(_FINDER) if shelf is not None else None
        if kept is not None and kept[0] == digest and isinstance(kept[1], NameFinder):
            last = (digest, kept[1])
        else:
            names = ((entity.id, name) for entity in model.entities.values() for name in entity.names)
            last = (digest, NameFinder(names))
            if shelf is not None:
                _put_finder(shelf, digest, last[1])
        _last_finder = last
        _shelved.clear()
        if shelf is not None:
            _shelved.add((str(shelf.folder), shelf.version, digest))
    elif shelf is not None and (str(shelf.folder), shelf.version, digest) not in _shelved:
        _put_finder(shelf, digest, last[1])  # made for another shelf, or none: the next build reads it from this one
        _shelved.add((str(shelf.folder), shelf.version, digest))
    return last[1]


def _put_finder(shelf: Shelf, digest: str, finder: NameFinder) -> None:
    """Keep `finder` on `shelf`, which holds nothing else (what a build killed while writing left is removed)."""
    shelf.put(_FINDER, digest, finder)
    shelf.keep_only_used()


def graph_text(model: Model, ontology: Ontology, base: str, view: View | None = None) -> Iterator[str]:
    """The whole graph as Turtle, piece by piece (the header, then each source file's chunk)."""
    writer = TurtleWriter(model, ontology, view or View(model, ontology), base)
    yield writer.header()
    for records in model.by_file():
        yield writer.chunk(records).text
