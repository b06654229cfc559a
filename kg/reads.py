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

import pickle
from collections.abc import Callable
from typing import Any

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


ENTRY = "the value of every key read"
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
    results of the last build read (those made then, `note`d, and those that held).  So the results and the
    map are written together: `writing` before the results, `written` after them, which writes the map; a
    build that does not get to the end of both leaves no map to trust.  Without one (the first build, a cache
    made by an older builder, a damaged entry, a build that ended half way) each result's reads are checked one
    by one, and the map is made from them; `afresh`: the kept map is not read, as no result is to be checked
    (each is made anew, and `note`d)."""

    def __init__(self, shelf: Shelf, values: Values, afresh: bool = False):
        self.shelf, self.values = shelf, values
        self.now: dict[str, dict[str, Any]] = {}  # kind → key → value today: the map to keep
        self.changed: dict[str, set[str]] | None = None  # kind → the keys whose value changed; None: no map
        self.then: dict[str, dict[str, Any]] = {}  # the map as read: kind → key → value at the last build
        self.made_with = 0  # how many keys the map held when last made afresh
        self._altered = False  # whether the map to keep differs from the one read
        kept = shelf.get(ENTRY) if not afresh and shelf.get(WRITING) is None else None
        if kept is None or not isinstance(kept[0], int) or not isinstance(kept[1], dict):
            self._altered = True
            return
        self.made_with, self.changed, self.then = kept[0], {}, kept[1]
        for kind, then in kept[1].items():
            keys = tuple(then)
            today = values(kind, keys)
            self.now[kind] = dict(zip(keys, today, strict=True))
            pairs = zip(keys, today, then.values(), strict=True)
            self.changed[kind] = {key for key, value, was in pairs if value != was}
            self._altered |= bool(self.changed[kind])

    def holds(self, pickled: bytes) -> bool:
        """Whether a kept result that read what `pickled` holds (`read_now`'s value, pickled) still holds."""
        if self.changed is not None and not any(self.changed.values()):
            return True
        read: Read = pickle.loads(pickled)
        if self.changed is None:
            if not still_holds(read, self.values):
                return False
            self.note(read)
            return True
        for kind, keys, _ in read:
            then = self.then.get(kind)
            if then is None or not then.keys() >= set(keys):  # not in the map: checked one by one
                if not still_holds(read, self.values):
                    return False
                self.note(read)
                return True
            if not self.changed[kind].isdisjoint(keys):
                return False
        return True

    def note(self, read: Read) -> None:
        """What a result made today read, with the values today: kept in the map with the rest."""
        for kind, keys, values in read:
            known = self.now.setdefault(kind, {})
            for key, value in zip(keys, values, strict=True):
                if key not in known or known[key] != value:
                    known[key] = value
                    self._altered = True

    def writing(self) -> None:
        """The results of this build are about to be written: the map is not trusted until `written`."""
        self.shelf.used.update((ENTRY, WRITING))
        if not self.shelf.put(WRITING, None, None):
            self.shelf.forget(ENTRY)

    def written(self, complete: bool) -> None:
        """The results of this build were written (`complete`: every one of them, else the map is removed):
        write the map, if it changed, and trust it from now on."""
        size = sum(len(known) for known in self.now.values())
        if self.changed is None:
            self.made_with = size
        grown = size > GROWTH * self.made_with + SLACK
        if not complete or grown or (self._altered and not self.shelf.put(ENTRY, self.made_with, self.now)):
            self.shelf.forget(ENTRY)  # none is better than one some results disagree with
        self.shelf.forget(WRITING)
