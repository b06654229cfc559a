"""What the graph page reads: a bounded overview to draw at once, and the rest in shards loaded on demand.

The page opens on the best-connected nodes (at most `OVERVIEW_NODES`, laid out here), whatever the size
of the corpus.  Everything else waits in shards: `nodes` (a node's names, facts and every link with what
lies at its other end), `records` (a claim's or event's evidence, quotes and attribution chains), `search`
(every name and alias) and `article` (an article's text with its marks for the reader: the spans each record
cites, the ignored passages, the metadata).  A small graph keeps its shards inline, in the page itself; a
large one writes them beside the page as scripts the page adds when it needs them (works from `file://`).

Nodes, records and articles are numbered in the order of the derived view (`kg.exports.view`); a shard
holds a run of consecutive numbers, so the page knows which shard holds what without an index.
Everything shown is taken from the view; the page puts every text from YAML into the DOM as text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from kg.checks.checked import Project
from kg.checks.coverage import article_marks, quotes_by_article
from kg.checks.kept import accounting_stamp
from kg.exports.manifest import file_stamp
from kg.exports.page_json import script_bytes, shard_file
from kg.exports.page_layout import node_positions
from kg.exports.page_records import Look, RowMaker
from kg.exports.page_style import (
    BIG_GRAPH,
    class_group,
    class_style,
    edge_look,
    edge_style,
    node_box,
    node_label,
    node_size,
    vis_options,
)
from kg.exports.page_tables import (
    NodeTables,
    blocks,
    changed,
    repacked,
    same_tables,
    shape_key,
    unpacked,
)
from kg.exports.view import (
    Fact,
    GraphEdge,
    Record,
    View,
    claim_fact,
    date_text,
    event_facts,
    first_day,
    last_day,
)
from kg.model import Article, Claim, SourceRecords
from kg.shelf import Packed, Shelf, keepable

Json = dict[str, Any]

OVERVIEW_NODES = 1000
"""Nodes drawn when the page opens: the best connected (ties: first in the sources)."""
OVERVIEW_EDGES = 4000
"""Links drawn among them at most (the first in the sources): what loads before the first draw stays bounded."""
CITED_SHOWN = 100
"""The records a node's panel lists of those whose evidence cites it (an outlet of many articles is cited by
thousands): it says how many there are."""
MAX_DRAWN = 1500
"""Nodes the page draws at most at once (expanding stops there): vis-network pans smoothly up to here."""
SHARD_SIZE = 250
"""Nodes or search entries per shard."""
RECORD_SHARD_SIZE = 250
"""Claims and events per shard.  A click on a node loads its shard and those of the first 20 records its
panel lists, which may lie in 20 shards: at 100,000 facts, with 1,000 a shard (and 40 listed) that took
0.99 s, with 250 (and 20) 0.3 s (headless Chromium, `tests/tools/bench_html.py`)."""
SEARCH_SHARD_SIZE = 5000
"""Search entries per shard: the page loads every search shard at the first search, so they are few and
large (a file each: at 80,000 nodes, 16 files instead of 320)."""
ARTICLE_SHARD_SIZE = 20
"""Articles per shard (their texts and marks): opening one loads its shard.  One file per article was 2,550
files at 100,000 real-shaped facts, most of the page's files, each costing a file's creation on every
build (0.1 to 0.9 ms each on the benchmark machine's disk)."""
SHARD_SIZES = {
    "nodes": SHARD_SIZE,
    "search": SEARCH_SHARD_SIZE,
    "records": RECORD_SHARD_SIZE,
    "article": ARTICLE_SHARD_SIZE,
}
INLINE_BYTES = 2_000_000
"""Graphs whose shards hold at most this many bytes keep them inside the page: one self-contained file (the
real corpus: 0.2 MB).  Larger ones write them beside it, so that the first draw stops growing."""
STORY_GAP = dt.timedelta(days=183)
SHARD_FOLDER = "graph-{}"
"""Beside graph.html, named by a digest of its content: a page and its shards always match."""
SHARD_FOLDER_NAME = re.compile(r"graph-[0-9a-f]{16}")
EDGE_BLOCK = 10_000
"""The view's links made the page's this many at a time, when the page's view is its own (`make_edges`)."""
KEPT_TABLES_LINKS = 400_000
"""Graphs with at most this many links keep the page's node tables between builds (`_Builder.unchanged`): at
100,000 facts 100,000 to 156,000 links, 6 MB pickled.  A million facts would hold a million more tuples in
the page's process, the build's largest, and pickle them; their node shards are all made every time."""


class PageKept(NamedTuple):
    """What the page keeps between builds: its `shelf` (with `-rows` and `-nodes` beside it), the digests of
    today's sources, `last`, the folder of the last build's exports, and `last_files`, what that build's
    manifest recorded of each file it wrote there (`kg.exports.manifest.file_stamp`): a shard of the last
    exports that still holds, and is as that build wrote it, is linked rather than made and written again."""

    shelf: Shelf
    digests: dict[Path, str]
    last: Path | None = None
    last_files: Mapping[str, list[int]] = {}


class Shard(NamedTuple):
    """A shard as the page writes it: its JSON (None when `same_as` holds it and it was not made), the SHA-256
    of that JSON (hex), and `same_as`, the last exports' file of the same shard when it holds this very JSON
    and is as the last build wrote it."""

    text: bytes | None
    digest: str
    same_as: Path | None = None


def shard_folder(digests: Iterable[tuple[str, str]]) -> str:
    """The name of the folder of shards (name, digest of its JSON), in order: a digest of them all, so that a
    page and its shards always match."""
    folder = hashlib.sha256()  # in hardware: see `kg.shelf._digest`
    for name, digest in digests:
        folder.update(f"{shard_file(name)}\0{digest}\0".encode())
    return SHARD_FOLDER.format(folder.hexdigest()[:16])


class PageData:
    """`inline`: the JSON in the page; `shards`: (name ("nodes/3"), `Shard`) of each shard, in order, each made
    as it is read: at 1,000,000 facts they are 900 MB of text, which held all at once made the
    page's process the build's largest.  The records' shards come first, made from each record's row
    before the links between nodes are (see `_Builder.link`); then `inline`, which needs those links (and
    puts the overview's layout on the shelf, written after the last shard), then the other shards.  Asked
    for before the records' shards are all read, `inline` makes the links then, beside the records' rows (at
    1,000,000 synthetic facts, 200 MB of them)."""

    def __init__(self, builder: _Builder):
        self._builder = builder
        self.shards = self._shards()

    def _shards(self) -> Iterator[tuple[str, Shard]]:
        """Each shard as it is made (see above); after the last, what was kept for the next build is written."""
        builder = self._builder
        for name in builder.shard_names(("records",)):
            yield name, builder.shard(name)
        _ = self.inline
        for name in builder.shard_names(("nodes", "search", "article")):
            yield name, builder.shard(name)
        builder.keep_tables()
        if builder.shelf is not None:
            builder.shelf.flush()

    @property
    def digests(self) -> dict[str, str]:
        """The name of each shard read so far, in order → the SHA-256 of its JSON (`shard_folder` names them)."""
        return self._builder.made

    def text(self, name: str, shard: Shard) -> bytes:
        """The JSON of `shard` (named `name`), made afresh if it was not made (`Shard.same_as`)."""
        if shard.text is not None:
            return shard.text
        text = self._builder.shard(name, link=False).text
        assert text is not None, "a shard made afresh has its JSON"
        return text

    @cached_property
    def inline(self) -> Json:
        self._builder.link()
        return _inline(self._builder)


def _utf16_offsets(text: str) -> Callable[[int], int]:
    """Python's offset into `text` (code points) → JavaScript's (UTF-16 units: a character beyond the BMP,
    an emoji, counts twice)."""
    if text.isascii() or max(text) <= "\uffff":
        return lambda offset: offset
    before = [0]
    for character in text:
        before.append(before[-1] + (2 if character > "\uffff" else 1))
    return before.__getitem__


def story_dates(dates: list[str]) -> list[str]:
    """The dates after the last gap longer than STORY_GAP: the story the slider walks through.  Earlier
    dates (a base founded in 1971) are its background, shown from the slider's first step on."""
    start = 0
    for index in range(1, len(dates)):
        gap = dt.date.fromisoformat(dates[index]) - dt.date.fromisoformat(dates[index - 1])
        if gap > STORY_GAP:
            start = index
    return dates[start:]


class _Builder:
    """Builds `PageData` from a project: each record's look and summary once, then nodes, edges, shards."""

    def __init__(self, project: Project, view: View, kept: PageKept | None = None, own_view: bool = False):
        self.model, self.ontology, self.view, self.own_view = project.model, project.ontology, view, own_view
        self.article_ids = list(self.model.articles)
        self.article_index = {article_id: index for index, article_id in enumerate(self.article_ids)}
        self.records: list[Record] = list(view.records.values())
        self.record_index = view.record_order  # a record's number: its place in the view's order
        self.names = {node.id: node.name for node in self.model.nodes()}
        self.relation_label = {name: self.ontology.label(name) for name in self.ontology.properties}
        self.shelf: Packed | None = Packed(kept[0]) if kept is not None else None
        self.digests: dict[Path, str] = kept[1] if kept is not None else {}
        self.groups = project.groups  # the records by source file, read by the rows and the node tables
        # The rows in a folder of their own beside `kept`'s (`page-rows/`): written and let go once made.
        rows_shelf = _beside(kept.shelf, "-rows") if kept is not None else None
        packed = (Packed(rows_shelf), self.digests) if rows_shelf is not None else None
        rows = RowMaker(view, self.article_index, self.relation_label, packed, self.names).rows(self.groups)
        self.looks: list[Json] = []
        self.look_text: list[str] = []
        look_index: dict[Look, int] = {}
        for key in rows.looks:
            if key not in look_index:
                look_index[key] = len(self.looks)
                modality = self.ontology.modality(key[0])
                assert modality is not None, "a record's modality is one the ontology ranks"
                self.looks.append(edge_look(modality, key[1]))
                self.look_text.append(key[0] + (" · conflicting" if key[1] else ""))
        self.record_look = [look_index[key] for key in rows.looks]
        self.record_mask = rows.masks
        self.record_modality = [key[0] for key in rows.looks]
        self.record_conflicting = [key[1] for key in rows.looks]
        self.record_since, self.record_until, self.record_date = rows.since, rows.until, rows.dates
        self.record_articles = rows.articles
        self.record_entries: list[bytes] = rows.entries
        self._stamps: dict[str, tuple[str, str, str | None, str] | None] = {}
        self._labels: dict[tuple[str, str], str] = {}  # a link's label by relation and modality (`edge`)
        self.tables = _beside(kept.shelf, "-nodes") if kept is not None else None
        self.last_files: Mapping[str, list[int]] = kept.last_files if kept is not None else {}
        last = self.tables.get("shards") if self.tables is not None else None
        self.last_made: dict[str, str] = last[1][0] if last is not None else {}  # as `made`, of the last build
        self.last_keys: dict[str, str] = last[1][1] if last is not None else {}  # as `keys`, of the last build
        self.last_folder = None  # the last exports' folder of the shards in `last_made`
        if kept is not None and kept.last is not None and self.last_made:
            self.last_folder = kept.last / shard_folder(self.last_made.items())
        self.made: dict[str, str] = {}  # each shard of this build, in order → the digest of its JSON
        self.keys: dict[str, str | None] = {}  # each article shard → a digest of what it is made of (`_article_key`)
        self.fields: list[Any] | None = None  # each node's `node_fields`, when kept
        self.unchanged: set[str] = set()  # node and search shards whose JSON is that of the last build
        self.tables_kept: NodeTables | None = None  # the last build's, as read
        self.tables_now: NodeTables | None = None  # this build's, when kept
        self.fact_records: dict[int, list[int]] | None = None  # when patched: the records of some nodes' facts
        self.shapes: dict[str, tuple[str | None, bytes]] | None = None  # each source file's (`_shapes`)
        self.patched = False  # whether the node tables were patched from the last build's (`_patch`)
        self.linked = False

    def link(self) -> None:
        """The nodes, their classes and every link between them, with what each node's entry reads (once).
        Made after the records' rows, and after their shards where those are made first (`_shards`): at a
        million facts the rows' text (300 MB) is let go before the links (the view's and the page's) take
        their share of memory.  Patched from the last build's tables where they still hold (`_patch`)."""
        if self.linked:
            return
        self.linked = True
        model = self.model
        self.node_ids = [*model.entities, *model.events]  # the view's nodes, in its order (one id space)
        self.node_index = {node_id: index for index, node_id in enumerate(self.node_ids)}
        used = {node.type for node in model.nodes()}
        self.classes = sorted(used, key=lambda cls: (self.ontology.label(cls), cls))
        self.classes_style = [class_style(self.ontology, cls) for cls in self.classes]
        self.class_index = {cls: index for index, cls in enumerate(self.classes)}
        if self.tables is not None:
            kept = self.tables.get("nodes")
            self.tables_kept = kept[1] if kept is not None and isinstance(kept[1], NodeTables) else None
        if self.tables_kept is None or not self._patch(self.tables_kept):
            self.prepare_nodes(self.make_edges())
            if self.tables is not None and len(self.edges) <= KEPT_TABLES_LINKS:
                self.fields = [self.node_fields(i) for i in range(len(self.node_ids))]
                self.unchanged = self._unchanged_shards()
        if self.own_view and "_graph" in vars(self.view):  # read by no one else: its links, now the page's, let go
            self.view.edges.clear()  # (a million at 1M facts)

    # ------------------------------------------------------------------ edges

    def make_edges(self) -> list[Any]:
        """Every link: (from, to, label, look, since, articles, record, date, relation, until, claim, mask), numbered
        by position (tuples: a million of them at 1M facts).  The page makes each one's tooltip from these:
        names, relation, `lookText` of the look, date, articles; a claim's link (`claim` 1, not an event's
        role) is a timeline item from `since` to `until` when dated; the modality filter reads `mask`."""
        node_index, record_index, relation_label = self.node_index, self.record_index, self.relation_label

        def made(view_edges: list[GraphEdge]) -> list[Any]:
            return [
                self.edge(
                    node_index[edge.source],
                    node_index[edge.target],
                    relation_label.get(edge.relation, edge.relation),
                    record_index[edge.record],
                    int(edge.kind == "claim"),
                )
                for edge in view_edges
            ]

        view_edges = self.view.edges
        if not self.own_view:
            return made(view_edges)
        # The view's links are read by no one else: let go a block at a time as they are made the page's, the
        # two lists never held whole at once (at 1,000,000 synthetic facts, 100 MB less at the page's peak).
        blocks = []
        while view_edges:
            blocks.append(made(view_edges[-EDGE_BLOCK:]))
            del view_edges[-EDGE_BLOCK:]
        return [edge for block in reversed(blocks) for edge in block]

    def edge(self, source: int, target: int, relation: str, record: int, claim: int) -> tuple[Any, ...]:
        """A link (`make_edges`) of `record` from node `source` to `target`, its `relation` by its label."""
        key = (relation, self.record_modality[record])
        label = self._labels.get(key)
        if label is None:  # one string per relation and modality, not one per link
            mark = self.ontology.modality(key[1])
            label = self._labels[key] = (f"{mark.mark} " if mark and mark.mark else "") + relation
        return (
            source,
            target,
            label,
            self.record_look[record],
            self.record_since[record],
            self.record_articles[record],
            record,
            self.record_date[record],
            relation,
            self.record_until[record],
            claim,
            self.record_mask[record],
        )

    def relations(self) -> list[Json]:
        """The relations the links draw (`name`, `label`, how many links), by label: the page's relation filter.
        A link names its relation by its label (the ontology's labels are unique)."""
        counts = Counter(edge[8] for edge in self.edges)
        names = {label: name for name, label in self.relation_label.items()}
        return [{"name": names.get(label, label), "label": label, "count": counts[label]} for label in sorted(counts)]

    def modalities(self) -> list[Json]:
        """The ontology's modalities, firmest first (`name`, what it means, how its links are drawn, how many
        links have evidence of it): the page's modality filter, which shows a link while any of its evidence has
        a modality shown (a claim both asserted and denied stays with either)."""
        masks = Counter(edge[11] for edge in self.edges)
        return [
            {
                "name": m.name,
                "comment": m.comment,
                "count": sum(n for mask, n in masks.items() if mask >> index & 1),
                **edge_style(m, conflict=False),
            }
            for index, m in enumerate(self.ontology.modalities)
        ]

    # ------------------------------------------------------------------ nodes

    def prepare_nodes(self, edges: list[Any]) -> None:
        """What each node's entry and the overview read: its links, first date, articles and degree."""
        self.edges = edges
        incident: list[list[int]] = [[] for _ in self.node_ids]
        for index, edge in enumerate(edges):
            incident[edge[0]].append(index)
            if edge[1] != edge[0]:
                incident[edge[1]].append(index)
        self.incident = incident
        nodes = range(len(self.node_ids))
        self.since = [self._since(i) for i in nodes]
        self.node_articles = [self._node_articles(i) for i in nodes]
        self.class_of = [self.class_index[node.type] for node in self.model.nodes()]

    def _since(self, i: int) -> str | None:
        """Events appear on their date; entities with their first dated link, always when any link is undated."""
        event = self.model.events.get(self.node_ids[i])
        if event is not None:
            return first_day(event)
        dates = [self.edges[j][4] for j in self.incident[i]]
        known = [d for d in dates if d is not None]
        return min(known) if known and len(known) == len(dates) else None

    def _node_articles(self, i: int) -> list[int]:
        """The articles (numbers) of an event's evidence, of each link's record and of each fact's record."""
        event, edges = self.model.events.get(self.node_ids[i]), self.edges
        found = {self.article_index[item.article] for item in event.evidence} if event else set()
        for j in self.incident[i]:
            found.update(edges[j][5])
        for fact in self.facts_of(i):
            if fact.record is not None:
                found.update(self.record_articles[self.record_index[fact.record]])
        return sorted(found)

    NODE_KEYS = (
        "key",
        "names",
        "class",
        "kind",
        "since",
        "date",
        "until",
        "conflicting",
        "record",
        "articles",
        "facts",
        "note",
        "cited",
    )
    FACTS_AT = NODE_KEYS.index("facts")  # where `node_fields` hold a node's facts (fields are found by their key)

    def node_fields(self, i: int) -> tuple[Any, ...]:
        """Node `i`'s entry but its links, as values of NODE_KEYS, then its degree: all that a shard holding it
        or one of its neighbours reads of it."""
        node_id = self.node_ids[i]
        event = self.model.events.get(node_id)
        entity = self.model.entities.get(node_id)
        node = entity or event
        assert node is not None, "a node is an entity or an event"
        return (
            node_id,
            [node.name, *node.aliases],
            self.class_of[i],
            "event" if event else "entity",
            self.since[i],
            date_text(event) if event else None,
            last_day(event) if event else None,
            self.record_conflicting[self.record_index[node_id]] if event else None,
            self.record_index[node_id] if event else None,
            self.node_articles[i],
            self._facts(i),
            entity.note if entity else None,
            self._cited(node_id),
            len(self.incident[i]),
        )

    def node_entry(self, i: int, others: dict[int, list[Any]]) -> Json:
        """A node with its facts and every link, [edge, other, *the edge]; what the page needs to draw the
        node at the other end goes into `others` (shared by a shard): [name, class, degree, since, articles]."""
        edges, incident, node_ids = self.edges, self.incident, self.node_ids
        links = []
        for j in incident[i]:
            edge = edges[j]
            other = edge[1] if edge[0] == i else edge[0]
            if other not in others:
                others[other] = [
                    self.name(node_ids[other]),
                    self.class_of[other],
                    len(incident[other]),
                    self.since[other],
                    self.node_articles[other],
                ]
            links.append([j, other, *edge])
        fields = self.fields[i] if self.fields is not None else self.node_fields(i)
        entry = dict(zip(self.NODE_KEYS, fields[:-1], strict=True))
        entry["degree"], entry["links"] = fields[-1], links
        return entry

    def facts_of(self, i: int) -> list[Fact]:
        """Node `i`'s literal facts (`kg.exports.view.Fact`): the view's, or when patched (`_patch`), an event's
        own, then those of the records the last build found for it (`fact_records`)."""
        if self.fact_records is None:
            return self.view.nodes[self.node_ids[i]].facts
        event = self.model.events.get(self.node_ids[i])
        found = event_facts(event, self.ontology) if event else []
        records = self.records
        return found + [claim_fact(records[r]) for r in self.fact_records[i]]  # type: ignore[arg-type]

    def _facts(self, i: int) -> list[list[Any]]:
        """A node's literal facts: [label, text, record, since, until, date, look] (the last four None for an
        event's own datatype roles): a dated one is a timeline item too."""
        found: list[list[Any]] = []
        for fact in self.facts_of(i):
            entry: list[Any] = [self.relation_label.get(fact.relation, fact.relation), ", ".join(fact.values)]
            if fact.record is None:
                found.append([*entry, None, None, None, None, None])
                continue
            r = self.record_index[fact.record]
            dated = [self.record_since[r], self.record_until[r], self.record_date[r], self.record_look[r]]
            found.append([*entry, r, *dated])
        return found

    @cached_property
    def record_cites(self) -> list[list[str]]:
        """Each record's (by number) nodes its evidence cites: the outlet of an article quoted, a source of `via`,
        whom a source said it to.  A source or an outlet is linked to no record otherwise: its panel listed no
        claim ("Claims and events (0)")."""
        outlets = {article.id: article.outlet for article in self.model.articles.values()}
        found = []
        for record in self.records:
            cited: dict[str, None] = {}
            for item in record.evidence:
                if (outlet := outlets.get(item.article)) is not None:
                    cited[outlet] = None
                cited.update(dict.fromkeys(item.via))
                if item.said_to is not None:
                    cited[item.said_to] = None
            found.append(list(cited))
        return found

    @cached_property
    def cited_by(self) -> dict[str, list[int]]:
        """Node id → the records (by number, in order) whose evidence cites it (`record_cites`)."""
        found: dict[str, list[int]] = {}
        for index, cited in enumerate(self.record_cites):
            for node_id in cited:
                found.setdefault(node_id, []).append(index)
        return found

    def _cited(self, node_id: str) -> list[Any] | None:
        """[how many records cite the node, the first `CITED_SHOWN` of them], None for a node no record cites."""
        cited = self.cited_by.get(node_id)
        return [len(cited), cited[:CITED_SHOWN]] if cited else None

    def _shown_facts(self, i: int) -> list[list[Any]]:
        """`_facts` of node `i`, as its `node_fields` hold them when they are kept."""
        return self.fields[i][self.FACTS_AT] if self.fields is not None else self._facts(i)

    def search_entry(self, i: int) -> list[Any]:
        """[id, names, class, degree]: each among its node's `node_fields` (whose change marks the shard changed)."""
        node = self.model.node(self.node_ids[i])
        assert node is not None, "a node is an entity or an event"
        return [node.id, [node.name, *node.aliases], self.class_of[i], len(self.incident[i])]

    # ------------------------------------------------------------------ tables kept from the last build

    def _patch(self, kept: NodeTables) -> bool:
        """Make the tables from `kept`, the last build's (`kg.exports.page_tables`): while the numbering, the
        classes and every source file's shape are the same, only the links of records whose row changed are
        made again, and the fields of the nodes they join, of the nodes whose facts' records changed, and of
        those declared (or given a literal) in a file that changed.  False, and nothing made, otherwise.  At
        100,000 real-shaped facts, making the tables whole was 1.4 s of the page's 2.6 s of CPU after a
        one-file edit."""
        changed_files = self._shapes()
        shapes = self.shapes
        assert shapes is not None
        if (
            (kept.numbering, kept.classes) != (self._numbering, self.classes)
            or kept.shapes.keys() != shapes.keys()
            or any(kept.shapes[name][1] != shapes[name][1] for name in (str(g.file) for g in changed_files))
        ):
            return False
        fields, edges = unpacked(kept.node_blocks), unpacked(kept.edge_blocks)
        if (len(fields), len(edges)) != (len(self.node_ids), kept.links):
            return False
        self.patched, self.edges, self.incident = True, edges, orjson.loads(kept.incident)
        rows = self.rows()
        rows_now = blocks(rows)
        records = {r for r, _ in changed(kept.rows, rows_now, rows)}
        edges_then: dict[int, Any] = {}
        if records:
            for j, then in enumerate(edges):
                if then[6] in records:
                    now = list(self.edge(then[0], then[1], then[8], then[6], then[10]))
                    if now != then:
                        edges[j], edges_then[j] = now, then
        node_index = self.node_index
        dirty = {end for j in edges_then for end in edges[j][:2]}
        for r in records:  # a fact's subject, an event's node
            record = self.records[r]
            dirty.add(node_index[record.subject if isinstance(record, Claim) else record.id])
        dirty.update(self._citing_changed(records, fields))
        for group in changed_files:  # names, dates, notes, literal values
            dirty.update(node_index[node.id] for node in (*group.entities, *group.events))
            dirty.update(node_index[claim.subject] for claim in group.claims if claim.object is None)
        self.fields = fields
        since, articles, cls = (self.NODE_KEYS.index(key) for key in ("since", "articles", "class"))
        self.since = [node[since] for node in fields]
        self.node_articles = [node[articles] for node in fields]
        self.class_of = [node[cls] for node in fields]
        self.fact_records = {i: [fact[2] for fact in fields[i][self.FACTS_AT] if fact[2] is not None] for i in dirty}
        for i in dirty:
            self.since[i] = self._since(i)
            self.node_articles[i] = self._node_articles(i)
        nodes_changed = []
        for i in sorted(dirty):
            now_fields = self.node_fields(i)
            if orjson.dumps(now_fields) != orjson.dumps(fields[i]):
                fields[i] = now_fields
                nodes_changed.append(i)
        self.unchanged = self._untouched(nodes_changed, edges_then)
        self.tables_now = kept._replace(
            node_blocks=repacked(kept.node_blocks, fields, set(nodes_changed)),
            edge_blocks=repacked(kept.edge_blocks, edges, set(edges_then)),
            rows=rows_now,
            shapes=shapes,
        )
        return True

    def _citing_changed(self, records: set[int], fields: list[Any]) -> set[int]:
        """The nodes whose list of citing records a change of `records` may change: those their evidence cites
        now, those whose kept list holds one of them, and those cited by more records than their list holds."""
        if not records:
            return set()
        at = self.NODE_KEYS.index("cited")
        node_index = self.node_index
        touched = {node_index[n] for n, cited in self.cited_by.items() if n in node_index and records & set(cited)}
        for i, node in enumerate(fields):
            kept = node[at]
            if kept is not None and (kept[0] > len(kept[1]) or records & set(kept[1])):
                touched.add(i)
        return touched

    def _shapes(self) -> list[SourceRecords]:
        """Set `shapes`: each source file's digest and `shape_key`, taken from the last build's where the digest
        is the same; return the files whose shape was made again (changed since, or not plain content)."""
        kept = self.tables_kept.shapes if self.tables_kept is not None else {}
        self.shapes = shapes = {}
        made = []
        for group in self.groups:
            name, digest = str(group.file), self.digests.get(group.file)
            then = kept.get(name)
            if then is not None and then[0] == digest and keepable(digest):
                shapes[name] = then
            else:
                shapes[name] = (digest, shape_key(group))
                made.append(group)
        return made

    def rows(self) -> list[tuple[Any, ...]]:
        """What the links, facts and citations read of each record's row: its look, modality, days, date, articles
        and the nodes its evidence cites (whose panels list it)."""
        return list(
            zip(
                self.record_look,
                self.record_mask,
                self.record_modality,
                self.record_since,
                self.record_until,
                self.record_date,
                self.record_articles,
                self.record_cites,
                strict=True,
            )
        )

    def _unchanged_shards(self) -> set[str]:
        """The node and search shards whose entries are those of the last build, found by comparing the links
        and each node's `node_fields` with the last build's, kept on `tables`.  A one-file edit that adds no
        record changes a handful: making the node and search shards was 1.0 s of the page's 4 s of CPU in such
        an edit of 100,000 real-shaped facts."""
        assert self.fields is not None
        if self.shapes is None:
            self._shapes()
        assert self.shapes is not None
        rows = blocks(self.rows())
        incident = orjson.dumps(self.incident)
        old = self.tables_kept
        self.tables_now = now = NodeTables(
            blocks(self.fields), blocks(self.edges), len(self.fields), len(self.edges), incident, rows,
            self._numbering, self.classes, self.shapes,
        )  # fmt: skip
        if old is None or (old.nodes, old.links) != (now.nodes, now.links):
            return set()  # numbered otherwise: every shard may differ
        nodes_changed = [i for i, _ in changed(old.node_blocks, now.node_blocks, self.fields)]
        return self._untouched(nodes_changed, dict(changed(old.edge_blocks, now.edge_blocks, self.edges)))

    def _untouched(self, nodes_changed: list[int], edges_then: dict[int, Any]) -> set[str]:
        """The node and search shards of the last build that still hold, when the fields of `nodes_changed`
        and the links `edges_then` (their number → as they were) are all that changed.  A node's entry reads
        its fields, its links, and the fields of the node at each link's other end; a search entry only its
        node's fields."""
        touched = set(nodes_changed)
        for j, then in edges_then.items():  # its ends, then and now
            touched.update((then[0], then[1], self.edges[j][0], self.edges[j][1]))
        for i in nodes_changed:  # its neighbours' shards show its name, class, degree, first day and articles
            for j in self.incident[i]:
                touched.update(self.edges[j][:2])
        again = {f"nodes/{i // SHARD_SIZES['nodes']}" for i in touched}
        again |= {f"search/{i // SHARD_SIZES['search']}" for i in nodes_changed}
        return {name for name in self.last_made if name.startswith(("nodes/", "search/")) and name not in again}

    def _last_script(self, name: str) -> Path | None:
        """The last exports' file of shard `name` (whose JSON's digest is `last_made[name]`), if it is as the last
        build wrote it (as that build's manifest recorded it); None otherwise."""
        if self.last_folder is None or name not in self.last_made:
            return None
        path = self.last_folder / shard_file(name)
        stamp = self.last_files.get(f"{self.last_folder.name}/{path.name}")
        return path if stamp is not None and file_stamp(path) == stamp else None

    def keep_tables(self) -> None:
        """Keep the digest of each shard's JSON, and the links and each node's fields, for the next build's
        `_last_script` and `_unchanged_shards` (after the last shard is made); each only if it changed."""
        if self.tables is None:
            return
        keys = {name: key for name, key in self.keys.items() if key is not None}
        if (self.made, keys) != (self.last_made, self.last_keys):
            self.tables.put("shards", None, (self.made, keys))
        if self.tables_now is not None and not same_tables(self.tables_now, self.tables_kept):  # else kept as read
            self.tables.put("nodes", None, self.tables_now)
        self.tables.keep_only_used()

    def article_entry(self, index: int) -> Json:
        """An article's text and its marks, [start, end, kind, what]: kind 0 a record citing the span (what:
        its number), 1 an ignored passage (the reason), 2 metadata (the label); offsets count UTF-16 units,
        as JavaScript strings do.  The page cuts the text where the marks change.  For each record cited,
        the nodes the graph focuses on for it: [subject, object] or [the event]."""
        article = self.model.articles[self.article_ids[index]]
        marks: list[list[Any]] = []
        focus: dict[int, list[int]] = {}
        for start, end, kind, what in self._marks(article):
            value: int | str = what
            if kind == 0:
                value = self.record_index[what]
                if value not in focus:
                    focus[value] = self._record_nodes(value)
            marks.append([start, end, kind, value])
        return {"id": article.id, "text": article.text, "marks": marks, "focus": focus}

    def _marks(self, article: Article) -> list[list[Any]]:
        """`article_marks` with offsets in UTF-16 units and kinds numbered: [start, end, kind, what] (what: a
        record's id, a reason, a label); kept between builds while what they are made of is the same
        (`accounting_stamp`): finding each quote in its text is most of an article's cost.  Kept pickled (a pack
        of the shelf holds them until it is written): as tuples, the marks of 100,000 synthetic facts took 7.7 MB
        (100 articles, 1,000 marks each), pickled 2.2 MB; orjson's bytes would hold 25 MB (each keeps the
        capacity it grew to)."""
        quotes = self.quotes.get(article.id, [])
        stamp = self._accounting_stamp(article)
        if stamp is not None and self.shelf is not None:
            kept = self.shelf.get(f"article {article.id}")
            if kept is not None and kept[0] == stamp:
                return list(pickle.loads(kept[1]))
        kinds = {"cited": 0, "ignored": 1, "metadata": 2}
        offsets = _utf16_offsets(article.text)
        marks = [
            [offsets(start), offsets(end), kinds[kind], what]
            for start, end, kind, what in article_marks(article, self.model, quotes)
        ]
        if stamp is not None and self.shelf is not None:
            self.shelf.put(f"article {article.id}", stamp, pickle.dumps(marks, pickle.HIGHEST_PROTOCOL))
        return marks

    @cached_property
    def quotes(self) -> dict[str, list[tuple[str, str]]]:
        """Each article's quotes (`quotes_by_article`), made for the article shards, the last made: at 1,000,000
        synthetic facts they are 62 MB, which the records' rows and the links need not find beside them."""
        return quotes_by_article(self.model)

    def _accounting_stamp(self, article: Article) -> tuple[str, str, str | None, str] | None:
        """`accounting_stamp` of `article` (None without a shelf), made once: its shard's key and its marks
        both read it."""
        if self.shelf is None:
            return None
        if article.id not in self._stamps:
            quotes = self.quotes.get(article.id, [])
            self._stamps[article.id] = accounting_stamp(article, self.model, quotes, self.digests)
        return self._stamps[article.id]

    def _article_shard(self, number: int) -> bytes:
        """The JSON of article shard `number` (null for an article without a text), from each article's marks,
        kept (`_marks`).  The shard itself is not kept: one made of what the last build's was is linked from
        the last exports (`_known`).  Kept, the shards were held until the shelf was written: 10 MB of the
        page's process at 100,000 synthetic facts (5 shards of 2 MB), 100 MB at its peak at 1,000,000."""
        self._article_key(number)  # kept with the shards' digests: the next build knows this one by it (`_known`)
        start = number * SHARD_SIZES["article"]
        articles = self._articles(number)
        return script_bytes([self.article_entry(start + k) if a.text else None for k, a in enumerate(articles)])

    def _articles(self, number: int) -> list[Article]:
        """The articles of article shard `number`."""
        size = SHARD_SIZES["article"]
        return [self.model.articles[article_id] for article_id in self.article_ids[number * size : (number + 1) * size]]

    def _article_key(self, number: int) -> str | None:
        """A digest of what article shard `number` is made of: each article's marks (`accounting_stamp`), and
        how records and nodes are numbered and which nodes each record focuses on (`_numbering`); None when it
        is not kept (no shelf, or a file or text that is not plain content)."""
        name = f"article/{number}"
        if name not in self.keys:
            articles = self._articles(number)
            stamps = [self._accounting_stamp(article) if article.text else "" for article in articles]
            made_of = orjson.dumps([self._numbering, stamps]) if self.shelf is not None and None not in stamps else None
            self.keys[name] = hashlib.sha256(made_of).hexdigest() if made_of is not None else None
        return self.keys[name]

    def _known(self, name: str) -> bool:
        """Whether shard `name` is known to be the last build's without making it: a node or search shard found
        unchanged (`_unchanged_shards`), an article shard made of the same (`_article_key`: its kept entries,
        not read, are kept as they are)."""
        kind, number = name.split("/")
        if kind != "article":
            return name in self.unchanged
        key = self._article_key(int(number))
        if key is None or key != self.last_keys.get(name) or self.shelf is None:
            return False
        self.shelf.keep([f"article {a.id}" for a in self._articles(int(number))])
        return True

    @cached_property
    def _numbering(self) -> str:
        """A digest of the order of records and nodes, which numbers them, and of the nodes each record
        focuses on (`_record_nodes`): with the marks' stamps, what an article shard is made of."""
        focus = [(r.id, r.subject, r.object) if isinstance(r, Claim) else r.id for r in self.records]
        # As JSON, not pickled: a pickle tells apart equal strings held once or twice (see kg.sources.records).
        return hashlib.sha256(orjson.dumps([focus, self.node_ids])).hexdigest()

    def _record_nodes(self, index: int) -> list[int]:
        record = self.records[index]
        if isinstance(record, Claim):
            ends = [record.subject] + ([record.object] if record.object is not None else [])
            return [self.node_index[node_id] for node_id in ends]
        return [self.node_index[record.id]]

    def shard(self, name: str, link: bool = True) -> Shard:
        """Shard `name` (`make`), and the last exports' file of it when that holds the same JSON (with `link`):
        node and search shards found unchanged (`_unchanged_shards`) are not even made."""
        same_as = self._last_script(name) if link else None
        if same_as is not None and self._known(name):
            shard = Shard(None, self.last_made[name], same_as)
        else:
            text = self.make(name)
            digest = hashlib.sha256(text).hexdigest()
            shard = Shard(text, digest, same_as if digest == self.last_made.get(name) else None)
        self.made[name] = shard.digest
        return shard

    def make(self, name: str) -> bytes:
        """The JSON of one shard (UTF-8, escaped as `kg.exports.page_json.script_json` says): "nodes/3",
        "search/3", "records/3" or "article/3", each a run of SHARD_SIZES[kind] entries.  A nodes shard names
        each node at the other end of a link once, in `others`: a link does not repeat its neighbour's
        articles.  An article shard holds null for an article without a text."""
        kind, number = name.split("/")
        size = SHARD_SIZES[kind]
        start = int(number) * size
        end = min(start + size, self.counts[kind])
        if kind == "article":
            return self._article_shard(int(number))
        if kind == "records":  # the entries are escaped already (`kg.exports.page_records`)
            text = b"[" + b",".join(self.record_entries[start:end]) + b"]"
            self.record_entries[start:end] = [b""] * (end - start)  # each shard is made once
            return text
        if kind == "nodes":
            others: dict[int, list[Any]] = {}
            entries = [self.node_entry(i, others) for i in range(start, end)]
            return script_bytes({"entries": entries, "others": others})
        return script_bytes([self.search_entry(i) for i in range(start, end)])

    @property
    def counts(self) -> dict[str, int]:
        """How many entries of each kind the shards hold (the nodes once `link`ed)."""
        nodes = len(self.node_ids) if self.linked else 0
        return {"records": len(self.records), "nodes": nodes, "search": nodes, "article": len(self.article_ids)}

    def shard_names(self, kinds: tuple[str, ...] = tuple(SHARD_SIZES)) -> list[str]:
        """The shards of `kinds`, in order: records (first: each record's text is dropped once its shard is
        made, before the links take their share of memory), nodes, search, then the articles' (where a text
        is)."""
        names = []
        for kind, count in self.counts.items():
            if kind not in kinds:
                continue
            size = SHARD_SIZES[kind]
            for n in range(math.ceil(count / size)):
                if kind != "article" or any(
                    self.model.articles[a].text for a in self.article_ids[n * size : (n + 1) * size]
                ):
                    names.append(f"{kind}/{n}")
        return names

    def _event_dates(self, i: int) -> list[Any]:
        """[until, date text, conflicting] of an event node (the timeline draws it from its `since`, outlined when
        another record conflicts with it); [] for an entity."""
        event = self.model.events.get(self.node_ids[i])
        if event is None:
            return []
        return [last_day(event), date_text(event), self.record_conflicting[self.record_index[event.id]]]

    def name(self, node_id: str) -> str:
        return self.names.get(node_id, node_id)

    # ------------------------------------------------------------------ overview

    def _layout(self, boxes: list[tuple[float, float]], links: list[tuple[int, int]]) -> list[tuple[float, float]]:
        """`node_positions`, kept between builds while the boxes and links are the same (a one-file edit
        seldom changes which nodes are the best connected): 0.4 s at 1,000 nodes."""
        stamp = (boxes, links)
        kept = self.shelf.get("layout") if self.shelf is not None else None
        if kept is not None and kept[0] == stamp:
            return list(kept[1])
        positions = node_positions(boxes, links)
        if self.shelf is not None:
            self.shelf.put("layout", stamp, positions)
        return positions

    def overview(self) -> Json:
        """The best-connected nodes (bounded), laid out, with the links among them (bounded)."""
        degree = [len(links) for links in self.incident]
        ranked = sorted(range(len(self.node_ids)), key=lambda i: (-degree[i], i))
        chosen = sorted(ranked[:OVERVIEW_NODES])
        place = {node: position for position, node in enumerate(chosen)}
        shown_edges = [j for j, edge in enumerate(self.edges) if edge[0] in place and edge[1] in place]
        shown_edges = shown_edges[:OVERVIEW_EDGES]
        shapes = [self.classes_style[self.class_of[i]][1] for i in chosen]
        boxes = [
            node_box(node_label(self.name(self.node_ids[i])), shape, node_size(shape, degree[i]))
            for i, shape in zip(chosen, shapes, strict=True)
        ]
        positions = self._layout(boxes, [(place[self.edges[j][0]], place[self.edges[j][1]]) for j in shown_edges])
        return {
            "nodes": [
                [
                    i,
                    self.name(self.node_ids[i]),
                    self.class_of[i],
                    degree[i],
                    self.since[i],
                    self.node_articles[i],
                    *xy,
                    *self._event_dates(i),
                ]
                for i, xy in zip(chosen, positions, strict=True)
            ],
            "edges": [[j, *self.edges[j]] for j in shown_edges],
            "facts": [[i, *fact] for i in chosen for fact in self._shown_facts(i) if fact[3] or fact[4]],
        }


def page_data(
    project: Project, view: View | None = None, kept: PageKept | None = None, own_view: bool = False
) -> PageData:
    """The page's data for `project`: inline JSON, and the JSON of every shard, made as it is read.
    `kept`: what the page keeps between builds (`PageKept`): each file's records' rows
    (`kg.exports.page_records`), articles' marks, the overview's layout, and the node tables that
    tell which node and search shards of the last exports still hold.  `own_view`: whether the page is the
    only reader of `view`'s links (a view made in the process that makes the page, or handed to it by a
    fork): they are let go as the page takes them (see `_Builder`).  A view made here is the page's own."""
    own_view = own_view or view is None
    # Made here, one after the other: forked workers saved no time on the benchmark (3.81 s → 3.75 s at
    # 100,000 facts) and each copied the builder's tables (whole-tree PSS 1.5 → 2.3 GB, real-shaped corpus);
    # the shards left after the records' shared with one forked process, tried again for a one-file edit of
    # 100,000 real-shaped facts, where the page is the last to finish: 0.99× wall, 1.05× CPU (4 pairs).
    return PageData(_Builder(project, view or View(project.model, project.ontology), kept, own_view))


def _inline(builder: _Builder) -> Json:
    """The JSON the page holds itself (`link`ed first): the overview, the looks, classes and articles."""
    nodes, records = len(builder.node_ids), len(builder.records)
    dates = sorted({s for s in builder.record_since if s} | {s for s in builder.since if s})
    groups = {cls: class_group(*style) for cls, style in zip(builder.classes, builder.classes_style, strict=True)}
    counts = Counter(builder.class_of)
    big = min(nodes, MAX_DRAWN) > BIG_GRAPH
    inline: Json = {
        "options": vis_options(groups, big=big),
        "overview": builder.overview(),
        "looks": builder.looks,
        "lookText": builder.look_text,
        "classes": [
            {"name": cls, "label": builder.ontology.label(cls), "color": color, "shape": shape, "count": counts[i]}
            for i, (cls, (color, shape)) in enumerate(zip(builder.classes, builder.classes_style, strict=True))
        ],
        "articles": [
            {
                "id": a.id,
                "headline": a.label,
                "outlet": builder.view.name(a.outlet) if a.outlet else None,
                "text": bool(a.text),
            }
            for a in builder.model.articles.values()
        ],
        "conflictStyle": edge_style(builder.ontology.modalities[0], conflict=True),
        "modalities": builder.modalities(),
        "relations": builder.relations(),
        "stops": story_dates(dates),
        "background": dates[0] if dates else None,
        "big": big,
        "counts": {"nodes": nodes, "edges": len(builder.edges), "records": records},
        "shardSize": SHARD_SIZE,
        "recordShardSize": RECORD_SHARD_SIZE,
        "searchShardSize": SEARCH_SHARD_SIZE,
        "articleShardSize": ARTICLE_SHARD_SIZE,
        "maxDrawn": MAX_DRAWN,
    }
    return inline


def _beside(shelf: Shelf, suffix: str) -> Shelf:
    """A shelf of its own beside `shelf` (`page-rows/`, `page-nodes/`), for the same builder and ontology."""
    return Shelf(shelf.folder.with_name(shelf.folder.name + suffix), shelf.version)
