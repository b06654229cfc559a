"""The page's tables of nodes and links as one build leaves them, for the next: what tells which node and
search shards still hold, and what lets a one-file edit patch the tables instead of making them again.

The links between nodes (and each node's literal facts) are a function of the order of nodes and records
and of each source file's *shape*: the ids and types it declares, each claim's subject, object and relation,
each event's roles (`shape_key`).  While those are the same, a link differs from the last build's only if
its record's row does (its look, days, date, articles: `_Builder.rows`), and a node only if a link of it does,
a record of its facts does, or it is declared or named by a claim in a file that changed.  The builder
(`kg.exports.page_data`) checks those conditions and patches; anything else makes the tables whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import orjson

from kg.model import SourceRecords

TABLE_BLOCK = 256
"""Nodes' fields or links per block of the node tables: blocks are compared whole, then, where they differ,
one item at a time; a patch writes again only the blocks it changed."""


class NodeTables(NamedTuple):
    """A build's node tables: each node's `node_fields` and each link, as JSON in blocks of TABLE_BLOCK (the
    shards' JSON is made from these values: equal JSON, equal entries), how many of each, and what a patch
    needs besides: each node's links by number (`incident`, JSON), each record's row (in blocks too), the
    digest of the numbering of nodes and records (`_Builder._numbering`), the classes in use, in order, and
    each source file's digest and `shape_key`.  Compared and loaded as bytes: at 100,000 real-shaped facts,
    0.05 s to write them and 0.05 s to load them, against 0.15 s and 0.15 s for the tuples pickled, and a
    node at a time 0.22 s to write."""

    node_blocks: list[bytes]
    edge_blocks: list[bytes]
    nodes: int
    links: int
    incident: bytes
    rows: list[bytes]
    numbering: str
    classes: list[str]
    shapes: dict[str, tuple[str | None, bytes]]


def same_tables(now: NodeTables, kept: NodeTables | None) -> bool:
    """Whether `now` holds what `kept` does, but maybe other digests of files of the same shape: such tables
    are not written again (a file whose digest changed has its shape made again, and found the same)."""
    if kept is None or now._replace(shapes={}) != kept._replace(shapes={}) or now.shapes.keys() != kept.shapes.keys():
        return False
    return all(kept.shapes[name][1] == key for name, (_, key) in now.shapes.items())


def blocks(items: Sequence[Sequence[Any]]) -> list[bytes]:
    """`items` as JSON, TABLE_BLOCK at a time."""
    return [orjson.dumps(items[start : start + TABLE_BLOCK]) for start in range(0, len(items), TABLE_BLOCK)]


def unpacked(kept: list[bytes]) -> list[Any]:
    """The items of `blocks`, as JSON gives them back (lists for tuples)."""
    items: list[Any] = []
    for block in kept:
        items += orjson.loads(block)
    return items


def repacked(kept: list[bytes], items: Sequence[Sequence[Any]], changed: set[int]) -> list[bytes]:
    """`blocks(items)`, from `kept` (the blocks of the same items before the `changed` ones changed)."""
    now = list(kept)
    for block in {index // TABLE_BLOCK for index in changed}:
        now[block] = orjson.dumps(items[block * TABLE_BLOCK : (block + 1) * TABLE_BLOCK])
    return now


def changed(old: list[bytes], now: list[bytes], items: Sequence[Sequence[Any]]) -> Iterator[tuple[int, Any]]:
    """(index, value then, as JSON) of each of `items` whose JSON is not that of the last build (`old`, from
    `blocks`; `now` is `blocks(items)`)."""
    for block, (was, is_now) in enumerate(zip(old, now, strict=True)):
        if was != is_now:
            start = block * TABLE_BLOCK
            pairs = zip(orjson.loads(was), items[start : start + TABLE_BLOCK], strict=True)
            for index, (then, item) in enumerate(pairs, start):
                if orjson.dumps(then) != orjson.dumps(item):
                    yield index, then


def shape_key(group: SourceRecords) -> bytes:
    """A digest of what a source file adds to the shape of the graph: the ids and types of its entities and
    events, each event's roles, each claim's subject, object and relation, its articles' ids.  Not its
    names, dates, quotes, notes or literal values: a patch reads those again for the nodes they touch."""
    shape = (
        [[entity.id, entity.type] for entity in group.entities],
        [[event.id, event.type, event.roles] for event in group.events],
        [[claim.id, claim.subject, claim.object, claim.predicate] for claim in group.claims],
        [article.id for article in group.articles],
    )
    return hashlib.sha256(orjson.dumps(shape)).digest()
