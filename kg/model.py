"""The curated model: typed, immutable records, each remembering where in the YAML it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.dates import Date
from kg.pickling import frozen_record
from kg.problems import BUILT_IN_PYTHON, Where
from kg.vocab import DEFAULT_MODALITY


@frozen_record
@dataclass(frozen=True, slots=True)
class Evidence:
    """A verbatim quote from an article, and how that article attributes what it quotes."""

    article: str
    quote: str
    via: tuple[str, ...] = ()
    said_to: str | None = None
    modality: str = DEFAULT_MODALITY  # a kgo:Modality, by its label; the ontology ranks them
    direct_speech: bool = False
    owner: Where = field(default=BUILT_IN_PYTHON, compare=False, repr=False)  # where its record is
    index: int = field(default=0, compare=False, repr=False)  # its place in the record's evidence

    @property
    def where(self) -> Where:
        """Where the item is: made when asked for (a message), not held.  A million facts hold a million
        evidence items, whose own Where and YAML path would take 120 bytes each; the record's Where is
        shared and the index is a small int."""
        if self.owner is BUILT_IN_PYTHON:
            return BUILT_IN_PYTHON
        return self.owner.at("evidence", self.index)


@frozen_record
@dataclass(frozen=True, slots=True)
class Node:
    """What claims and roles may point at: an id, a class from the ontology, a name and its variants."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@frozen_record
@dataclass(frozen=True, slots=True)
class Entity(Node):
    """An actor, place, base, topic…: identity only; what sources say about it are claims and events."""

    note: str | None = None
    where: Where = field(default=BUILT_IN_PYTHON, compare=False, repr=False)
    lint: tuple[tuple[str, str, str], ...] = ()  # (rule, reason, field or ""): `kg lint` marks (`kg.checks.lint`)


@frozen_record
@dataclass(frozen=True, slots=True)
class Event(Node):
    """Something that happened: a typed node with roles, a date, a place and its own evidence."""

    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    evidence: tuple[Evidence, ...] = ()
    conflicts_with: tuple[str, ...] = ()
    note: str | None = None
    where: Where = field(default=BUILT_IN_PYTHON, compare=False, repr=False)
    lint: tuple[tuple[str, str, str], ...] = ()  # (rule, reason, field or ""): `kg lint` marks (`kg.checks.lint`)


@frozen_record
@dataclass(frozen=True, slots=True)
class Claim:
    """One fact: subject, predicate and an object id (or a literal `value`), with its evidence."""

    id: str
    subject: str
    predicate: str
    object: str | None = None
    value: str | None = None
    date: Date | None = None
    start: Date | None = None
    end: Date | None = None
    qualifiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    evidence: tuple[Evidence, ...] = ()
    conflicts_with: tuple[str, ...] = ()
    note: str | None = None
    where: Where = field(default=BUILT_IN_PYTHON, compare=False, repr=False)
    lint: tuple[tuple[str, str, str], ...] = ()  # (rule, reason, field or ""): `kg lint` marks (`kg.checks.lint`)
    value_kind: str = "text"  # what YAML gave as `value`: "text", or a "number" or "boolean" (kg.literals)


@frozen_record
@dataclass(frozen=True, slots=True)
class Photo:
    id: str
    caption: str
    credit: str | None = None


@frozen_record
@dataclass(frozen=True, slots=True)
class Ignored:
    quote: str
    reason: str
    where: Where = field(default=BUILT_IN_PYTHON, compare=False, repr=False)


@frozen_record
@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text_file: str
    text: str
    headline: str | None = None  # as printed; None when the captured text prints none
    title: str | None = None  # the curator's description, for articles without a printed headline
    outlet: str | None = None
    outlet_note: str | None = None
    author: str | None = None
    section: str | None = None
    published_after: Date | None = None
    published_before: Date | None = None
    published_note: str | None = None
    photos: tuple[Photo, ...] = ()
    ignore: tuple[Ignored, ...] = ()
    where: Where = field(default=BUILT_IN_PYTHON, compare=False, repr=False)

    @property
    def label(self) -> str:
        """What to call the article: its printed headline, else the curator's title."""
        return self.headline or self.title or self.id

    @property
    def text_path(self) -> Path:
        """The text file, beside the article's YAML file."""
        return _beside(self.where.file, self.text_file)


@lru_cache(maxsize=1 << 16)
def _beside(file: Path, name: str) -> Path:
    """The file `name` (its last part) in `file`'s folder, one object per pair: every build asks for each
    article's text path several times (its digest, its coverage, its Turtle, its marks on the page), and a
    path is slow to make (0.11 s for 5,100 at 100,000 real-shaped facts, in the checks alone)."""
    return file.parent / Path(name).name


@dataclass
class SourceRecords:
    """The records one source file holds, in file order (an article file holds one article, a facts file
    entities, events and claims)."""

    file: Path
    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


@dataclass
class Model:
    """Everything curated, in source order (files sorted by path, records in file order); `files`: the source
    files in the order they were loaded."""

    articles: dict[str, Article] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    default_articles: dict[Path, str] = field(default_factory=dict)
    """Facts file → its top-level `article:` (the article of each of its evidence items that names none)."""
    quote_places: dict[str, tuple[str, dict[str, tuple[int, int]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Where quotes were found in each article's text so far (first and next), by article id, with the text they
    were found in (`kg.checks.quotes`)."""

    def node(self, node_id: str) -> Entity | Event | None:
        """An entity or event by id: the things claims and roles may point at."""
        return self.entities.get(node_id) or self.events.get(node_id)

    def nodes(self) -> list[Entity | Event]:
        """Entities, then events: everything with a name that claims and roles may point at."""
        return [*self.entities.values(), *self.events.values()]

    def records(self) -> list[Event | Claim]:
        """Events, then claims: everything that carries evidence."""
        return [*self.events.values(), *self.claims.values()]

    def node_type(self, node_id: str) -> str | None:
        node = self.node(node_id)
        return node.type if node else None

    def by_file(self) -> list[SourceRecords]:
        """The records grouped by the source file they came from, files in loading order (`files`; a file not
        listed there after them, in order of appearance): each kind of record then comes in the order the
        model holds it, which numbers the records (a facts file may declare entities too: grouped in order of
        each file's first kind of record, its events came before those of an earlier file).  Files without
        records are left out."""
        files = {file: SourceRecords(file) for file in self.files}
        # Each path object looked up once, then its group by the object's identity: a path hashes in Python,
        # and 186,000 records of 100,000 real-shaped facts name 8,000 (0.09 s → 0.04 s).  The records hold
        # their paths, so no identity is reused meanwhile.
        by_object: dict[int, SourceRecords] = {}
        for kind in ("articles", "entities", "events", "claims"):
            records: dict[str, Article] | dict[str, Entity] | dict[str, Event] | dict[str, Claim] = getattr(self, kind)
            for record in records.values():
                file = record.where.file
                group = by_object.get(id(file))
                if group is None:
                    group = files.get(file)
                    if group is None:
                        group = files[file] = SourceRecords(file)
                    by_object[id(file)] = group
                getattr(group, kind).append(record)
        return [group for group in files.values() if group.articles or group.entities or group.events or group.claims]
