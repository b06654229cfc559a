"""`kg diff`: what changed in the graph: claims, events, entities and evidence added, removed or changed.

Every comparison goes through one path: a graph's Turtle is loaded into an Oxigraph store and read back
with SPARQL into a `Digest` (each record as plain, hashable values keyed by its id), and two digests are
compared field by field.  So two export files and the working tree against a git revision (that
revision's sources built in memory by today's builder) are compared alike, by what the graph says rather
than by how the YAML is written: moving a claim to another file, reordering evidence or reformatting YAML
changes nothing.  `kg watch`, which says what changed after every rebuild, counts the same changes from
the two models instead (`model_counts`): reading a large graph back costs more than the rebuild.

Evidence is keyed by its record, article and quote (its IRI numbers it by position, which an edit above it
shifts): a new quote is an addition, another modality or attribution of the same quote a change.  The
ontology tells the most specific class of a node among the classes the graph lists for it, which of an
event's properties are roles, which of a claim's are qualifiers, and the names of the modalities.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Generic, NamedTuple, TypeVar

import pyoxigraph as ox

from kg import vocab as v
from kg.checks.checked import Project, load_project
from kg.curation.rendering import DIFF_FORMATS, markdown_cell
from kg.dates import PRECISIONS, Date
from kg.exports.rdf import DEFAULT_BASE, parse_turtle, prefixes
from kg.exports.turtle import graph_text
from kg.model import Article, Claim, Event, Model
from kg.ontology import Ontology, Term, load_ontology
from kg.problems import ValidationFailed, printable
from kg.query.store import declared_prefixes
from kg.vocab import DEFAULT_MODALITY, KGO, K

MINUS = "−"  # U+2212, in the summary and before removed items alike

_PRECISION_OF = {v.DAY: "day", v.MONTH: "month", v.YEAR: "year"}
_DATES = ((K.date, K.inferredDatePart), (K.startDate, K.inferredStartPart), (K.endDate, K.inferredEndPart))


class DiffError(Exception):
    """A comparison that cannot be made (an unknown revision, no git repository, an unreadable file)."""


# ---------------------------------------------------------------------------------------------- digests


def _shown_date(date: Date | None) -> str:
    """`2025-01-28`, `2025-01 (month)`, `2025-02-12 (year inferred)`, `2025-03 (month; year, month inferred)`: the
    precision when it is not a day (apart from the parts inferred: "month, year, month inferred" read as a slip)."""
    if date is None:
        return "none"
    notes = [date.precision] if date.precision != "day" else []
    if date.inferred:
        notes.append(f"{', '.join(date.inferred)} inferred")
    return f"{date.value} ({'; '.join(notes)})" if notes else date.value


def _shown_values(values: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Roles or qualifiers: `participant russia, syria; place damascus`."""
    return "; ".join(f"{name} {', '.join(items)}" for name, items in values) or "none"


def _each_value(kind: str, values: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """Roles or qualifiers as fields of their own, `role place: damascus`: one changed role showed every role, twice."""
    return {f"{kind} {name}": ", ".join(items) for name, items in values}


def _text(value: str | None) -> str:
    """Text from the graph (a name, a note, a quote) in double quotes, its line breaks escaped.

    Made printable (and bounded) only when rendered: two long notes must not compare equal for being
    shortened alike."""
    return "none" if value is None else json.dumps(value, ensure_ascii=False)


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(values) or "none"


@dataclass(frozen=True)
class ArticleDigest:
    """An article's own fields: what it is called and by whom, when, with which photos, what is ignored in
    it, and its text (compared whole, shown by its size and digest)."""

    label: str
    headline: str | None = None
    outlet: str | None = None
    outlet_note: str | None = None
    author: str | None = None
    section: str | None = None
    published_after: str | None = None  # the first day it can have been published
    published_before: str | None = None
    published_note: str | None = None
    photos: tuple[tuple[str, str, str | None], ...] = ()  # (id, caption, credit), by id
    ignored: tuple[str, ...] = ()  # the passages, sorted
    text: str = ""

    def shown(self) -> dict[str, str]:
        return {
            "label": _text(self.label),
            "headline": _text(self.headline),
            "outlet": self.outlet or "none",
            "outlet note": _text(self.outlet_note),
            "author": self.author or "none",
            "section": _text(self.section),
            "published after": self.published_after or "none",
            "published before": self.published_before or "none",
            "publication note": _text(self.published_note),
            "photos": _list(tuple(f"{i} {_text(caption)} ({_text(credit)})" for i, caption, credit in self.photos)),
            "ignored passages": _list(tuple(map(_text, self.ignored))),
            "text": f"{len(self.text):,} characters, sha256 {hashlib.sha256(self.text.encode()).hexdigest()[:12]}",
        }

    def describe(self) -> str:
        return f"{_text(self.label)}" + (f" ({self.outlet})" if self.outlet else "")


@dataclass(frozen=True)
class EntityDigest:
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    note: str | None = None

    def shown(self) -> dict[str, str]:
        """Each compared field, as the diff prints it."""
        return {
            **_shown_named(self),
            "note": _text(self.note),
        }

    def describe(self) -> str:
        return f"{self.type} {_text(self.name)}"


@dataclass(frozen=True)
class EventDigest:
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # role → values (ids, or quoted literals), sorted
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    date_notes: tuple[str, ...] = ()
    modality: str = DEFAULT_MODALITY
    conflicts: tuple[str, ...] = ()
    note: str | None = None

    def shown(self) -> dict[str, str]:
        return {**_shown_named(self), **_each_value("role", self.roles), **_shown_common(self)}

    def describe(self) -> str:
        roles = f" ({_shown_values(self.roles)})" if self.roles else ""
        return f"{self.type} {_text(self.name)}{roles}{_when(self.date, self.start, self.end)}"


@dataclass(frozen=True)
class ClaimDigest:
    subject: str
    predicate: str
    object: str  # a node id, or a literal value in double quotes
    qualifiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    date_notes: tuple[str, ...] = ()
    modality: str = DEFAULT_MODALITY
    conflicts: tuple[str, ...] = ()
    note: str | None = None

    def shown(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            **_each_value("qualifier", self.qualifiers),
            **_shown_common(self),
        }

    def describe(self) -> str:
        qualified = f" ({_shown_values(self.qualifiers)})" if self.qualifiers else ""
        when = _when(self.date, self.start, self.end)
        return f"{self.subject} {self.predicate} {self.object}{qualified}{when}; {self.modality}"


def _shown_named(node: EntityDigest | EventDigest) -> dict[str, str]:
    """The fields entities and events share, as the diff prints them."""
    return {"type": node.type, "name": _text(node.name), "aliases": _list(tuple(map(_text, node.aliases)))}


def _shown_common(record: EventDigest | ClaimDigest) -> dict[str, str]:
    """The fields events and claims share (`_Common`), as the diff prints them."""
    return {
        "date": _shown_date(record.date),
        "start": _shown_date(record.start),
        "end": _shown_date(record.end),
        "date note": _list(tuple(map(_text, record.date_notes))),
        "modality": record.modality,
        "conflicts": _list(record.conflicts),
        "note": _text(record.note),
    }


def _when(date: Date | None, start: Date | None, end: Date | None) -> str:
    if date is not None:
        return f", {_shown_date(date)}"
    if start is not None and end is not None:
        return f", {_shown_date(start)} to {_shown_date(end)}"
    if start is not None:  # open intervals as the page and `kg timeline` say them
        return f", from {_shown_date(start)}"
    return f", until {_shown_date(end)}" if end is not None else ""


class EvidenceKey(NamedTuple):
    """Which evidence: the record it supports, the article and the quote (`occurrence` tells apart the
    same quote given twice to one record)."""

    record: str
    article: str
    quote: str
    occurrence: int = 1

    def describe(self) -> str:
        again = f" (#{self.occurrence})" if self.occurrence > 1 else ""
        return f"{self.record} ← {self.article}: {_text(self.quote)}{again}"


@dataclass(frozen=True)
class EvidenceDigest:
    modality: str = DEFAULT_MODALITY
    via: tuple[str, ...] = ()  # the sources the article cites for the quote, in order
    said_to: str | None = None
    direct_speech: bool = False

    @property
    def attribution(self) -> str:
        parts = [f"via {', '.join(self.via)}"] if self.via else []
        if self.said_to:
            parts.append(f"said to {self.said_to}")
        if self.direct_speech:
            parts.append("direct speech")
        return "; ".join(parts) or "none"

    def shown(self) -> dict[str, str]:
        return {"modality": self.modality, "attribution": self.attribution}

    def describe(self) -> str:
        return self.modality if self.attribution == "none" else f"{self.modality}; {self.attribution}"


@dataclass(frozen=True)
class Digest:
    """What a graph says, record by record: entities, events and claims by id, evidence by `EvidenceKey`."""

    articles: Mapping[str, ArticleDigest] = field(default_factory=dict)
    entities: Mapping[str, EntityDigest] = field(default_factory=dict)
    events: Mapping[str, EventDigest] = field(default_factory=dict)
    claims: Mapping[str, ClaimDigest] = field(default_factory=dict)
    evidence: Mapping[EvidenceKey, EvidenceDigest] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- reading

_THINGS = "SELECT ?node ?property ?value WHERE { ?node a kgo:Thing ; ?property ?value }"
_ARTICLES = "SELECT ?node ?property ?value WHERE { ?node a kgo:Article ; ?property ?value }"
_PHOTOS = """
SELECT ?node ?property ?value WHERE {
  ?article kgo:hasPhoto ?node . ?node ?property ?value . FILTER (?property IN (schema:caption, schema:creditText))
}"""
_CLAIMS = "SELECT ?node ?property ?value WHERE { ?node a kgo:Claim ; ?property ?value }"
_EVIDENCE = """
SELECT ?evidence ?record ?article ?quote ?modality ?direct ?saidTo WHERE {
  ?evidence a kgo:Evidence ; oa:hasBody ?record ; prov:wasDerivedFrom ?article ; kgo:modality ?modality ;
            oa:hasTarget/oa:hasSelector ?selector .
  ?selector a oa:TextQuoteSelector ; oa:exact ?quote .
  OPTIONAL { ?evidence kgo:directSpeech ?direct }
  OPTIONAL { ?evidence kgo:saidTo ?saidTo }
}"""
_CITED = """
SELECT ?evidence ?agent WHERE {
  ?evidence a kgo:Evidence ; kgo:attribution ?step .
  ?step prov:agent ?agent ; kgo:stepIndex ?index .
  FILTER (?index > 0)
} ORDER BY ?evidence ?index"""
"""Step 0 is the article's outlet (when known), a fact about the article; the later steps are the quote's `via`."""

Bag = dict[str, list[Term]]


class _Common(NamedTuple):
    """The fields events and claims share, in the order both declare them."""

    date: Date | None
    start: Date | None
    end: Date | None
    date_notes: tuple[str, ...]
    modality: str
    conflicts: tuple[str, ...]
    note: str | None


class _Reader:
    """Reads one graph (in `store`) into a Digest; ids are IRIs with the graph's `base` taken off."""

    def __init__(self, store: ox.Store, ontology: Ontology, base: str):
        self.store, self.ontology, self.base = store, ontology, base
        self.prefixes = prefixes(base)
        self.modalities = {m.iri: m.name for m in ontology.modalities}
        self.roles = set(ontology.usable("role"))
        self.qualifiers = set(ontology.usable("qualifier"))

    def select(self, query: str) -> ox.QuerySolutions:
        solutions = self.store.query(query, prefixes=self.prefixes)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    def bags(self, query: str) -> dict[str, Bag]:
        """Node id → property IRI → values, from a query selecting ?node ?property ?value."""
        found: dict[str, Bag] = defaultdict(lambda: defaultdict(list))
        for row in self.select(query):
            found[self.id(row["node"])][row["property"].value].append(row["value"])
        return found

    def id(self, term: Term) -> str:
        """A node, claim or article IRI as its id; a literal in double quotes; any other IRI in <…>."""
        if isinstance(term, ox.Literal):
            return json.dumps(term.value, ensure_ascii=False)
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.base):
            local = term.value[len(self.base) :]
            for kind in ("claim/", "article/"):
                local = local.removeprefix(kind)
            return local
        return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term)

    @staticmethod
    def kgo_names(iris: Iterable[str]) -> set[str]:
        return {iri[len(KGO) :] for iri in iris if iri.startswith(KGO)}

    def texts(self, bag: Bag, iri: str) -> tuple[str, ...]:
        return tuple(sorted(t.value for t in bag.get(iri, ()) if isinstance(t, ox.Literal)))

    def text(self, bag: Bag, iri: str) -> str | None:
        return next(iter(self.texts(bag, iri)), None)

    def ids(self, bag: Bag, iri: str) -> tuple[str, ...]:
        return tuple(sorted({self.id(t) for t in bag.get(iri, ())}))

    def classes(self, bag: Bag) -> set[str]:
        return self.kgo_names(_iris(bag.get(v.TYPE, ())))

    def type(self, classes: set[str]) -> str:
        """The most specific of a node's classes: the one none of its other classes is below (the graph lists
        a node's class with all its ancestors)."""
        above = {a for c in classes for a in self.ontology.ancestors(c) if a != c}
        return ", ".join(sorted(classes - above))

    def modality(self, term: Term | None) -> str:
        """A modality by its name in YAML (its label in the ontology)."""
        if not isinstance(term, ox.NamedNode):
            return "none"
        return self.modalities.get(term.value, term.value.removeprefix(KGO).lower())

    def values(self, bag: Bag, allowed: set[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The values of each property in `allowed` (roles, qualifiers), by property name."""
        return tuple((name, self.ids(bag, KGO + name)) for name in sorted(self.kgo_names(bag) & allowed))

    def date(self, bag: Bag, prop: str, inferred_prop: str) -> Date | None:
        literal = next((t for t in bag.get(KGO + prop, ()) if isinstance(t, ox.Literal)), None)
        if literal is None:
            return None
        inferred = set(self.texts(bag, KGO + inferred_prop))
        precision = _PRECISION_OF.get(literal.datatype.value, literal.datatype.value)
        return Date(literal.value, precision, tuple(p for p in PRECISIONS if p in inferred))

    def common(self, bag: Bag) -> _Common:
        date, start, end = (self.date(bag, prop, inferred) for prop, inferred in _DATES)
        modality = self.modality(next(iter(bag.get(KGO + K.modality, ())), None))
        conflicts = self.ids(bag, KGO + K.conflictsWith)
        return _Common(
            date, start, end, self.texts(bag, KGO + K.dateNote), modality, conflicts, self.text(bag, KGO + K.note)
        )

    def digest(self) -> Digest:
        entities, events = {}, {}
        for node, bag in self.bags(_THINGS).items():
            classes = self.classes(bag)
            name, aliases = self.text(bag, v.LABEL) or "", self.texts(bag, v.ALT_LABEL)
            if K.Event in classes:
                roles = self.values(bag, self.roles)
                events[node] = EventDigest(self.type(classes), name, aliases, roles, *self.common(bag))
            else:
                entities[node] = EntityDigest(self.type(classes), name, aliases, self.text(bag, KGO + K.note))
        claims = {}
        for claim, bag in self.bags(_CLAIMS).items():
            subject, obj = (_list(self.ids(bag, prop)) for prop in (v.SUBJECT, v.OBJECT))
            predicate = _list(tuple(sorted(self.kgo_names(_iris(bag.get(v.PREDICATE, ()))))))
            qualifiers = self.values(bag, self.qualifiers)
            claims[claim] = ClaimDigest(subject, predicate, obj, qualifiers, *self.common(bag))
        return Digest(self.articles(), entities, events, claims, self.evidence())

    def articles(self) -> dict[str, ArticleDigest]:
        photos = self.bags(_PHOTOS)
        found = {}
        for article, bag in self.bags(_ARTICLES).items():
            shown = []
            for photo in self.ids(bag, KGO + K.hasPhoto):
                about = photos.get(photo, {})
                shown.append((photo, self.text(about, v.CAPTION) or "", self.text(about, v.CREDIT)))
            found[article] = ArticleDigest(
                self.text(bag, v.LABEL) or "",
                self.text(bag, v.HEADLINE),
                next(iter(self.ids(bag, KGO + K.outlet)), None),
                self.text(bag, KGO + K.outletNote),
                next(iter(self.ids(bag, v.AUTHOR)), None),
                self.text(bag, KGO + K.section),
                self.text(bag, KGO + K.publishedAfter),
                self.text(bag, KGO + K.publishedBefore),
                self.text(bag, KGO + K.publicationDateNote),
                tuple(shown),
                self.texts(bag, KGO + K.ignoredPassage),
                self.text(bag, v.TEXT) or "",
            )
        return found

    def evidence(self) -> dict[EvidenceKey, EvidenceDigest]:
        via: dict[str, list[str]] = defaultdict(list)
        for row in self.select(_CITED):
            via[row["evidence"].value].append(self.id(row["agent"]))
        found = []
        for row in self.select(_EVIDENCE):
            evidence, said_to, direct = row["evidence"].value, row["saidTo"], row["direct"]
            item = EvidenceDigest(
                self.modality(row["modality"]),
                tuple(via.get(evidence, ())),
                None if said_to is None else self.id(said_to),
                direct is not None and direct.value == "true",
            )
            key = EvidenceKey(self.id(row["record"]), self.id(row["article"]), row["quote"].value)
            found.append((key, _position(evidence), item))
        digest: dict[EvidenceKey, EvidenceDigest] = {}
        for key, _, item in sorted(found, key=lambda entry: (entry[0], entry[1])):
            while key in digest:
                key = key._replace(occurrence=key.occurrence + 1)
            digest[key] = item
        return digest


def _iris(terms: Iterable[Term]) -> list[str]:
    return [term.value for term in terms if isinstance(term, ox.NamedNode)]


def _position(evidence: str) -> int:
    """The evidence's place in its record (its IRI ends `.1`, `.2`…): orders a quote given twice."""
    number = evidence.rsplit(".", 1)[-1]
    return int(number) if number.isdigit() else 0


def _read(store: ox.Store, ontology: Ontology, base: str) -> Digest:
    return _Reader(store, ontology, base).digest()


def digest_of_project(project: Project, base: str = DEFAULT_BASE) -> Digest:
    """The digest of a validated project's graph, built in memory (no export is written)."""
    store = ox.Store()
    triples = parse_turtle(graph_text(project.model, project.ontology, base))
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return _read(store, project.ontology, base)


def digest_of_sources(sources: Path, ontology: Path, base: str = DEFAULT_BASE) -> Digest:
    """The digest of the graph `sources` builds to; raises ValidationFailed (every problem located)."""
    return digest_of_project(load_project(sources, ontology), base)


def digest_of_turtle(turtle: BinaryIO, ontology: Ontology, base: str = DEFAULT_BASE) -> Digest:
    """The digest of a graph's Turtle, read from `turtle` (open), its IRIs minted under `base`; SyntaxError if it
    is no Turtle."""
    store = ox.Store()
    store.bulk_load(input=turtle, format=ox.RdfFormat.TURTLE)
    return _read(store, ontology, base)


def digest_of_export(path: Path, ontology: Path) -> Digest:
    """The digest of an export (`graph.ttl`, `graph.nt`, `graph.jsonld`: the format by its ending), read with the
    classes and roles of the ontology in `ontology`."""
    known = load_ontology(ontology)  # OntologyError, reported as every command reports it
    store = ox.Store()
    rdf_format = _FORMATS.get(path.suffix, ox.RdfFormat.TURTLE)
    try:
        store.load(path=str(path), format=rdf_format)
        base = _base_of(store) or declared_prefixes(path).get("kg", DEFAULT_BASE)
    except (OSError, SyntaxError, ValueError) as error:
        raise DiffError(f"cannot read {path}: {_reason(error)}") from None
    digest = _read(store, known, base)
    if not digest.articles:  # an empty file, the ontology, a truncated export: every record would be "removed"
        held = f"{len(store):,} triples but no article" if len(store) else "no triples"
        raise DiffError(f"{path} holds {held}: it is no graph kg build wrote (compare a graph.ttl)")
    return digest


_FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD}
"""The formats of the exports that are not Turtle, by their ending (any other file is read as Turtle)."""


def _base_of(store: ox.Store) -> str | None:
    """The base the graph's IRIs were minted under, told by an article's IRI (`<base>article/<id>`): N-Triples
    and JSON-LD declare no prefix, and a graph built with `--base` has no other."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(v.RDF + "type"), ox.NamedNode(KGO + K.Article)):
        article = quad.subject
        if isinstance(article, ox.NamedNode) and (minted := _ARTICLE_IRI.fullmatch(article.value)):
            return minted[1]
    return None


_ARTICLE_IRI = re.compile(r"(.*[/#])article/[^/#]*")
"""An article's IRI, `<base>article/<id>`: a base ends with `/` or `#` (`kg.exports.turtle.valid_base`)."""


def _reason(error: Exception) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


EXPORT_SUFFIXES = frozenset({".ttl", ".nt", ".jsonld"})
"""The endings of the RDF a build exports: a name with one is meant as a file, never a git revision."""


def digest_of(what: str | None, sources: Path, ontology: Path) -> Digest:
    """What `kg diff` compares: the working tree's `sources` (for None), an export file, or a git revision."""
    if what is None:
        return digest_of_sources(sources, ontology)
    if not what:  # `kg diff "$REV"` with REV unset: git's "unknown revision ''" names nothing
        raise DiffError("an empty argument: name a revision (HEAD~1) or an export file (old/graph.ttl)")
    if Path(what).is_file():
        return digest_of_export(Path(what), ontology)
    if Path(what).exists() and not Path(what).is_dir():  # a FIFO, a device (/dev/null): no export, nor a revision
        raise DiffError(f"{what}: not a regular file")
    if Path(what).suffix in EXPORT_SUFFIXES:  # meant as a file: git's "unknown revision" would mislead
        raise DiffError(f"{what}: {'a folder, not a file' if Path(what).is_dir() else 'no such file'}")
    try:
        return digest_at_revision(what, sources, ontology)
    except DiffError as error:  # a folder (exports/, say) no revision is named as: "unknown revision" misled
        if not Path(what).is_dir() or not str(error).startswith("unknown revision"):
            raise
        turtle = Path(what) / "graph.ttl"
        meant = f": compare {turtle}" if turtle.is_file() else ": name an export file in it, or a revision"
        raise DiffError(f"{what} is a folder{meant}") from None


# ---------------------------------------------------------------------------------------------- revisions


def _git(folder: Path, *args: str) -> bytes:
    """The output of `git -C folder ARGS`; a DiffError with git's last line of complaint when it fails."""
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)
    except OSError as error:
        raise DiffError(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        complaint = done.stderr.decode(errors="replace").strip().splitlines()
        raise DiffError(complaint[-1] if complaint else f"git {args[0]} failed")
    return done.stdout


def _in_repository(path: Path, top: Path) -> str:
    try:
        return path.resolve().relative_to(top).as_posix()
    except ValueError:
        raise DiffError(f"{path} is not inside the git repository {top}") from None


def digest_at_revision(rev: str, sources: Path, ontology: Path, base: str = DEFAULT_BASE) -> Digest:
    """The digest of what `sources` and `ontology` held at git revision `rev`, built by today's builder.

    The repository is the one holding `sources`; both folders are extracted (`git archive`) into a
    temporary folder and built there.  A DiffError for a bad revision or a folder outside a repository;
    ValidationFailed when that revision does not validate, its problems located as `REV:path:line:col`.
    """
    if rev.startswith("-"):
        raise DiffError(f"not a revision: {rev!r}")
    try:
        top = Path(_git(Path(os.path.abspath(sources)).parent, "rev-parse", "--show-toplevel").decode().strip())
    except DiffError as error:
        raise DiffError(f"cannot compare with {rev}: {error}") from None
    top = top.resolve()
    paths = [_in_repository(sources, top), _in_repository(ontology, top)]
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except DiffError:
        try:
            _git(top, "rev-parse", "--verify", "--quiet", "HEAD")
        except DiffError:
            raise DiffError(f"{top} has no commit yet to compare with") from None
        raise DiffError(f"unknown revision {rev!r} in {top}") from None
    try:
        archive = _git(top, "archive", "--format=tar", commit, "--", *paths)
    except DiffError as error:
        raise DiffError(f"cannot read {' and '.join(paths)} at {rev}: {error}") from None
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as scratch:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later: refuse links and paths leaving scratch
                tar.extractall(scratch, filter=_links_kept)
            else:  # git archive writes plain files under the paths asked for
                tar.extractall(scratch)
        try:
            return digest_of_sources(Path(scratch, paths[0]), Path(scratch, paths[1]), base)
        except ValidationFailed as failure:
            raise ValidationFailed([replace(p, file=_at(rev, p.file, scratch)) for p in failure.problems]) from None


def _links_kept(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's "data" filter, but for a symbolic link that leads out of the folder (`x.txt -> /etc/passwd`):
    kept as a link, which the build then refuses to follow ("leads outside sources/"), as it does in the working
    tree; the data filter raised, a traceback.  git archive writes each path once, so nothing is written through
    it."""
    try:
        return tarfile.data_filter(member, path)
    except (tarfile.AbsoluteLinkError, tarfile.LinkOutsideDestinationError):
        if not member.issym():
            raise
        return tarfile.tar_filter(member, path)


def _at(rev: str, file: str, scratch: str) -> str:
    """A problem's file in the extracted revision, named as git does: `HEAD:sources/facts/x.yaml`."""
    try:
        return f"{rev}:{Path(os.path.abspath(file)).relative_to(os.path.abspath(scratch)).as_posix()}"
    except ValueError:
        return file


# ---------------------------------------------------------------------------------------------- changes


Key = TypeVar("Key", str, EvidenceKey)
Value = TypeVar("Value", ArticleDigest, EntityDigest, EventDigest, ClaimDigest, EvidenceDigest)


@dataclass(frozen=True)
class FieldChange:
    """A field of a record, as shown before and after."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class KindChanges(Generic[Key, Value]):
    """Records of one kind added, removed and changed, each sorted by key."""

    added: dict[Key, Value] = field(default_factory=dict)
    removed: dict[Key, Value] = field(default_factory=dict)
    changed: dict[Key, tuple[FieldChange, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _compare(old: Mapping[Key, Value], new: Mapping[Key, Value]) -> KindChanges[Key, Value]:
    changed = {}
    for key in sorted(old.keys() & new.keys()):
        if old[key] != new[key]:
            before: dict[str, str] = old[key].shown()
            after: dict[str, str] = new[key].shown()
            names = [*before, *(name for name in after if name not in before)]  # a role added or removed too
            changed[key] = tuple(
                FieldChange(name, before.get(name, "none"), after.get(name, "none"))
                for name in names
                if before.get(name) != after.get(name)
            )
    return KindChanges(
        {key: new[key] for key in sorted(new.keys() - old.keys())},
        {key: old[key] for key in sorted(old.keys() - new.keys())},
        {key: fields for key, fields in changed.items() if fields},
    )


_NOUNS = {
    "articles": ("article", "articles"),
    "entities": ("entity", "entities"),
    "events": ("event", "events"),
    "claims": ("claim", "claims"),
}


def _count(number: int, kind: str) -> str:
    singular, plural = _NOUNS.get(kind, (kind, kind))  # "evidence" is both
    return f"{number} {singular if number == 1 else plural}"


@dataclass(frozen=True)
class Changes:
    """What changed from one graph to another, per kind of record."""

    articles: KindChanges[str, ArticleDigest]
    entities: KindChanges[str, EntityDigest]
    events: KindChanges[str, EventDigest]
    claims: KindChanges[str, ClaimDigest]
    evidence: KindChanges[EvidenceKey, EvidenceDigest]

    def kinds(self) -> dict[str, KindChanges[Any, Any]]:
        """Each kind by its plural name, in the order reports list them."""
        return {
            "articles": self.articles,
            "entities": self.entities,
            "events": self.events,
            "claims": self.claims,
            "evidence": self.evidence,
        }

    def __bool__(self) -> bool:
        return any(self.kinds().values())

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """Kind → (added, removed, changed)."""
        return {kind: (len(f.added), len(f.removed), len(f.changed)) for kind, f in self.kinds().items()}

    def summary(self) -> str:
        """One line: `+3 claims, −1 event, 2 claims changed, +4 evidence`, or `no change in the graph`."""
        return summary_line(self.counts())


def summary_line(counts: Mapping[str, tuple[int, int, int]]) -> str:
    """Kind → (added, removed, changed) as one line: `+3 claims, −1 event, 2 claims changed, +4 evidence`."""
    parts = []
    for kind, (added, removed, changed) in counts.items():
        if added:
            parts.append(f"+{_count(added, kind)}")
        if removed:
            parts.append(f"{MINUS}{_count(removed, kind)}")
        if changed:
            parts.append(f"{_count(changed, kind)} changed")
    return ", ".join(parts) or "no change in the graph"


def model_counts(old: Model, new: Model, ontology: Ontology) -> dict[str, tuple[int, int, int]]:
    """What `compare` counts between the graphs of two models, from the models themselves: no RDF is
    written or read, so it costs a pass over the records (`kg watch` says it after every rebuild; reading
    a 10,000-fact graph back for `compare` takes twice as long as the rebuild).  The same records are
    added, removed or changed as `compare` finds (tested): a record changes with what its digest holds,
    conflicts on both sides, roles and values in any order, its modality the strongest of its evidence."""
    before, after = _model_records(old, ontology), _model_records(new, ontology)
    return {kind: _counted(before[kind], after[kind]) for kind in before}


def _counted(old: Mapping[Any, object], new: Mapping[Any, object]) -> tuple[int, int, int]:
    changed = sum(1 for key in old.keys() & new.keys() if old[key] != new[key])
    return len(new.keys() - old.keys()), len(old.keys() - new.keys()), changed


def _model_records(model: Model, ontology: Ontology) -> dict[str, dict[Any, object]]:
    """Per kind, each record as the fields its digest holds (evidence apart, by its own key)."""
    conflicts: dict[str, set[str]] = defaultdict(set)
    for record in model.records():
        for other in record.conflicts_with:
            conflicts[record.id].add(other)
            conflicts[other].add(record.id)

    def sorted_values(pairs: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(sorted((name, tuple(sorted(values))) for name, values in pairs))

    def fields(record: Event | Claim) -> object:
        strongest = ontology.strongest({item.modality for item in record.evidence}).name
        shared = (record.date, record.start, record.end, record.note, strongest, sorted(conflicts[record.id]))
        if isinstance(record, Event):
            return (record.type, record.name, sorted(record.aliases), sorted_values(record.roles), *shared)
        return (
            record.subject,
            record.predicate,
            record.object,
            record.value,
            sorted_values(record.qualifiers),
            *shared,
        )

    evidence: dict[Any, object] = {}
    for record in model.records():
        for item in record.evidence:
            key = EvidenceKey(record.id, item.article, item.quote)
            while key in evidence:
                key = key._replace(occurrence=key.occurrence + 1)
            evidence[key] = (item.modality, item.via, item.said_to, item.direct_speech)

    def article_fields(article: Article) -> object:
        after, before = article.published_after, article.published_before
        return (
            article.label,
            article.headline,
            article.outlet,
            article.outlet_note,
            article.author,
            article.section,
            after.earliest if after else None,
            before.latest if before else None,
            article.published_note,
            sorted((photo.id, photo.caption, photo.credit) for photo in article.photos),
            sorted({item.quote for item in article.ignore}),
            article.text,
        )

    return {
        "articles": {a.id: article_fields(a) for a in model.articles.values()},
        "entities": {e.id: (e.type, e.name, sorted(e.aliases), e.note) for e in model.entities.values()},
        "events": {e.id: fields(e) for e in model.events.values()},
        "claims": {c.id: fields(c) for c in model.claims.values()},
        "evidence": evidence,
    }


def compare(old: Digest, new: Digest) -> Changes:
    """What is added, removed and changed (field by field) from `old` to `new`."""
    return Changes(
        _compare(old.articles, new.articles),
        _compare(old.entities, new.entities),
        _compare(old.events, new.events),
        _compare(old.claims, new.claims),
        _compare(old.evidence, new.evidence),
    )


# ---------------------------------------------------------------------------------------------- rendering


def _key(key: str | EvidenceKey) -> str:
    return key.describe() if isinstance(key, EvidenceKey) else key


def _render(
    changes: Changes,
    heading: Callable[[str], str],
    item: Callable[[str, str, str], str],
    change: Callable[[FieldChange], str],
) -> list[str]:
    """The lines after the summary, each kind's added, removed, then changed records; `item` formats a
    record from its marker (+, −, ~), its key and its description, `change` a changed field."""
    lines: list[str] = []
    for kind, found in changes.kinds().items():
        for title, marker, records in (("added", "+", found.added), ("removed", MINUS, found.removed)):
            if records:
                lines += ["", heading(f"{kind.capitalize()} {title}")]
                lines += [item(marker, _key(k), r.describe()) for k, r in records.items()]
        if found.changed:
            lines += ["", heading(f"{kind.capitalize()} changed")]
            for k, fields in found.changed.items():
                lines.append(item("~", _key(k), ""))
                lines += [change(f) for f in fields]
    return lines


def render_text(changes: Changes) -> str:
    """The summary, then each kind's added, removed and changed records (with each field old → new), every
    text from the graph made printable (`kg.problems.printable`: no terminal escapes, bounded)."""
    lines = _render(
        changes,
        lambda title: f"{title}:",
        lambda marker, key, text: f"  {marker} {printable(key)}" + (f" — {printable(text)}" if text else ""),
        lambda change: f"      {change.field}: {printable(change.old)} → {printable(change.new)}",
    )
    return "\n".join([changes.summary(), *lines]) + "\n"


def render_markdown(changes: Changes) -> str:
    """For a pull request: a heading, the summary, then a section per kind and change; every text from the
    graph escaped (`markdown_cell`), so no quote can break the list or inject HTML."""
    lines = _render(
        changes,
        lambda title: f"### {title}",
        lambda _, key, text: f"- **{_markdown(key)}**" + (f" — {_markdown(text)}" if text else ""),
        lambda change: f"  - {change.field}: {_markdown(change.old)} → {_markdown(change.new)}",
    )
    return "\n".join(["## Changes in the graph", "", changes.summary(), *lines]) + "\n"


def _markdown(text: str) -> str:
    return markdown_cell(printable(text))


def render(changes: Changes, output_format: str = "text") -> str:
    """`changes` in one of DIFF_FORMATS."""
    if output_format == "markdown":
        return render_markdown(changes)
    if output_format != "text":
        raise ValueError(f"unknown diff format {output_format!r}: choose from {', '.join(DIFF_FORMATS)}")
    return render_text(changes)
