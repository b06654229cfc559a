"""What the page shows of each claim and event, made one source file at a time and kept between builds.

For every record: the look of its links (modality, and whether anything conflicts with it), every modality of its
evidence (a mask, which the page's modality filter reads), its first and
last day, its date as curated, the articles it cites (by number), and its entry in a `records` shard as
JSON.  That is most of the page's work on a large corpus (1.3 s of 4.9 at 100,000 facts), and a one-file
edit changes it for one file's records only.

A file's rows are a function of its records and of a few facts of other files, each read through `_Reads`,
which lists it: the name of a node, the title of a conflicting record, who conflicts with a record, an
article's number and outlet.  The rows are kept with the digests of the file (and the article texts it
holds) and with each fact read and its value then, and used again only while all of them hold (and the
builder and the ontology, which name the shelf), packed in a few files (`kg.shelf.Packed`).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kg.exports.page_json import escaped_bytes
from kg.exports.view import Record, View, claim_title, date_text, first_day, last_day
from kg.model import Claim, Evidence, SourceRecords
from kg.reads import Read, ReadValues, read_now
from kg.shelf import Packed, keepable

Look = tuple[str, bool]
"""How a record's links are drawn: its modality (the firmest), and whether anything conflicts with it.  Few
distinct looks, numbered as they first appear: an edit seldom renumbers them (with every modality of the
evidence in the look, one renumbered 6,436 of 99,990 records' links after an edit of one file)."""

KINDS = ("name", "title", "conflicts", "article", "outlet")
"""What a file's rows read of other files: a node's name, a (conflicting) record's title, the records that
conflict with a record, an article's number and its outlet."""


@dataclass
class RecordRows:
    """The rows of some records, in order; `entries`: each one's JSON as a shard holds it (escaped, UTF-8: a
    shard joins them)."""

    looks: list[Look] = field(default_factory=list)
    masks: list[int] = field(default_factory=list)  # bit i: some evidence has the ontology's modality i
    since: list[str | None] = field(default_factory=list)
    until: list[str | None] = field(default_factory=list)
    dates: list[str | None] = field(default_factory=list)
    articles: list[list[int]] = field(default_factory=list)
    entries: list[bytes] = field(default_factory=list)

    def extend(self, other: RecordRows, shared: dict[Any, Any]) -> None:
        """Add `other`'s rows, each look, date text and list of articles as the first equal one `shared` holds:
        most records share theirs (a million records, a few thousand distinct lists)."""
        self.looks += [shared.setdefault(look, look) for look in other.looks]
        self.dates += [shared.setdefault(date, date) for date in other.dates]
        self.articles += [shared.setdefault(tuple(articles), articles) for articles in other.articles]
        for name in ("masks", "since", "until", "entries"):
            getattr(self, name).extend(getattr(other, name))


class _Reads:
    """The facts of other files a file's rows read, each listed in `seen` by kind; `values` gives today's
    values of a kind's keys, a list at a time (a kept file is checked against some 3,000 reads)."""

    def __init__(self, view: View, article_index: dict[str, int], names: dict[str, str]):
        self.names, self.article_index = names, article_index
        self.seen: dict[str, set[str]] = {}
        self.start()
        articles, conflicts = view.model.articles, view.conflicts
        self._articles, self._conflicts = articles, conflicts
        self.one: dict[str, Callable[[str], Any]] = {
            "name": lambda key: names.get(key, key),
            "title": view.title,
            "conflicts": conflicts.get,
            "article": lambda key: article_index.get(key, -1),
            "outlet": lambda key: articles[key].outlet if key in articles else None,
        }

    def values(self, kind: str, keys: tuple[str, ...]) -> list[Any]:
        if kind == "name":  # most reads: a file's claims name a node or two each (looked up in C)
            return list(map(self.names.get, keys, keys))
        return list(map(self.one[kind], keys))

    def start(self) -> None:
        """Forget what was read: a new file's rows start."""
        self.seen = {kind: set() for kind in KINDS}
        self._seen_names, self._seen_articles = self.seen["name"], self.seen["article"]

    def __call__(self, kind: str, key: str) -> Any:
        self.seen[kind].add(key)
        return self.one[kind](key)

    # The reads every row makes, a method each: a row makes seven or so (750,000 at 100,000 facts).

    def name(self, key: str) -> str:
        self._seen_names.add(key)
        return self.names.get(key, key)

    def article(self, key: str) -> int:
        self._seen_articles.add(key)
        return self.article_index.get(key, -1)

    def outlet(self, key: str) -> str | None:
        self.seen["outlet"].add(key)
        article = self._articles.get(key)
        return article.outlet if article is not None else None

    def conflicts(self, key: str) -> list[str] | None:
        self.seen["conflicts"].add(key)
        return self._conflicts.get(key)

    def now(self) -> Read:
        """Each kind's keys read and their values now: what a kept file is checked against."""
        return read_now(self.seen, self.values)


class RowMaker:
    """Makes the rows of each source file's records, or takes them from `shelf` where they still hold; `names`:
    each node's name by its id."""

    def __init__(
        self,
        view: View,
        article_index: dict[str, int],
        relation_label: dict[str, str],
        kept: tuple[Packed, dict[Path, str]] | None,
        names: dict[str, str],
    ):
        self.view = view
        self.article_index = article_index
        self.relation_label = relation_label
        self.shelf: Packed | None = kept[0] if kept is not None else None
        self.digests: dict[Path, str] = kept[1] if kept is not None else {}
        self.reads = _Reads(view, article_index, names)
        # what the kept rows read, and what of it changed
        self.changes = ReadValues(self.shelf.shelf, self.reads.values) if self.shelf is not None else None
        # Each look, date text and list of articles as the first equal one (`RecordRows.extend`), from the
        # start: a file's rows are held on the shelf until it is written, beside all the others.  A look is a
        # pair of text and flag, a date a text, a list of articles numbers a tuple: no clash.
        self.shared: dict[Any, Any] = {}

    def rows(self, groups: list[SourceRecords]) -> RecordRows:
        """The rows of every claim and event of `groups` (the model's `by_file`), in the view's record order
        (events, then claims)."""
        events, claims = RecordRows(), RecordRows()
        shared = self.shared
        for group in (group for group in groups if group.events or group.claims):
            made = self._kept(group)
            if made is None:
                made = self._make(group)
            events.extend(made[0], shared)
            claims.extend(made[1], shared)
        if self.shelf is not None and self.changes is not None:  # written now, and no longer held: the rows'
            self.changes.write_with(self.shelf.flush)  # texts are freed as written; with the map of their reads
        events.extend(claims, shared)
        return events

    def _stamp(self, group: SourceRecords) -> str | None:
        parts = [self.digests.get(group.file), *(self.digests.get(article.text_path) for article in group.articles)]
        return "\0".join(str(part) for part in parts) if keepable(*parts) else None

    def _kept(self, group: SourceRecords) -> tuple[RecordRows, RecordRows] | None:
        stamp = self._stamp(group)
        kept = self.shelf.get(_name(group)) if self.shelf is not None and stamp is not None else None
        if kept is None or kept[0][0] != stamp or self.changes is None or not isinstance(kept[0][1], bytes):
            return None
        return kept[1] if self.changes.holds(kept[0][1]) else None

    def _make(self, group: SourceRecords) -> tuple[RecordRows, RecordRows]:
        reads = self.reads
        reads.start()
        made = RecordRows(), RecordRows()
        for event in group.events:
            self._row(event, made[0])
        for claim in group.claims:
            self._row(claim, made[1])
        for rows in made:
            rows.entries = _escaped_each(rows.entries)
        stamp = self._stamp(group)
        if self.shelf is not None and self.changes is not None and stamp is not None:
            read = reads.now()
            self.changes.note(read)
            self.shelf.put(_name(group), (stamp, pickle.dumps(read, pickle.HIGHEST_PROTOCOL)), made)
        return made

    def _row(self, record: Record, rows: RecordRows) -> None:
        """Add `record`'s row to `rows`.  Its shard entry is [id, kind, title, date, modality, conflicts,
        qualifiers, note, evidence]: a list, not an object (at 100,000 records the keys alone would be 11 MB;
        the page turns rows back into objects)."""
        reads, view, shared = self.reads, self.view, self.shared
        modality = view.modality(record.evidence)
        conflicts = reads.conflicts(record.id) or ()
        look = (modality.name, bool(conflicts))
        rows.looks.append(shared.setdefault(look, look))
        rows.masks.append(view.modality_mask(record.evidence))
        rows.since.append(first_day(record))
        rows.until.append(last_day(record))
        date = date_text(record)
        date = shared.setdefault(date, date)
        rows.dates.append(date)
        articles = [reads.article(item.article) for item in record.evidence]
        listed = articles if len(articles) == 1 else sorted(set(articles))
        rows.articles.append(shared.setdefault(tuple(listed), listed))
        qualifiers = record.qualifiers if isinstance(record, Claim) else ()
        entry = [
            record.id,
            "claim" if isinstance(record, Claim) else "event",
            self._title(record),
            date,
            modality.name,
            [reads("title", other) for other in conflicts],
            [(self.relation_label.get(q, q), [reads.name(v) for v in values]) for q, values in qualifiers],
            record.note,
            [self._evidence(item, article) for item, article in zip(record.evidence, articles, strict=True)],
        ]
        rows.entries.append(orjson.dumps(entry))  # escaped with the file's others (`_escaped_each`)

    def _title(self, record: Record) -> str:
        """`View.title` of a record of this file, from the names it reads."""
        if isinstance(record, Claim):
            return claim_title(record, self.reads.name, self.view.ontology)
        return record.name

    def _evidence(self, item: Evidence, article: int) -> list[Any]:
        """[article (its number), quote, chain, said to, modality, direct speech]."""
        reads = self.reads
        outlet = reads.outlet(item.article)
        chain = [outlet, *item.via] if outlet else item.via
        return [
            article,
            item.quote,
            [reads.name(agent) for agent in chain],
            reads.name(item.said_to) if item.said_to else None,
            item.modality,
            item.direct_speech,
        ]


def _escaped_each(entries: list[bytes]) -> list[bytes]:
    """Each of `entries` (JSON) escaped (`escaped_bytes`), all in one pass: joined by line breaks, which JSON
    text never holds nor escaping makes, then split again.  Escaped one at a time, each took six calls.  The
    pieces are new bytes of their own size (orjson's hold 4 kB each: 412 MB for 100,000 short rows)."""
    return escaped_bytes(b"\n".join(entries)).split(b"\n") if entries else []


def _name(group: SourceRecords) -> str:
    return f"rows {group.file}"
