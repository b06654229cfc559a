"""What a kept result read from other files, and whether it still holds.

A result kept between builds (a file's Turtle, its page rows, its checks) is a function of its own files and of
some facts of other files, each read by kind and key (a node's name, whether a claim exists…).  It is kept with
each key it read and that key's value then (`read_now`), and used again only while every value is the same
(`still_holds`).

Checking each kept result's reads one by one costs a lookup per read and a call per kind and result: after a
one-file edit of 100,000 real-shaped facts, 5,445 Turtle chunks, as many page rows and checks, 0.7 s of
the build's CPU in all.  `ReadValues` keeps, beside the results, the value at the last build of every key any
of them read, and finds what changed since in one pass over those keys: a result holds while none of its keys
changed, and while none changed at all (most edits), no result's reads are even unpickled.
"""

from __future__ import annotations

import hashlib
import pickle
import secrets
from collections.abc import Callable
from typing import Any

import orjson

from kg.shelf import Shelf

Values = Callable[[str, tuple[str, ...]], list[Any]]
"""Today's value of each of some keys of one kind (a node's name, an article's text digest…)."""
Read = tuple[tuple[str, tuple[str, ...], list[Any]], ...]
"""What a piece of work read from other files: for each kind, the keys (sorted) and their values then."""


def read_now(seen: dict[str, set[str]], values: Values) -> Read:
    """The keys of each kind in `seen` with their values now: what a kept piece of work is kept with."""
    return tuple((kind, keys, values(kind, keys)) for kind, keys in ((k, tuple(sorted(v))) for k, v in seen.items()))


def still_holds(read: Read, values: Values) -> bool:
    """Whether every key read then has the same value now (checked a kind at a time)."""
    return all(values(kind, keys) == then for kind, keys, then in read)


ENTRY = "the keys read"
"""The map's entry: for each kind, the keys (a tuple) and a digest of their values at the last build."""
VALUES = "the values read"
"""The values themselves, by kind, in the order of the keys: read only where a kind's digest differs today."""
WRITING = "results being written"
"""An entry that stands on the shelf while a build writes its results and their map (`ReadValues.writing`): a
build that ended between the two (killed, or a write that failed) leaves it, and the map is then not trusted."""
GROWTH = 2
"""The map of keys read is carried from build to build, and a key no result reads any more stays in it (an
edit's results may read other keys).  When it holds more than GROWTH times the keys it held when last made
afresh (plus SLACK), it is dropped: the next build checks every result's reads one by one, and makes it
afresh from those."""
SLACK = 10_000


class ReadValues:
    """The value at the last build of every key the results kept on `shelf` read, and which of them have
    another value today (`values`).

    Sound only if every result on the shelf read, of every key it read, the value the map gives: what the
    results of the last build read (those made then, `note`d, and those that held).  A result that does not
    hold must be made again or removed from the shelf by its owner, never left there.  So the results and the
    map are written together: `writing` before the results, `written` after them, which writes the map; a
    build that does not get to the end of both leaves no map to trust.  Without one (the first build, a cache
    made by an older builder, a damaged entry, a build that ended half way) each result's reads are checked one
    by one, and the map is made from them; `afresh`: the kept map is not read, as no result is to be checked
    (each is made anew, and `note`d).

    The map keeps each kind's keys with a digest of their values: today's values are digested alike, and only
    a kind whose digest differs has its values of then read and compared key by key (at 100,000 real-shaped
    facts the page's rows read 156,000 keys; unpickled as a dict and compared one by one they took 0.21 s)."""

    def __init__(self, shelf: Shelf, values: Values, afresh: bool = False):
        self.shelf, self.values = shelf, values
        self.keys: dict[str, tuple[str, ...]] = {}  # kind → the keys of the map
        self.today: dict[str, list[Any]] = {}  # kind → their values today, in the same order
        self.changed: dict[str, set[str]] | None = None  # kind → the keys whose value changed; None: no map
        self.made_with = 0  # how many keys the map held when last made afresh
        self._added: dict[str, dict[str, Any]] = {}  # kind → keys noted today that the map lacks, with their value
        self._known: dict[str, set[str]] = {}  # kind → the map's keys, as a set (made when first asked for)
        self._altered = False  # whether the map to keep differs from the one read
        kept = shelf.get(ENTRY) if not afresh and shelf.get(WRITING) is None else None
        if kept is None or not isinstance(kept[0], int) or not isinstance(kept[1], dict):
            self._altered = True
            return
        self.made_with, self.changed = kept[0], {}
        then: dict[str, list[Any]] | None = None
        for kind, (keys, digest) in kept[1].items():
            today = values(kind, keys)
            self.keys[kind], self.today[kind] = keys, today
            if _digest(today) == digest:
                self.changed[kind] = set()
                continue
            then = then if then is not None else self._values_then(kept[1])
            if then is None:  # the values do not match their digests: no map
                self.changed, self.keys, self.today = None, {}, {}
                self._altered = True
                return
            self.changed[kind] = {key for key, value, was in zip(keys, today, then[kind], strict=True) if value != was}
            self._altered = True

    def _values_then(self, digests: dict[str, tuple[tuple[str, ...], bytes]]) -> dict[str, list[Any]] | None:
        """The values of the map, if they are those its digests describe."""
        kept = self.shelf.get(VALUES)
        if kept is None or not isinstance(kept[1], dict) or kept[1].keys() != digests.keys():
            return None
        then: dict[str, list[Any]] = kept[1]
        if any(_digest(then[kind]) != digest for kind, (_, digest) in digests.items()):
            return None
        return then

    def holds(self, pickled: bytes) -> bool:
        """Whether a kept result that read what `pickled` holds (`read_now`'s value, pickled) still holds."""
        if self.changed is not None and not any(self.changed.values()):
            return True
        read: Read = pickle.loads(pickled)
        if self.changed is not None and all(self._covers(kind, keys) for kind, keys, _ in read):
            return all(self.changed[kind].isdisjoint(keys) for kind, keys, _ in read)
        if not still_holds(read, self.values):  # no map, or one that does not cover it: checked one by one
            return False
        self.note(read)
        return True

    def _covers(self, kind: str, keys: tuple[str, ...]) -> bool:
        return kind in self.keys and self._known_keys(kind).issuperset(keys)

    def _known_keys(self, kind: str) -> set[str]:
        """The map's keys of `kind`, as a set (made when first asked for)."""
        known = self._known.get(kind)
        if known is None:
            known = self._known[kind] = set(self.keys.get(kind, ()))
        return known

    def note(self, read: Read) -> None:
        """What a result made today read, with the values today: kept in the map with the rest.  (A lookup per key
        in the map's set: a call per key was 0.25 s of a cold build's 100 files at 100,000 synthetic facts.)"""
        for kind, keys, values in read:
            known = self._known_keys(kind)
            pairs = zip(keys, values, strict=True)
            fresh = [pair for pair in pairs if pair[0] not in known] if known else list(pairs)
            if fresh:
                self._added.setdefault(kind, {}).update(fresh)
                self._altered = True

    def write_with(self, write_results: Callable[[], bool]) -> None:
        """Write the results (`write_results`: whether every one was written), then the map: `writing`, then
        `written`, the order every owner of results keeps."""
        self.writing()
        self.written(write_results())

    def writing(self) -> None:
        """The results of this build are about to be written: the map is not trusted until `written`."""
        self.shelf.used.update((ENTRY, VALUES, WRITING))
        if not self.shelf.put(WRITING, None, None):
            self.shelf.forget(ENTRY)

    def written(self, complete: bool) -> None:
        """The results of this build were written (`complete`: every one of them, else the map is removed):
        write the map, if it changed, and trust it from now on."""
        keys, values = dict(self.keys), dict(self.today)
        for kind, added in self._added.items():
            keys[kind] = (*keys.get(kind, ()), *added)
            values[kind] = [*values.get(kind, ()), *added.values()]
        size = sum(map(len, keys.values()))
        if self.changed is None:
            self.made_with = size
        if not complete or size > GROWTH * self.made_with + SLACK:
            self.shelf.forget(ENTRY)  # none is better than one some results disagree with
        elif self._altered:
            digests = {kind: (keys[kind], _digest(values[kind])) for kind in keys}
            if not (self.shelf.put(VALUES, None, values) and self.shelf.put(ENTRY, self.made_with, digests)):
                self.shelf.forget(ENTRY)
        self.shelf.forget(WRITING)


def _digest(values: list[Any]) -> bytes:
    """A digest of a kind's values, as JSON (a pickle tells apart equal strings held once or twice); a value JSON
    cannot hold makes a digest that matches nothing."""
    try:
        return hashlib.sha256(orjson.dumps(values)).digest()
    except TypeError:
        return secrets.token_bytes(32)
