"""A shelf in the build cache: values kept between builds, one file per name, never trusted blindly.

Each file holds a magic line, a digest of its label, a digest of its value, the label's length and the label
(the pickled (format, name, stamp)), then the value (pickled, or bytes as given).  A file that is short,
altered, from another version of the builder or for another name reads as missing, and is replaced when the
value is next put.  The label is checked apart from the value: `get_stamp` reads and checks it alone.  The
caller compares the stamp (what the value was made from) with today's inputs before using the value.  The
cache folder is the user's own (`.kg-cache/` beside the sources, git-ignored); pickle is for speed, and only
reads what the digests vouch this code wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

CONTENT = "="
"""The mark of a digest of a file's bytes (`kg.exports.manifest`); a link or an unreadable file gets another
description, and what is made from it is never kept."""
_MAGIC = b"kg-shelf 2\n"
_DIGEST = 32
_HEAD = len(_MAGIC) + 2 * _DIGEST + 4  # then the label


def keepable(*digests: str | None) -> bool:
    """Whether all `digests` are of plain content, so that what is made from those files may be kept."""
    return all(digest is not None and digest.startswith(CONTENT) for digest in digests)


class Shelf:
    def __init__(self, folder: Path, version: str):
        self.folder = folder
        self.version = version
        self.used: set[str] = set()

    def _path(self, name: str) -> Path:
        return self.folder / (hashlib.blake2b(name.encode(), digest_size=16).hexdigest() + ".kept")

    def get(self, name: str) -> tuple[Any, Any] | None:
        """(stamp, value) last put under `name` by this version of the builder, or None."""
        found = self.get_bytes(name)
        if found is None:
            return None
        try:
            return found[0], pickle.loads(found[1])
        except Exception:  # whatever a damaged entry raises, the value is only missing
            return None

    def get_bytes(self, name: str) -> tuple[Any, memoryview] | None:
        """(stamp, the value's bytes as `put_bytes` was given them), or None."""
        self.used.add(name)
        try:
            data = memoryview(self._path(name).read_bytes())
        except OSError:
            return None
        found = self._label(data, name)
        if found is None or _digest(data[found[2] :]) != found[1]:
            return None
        return found[0], data[found[2] :]

    def get_stamp(self, name: str) -> tuple[Any, bytes] | None:
        """(stamp, the SHA-256 of the value's bytes) last put under `name`, read without the value (which
        may be large, and which the caller may hold elsewhere already, as the digest tells), or None."""
        self.used.add(name)
        try:
            with open(self._path(name), "rb") as entry:
                head = entry.read(_HEAD)
                label = entry.read(int.from_bytes(head[_HEAD - 4 : _HEAD], "big")) if len(head) == _HEAD else b""
        except OSError:
            return None
        found = self._label(memoryview(head + label), name)
        return (found[0], found[1]) if found is not None else None

    def _label(self, data: memoryview, name: str) -> tuple[Any, bytes, int] | None:
        """(stamp, value digest, where the value starts) of an entry (its first bytes at least), if its label
        is intact, of this version and for `name`; else None."""
        try:
            if data[: len(_MAGIC)] != _MAGIC:
                return None
            label_end = _HEAD + int.from_bytes(data[_HEAD - 4 : _HEAD], "big")
            value_digest = bytes(data[len(_MAGIC) + _DIGEST : len(_MAGIC) + 2 * _DIGEST])
            if (
                len(data) < label_end
                or _digest(data[len(_MAGIC) + _DIGEST : label_end]) != data[len(_MAGIC) : len(_MAGIC) + _DIGEST]
            ):
                return None
            version, kept_name, stamp = pickle.loads(data[_HEAD:label_end])
            if version != self.version or kept_name != name:
                return None
            return stamp, value_digest, label_end
        except Exception:  # whatever a damaged entry raises, the value is only missing
            return None

    def put(self, name: str, stamp: Any, value: Any) -> None:
        """Keep `value` under `name` (atomically; a cache that cannot be written only costs speed)."""
        self.put_bytes(name, stamp, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_bytes(self, name: str, stamp: Any, value: bytes, digest: bytes | None = None) -> None:
        """Keep bytes as they are: a value already pickled (by a process that sends it on pickled anyway; `get`
        unpickles it) or bytes to be read back as bytes (`get_bytes`: the Turtle of a source file).  `digest`:
        their SHA-256, when the caller has it already."""
        self.used.add(name)
        label = pickle.dumps((self.version, name, stamp), protocol=pickle.HIGHEST_PROTOCOL)
        labelled = (digest or _digest(value)) + len(label).to_bytes(4, "big") + label
        path = self._path(name)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as entry:
                entry.write(_MAGIC + _digest(labelled) + labelled)
                entry.write(value)
            os.replace(temporary, path)

    def keep_only_used(self) -> None:
        """Remove every entry no name was asked for since this shelf was opened (sources deleted or renamed)."""
        wanted = {self._path(name).name for name in self.used}
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name not in wanted:
                    path.unlink(missing_ok=True)


def _digest(data: bytes | memoryview) -> bytes:
    """SHA-256, which processors compute in hardware (SHA extensions, used by OpenSSL): after a one-file edit
    of 100,000 facts the build reads back 195 MB of kept Turtle, checked in 0.11 s, against 0.33 s with
    BLAKE2b (measured with `hashlib` on the benchmark machine)."""
    return hashlib.sha256(data).digest()


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


PACKS = 64
"""How many files a `Packed` shelf spreads its entries over."""


class Packed:
    """Many small entries of one shelf kept in a few files: `get` and `put` work in memory, `flush` writes
    the files whose entries changed.  Creating a file costs 0.1 to 0.9 ms of system time on the benchmark
    machine whatever its size (2,000 one-byte files, timed from Python), and a file per entry made a cold
    build of the 5,610-file real-shaped corpus create 8,000 files for its checks alone (3.4 s).  For a
    single process: two writing the same pack would lose each other's entries."""

    def __init__(self, shelf: Shelf, packs: int = PACKS):
        self.shelf = shelf
        self.packs = packs
        self.used: set[str] = set()
        self._loaded: dict[int, dict[str, tuple[Any, Any]]] = {}
        self._changed: set[int] = set()

    def _pack(self, name: str) -> int:
        return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big") % self.packs

    def _entries(self, index: int) -> dict[str, tuple[Any, Any]]:
        if index not in self._loaded:
            kept = self.shelf.get(f"pack {index}")
            self._loaded[index] = kept[1] if kept is not None and isinstance(kept[1], dict) else {}
        return self._loaded[index]

    def get(self, name: str) -> tuple[Any, Any] | None:
        """(stamp, value) last put under `name`, or None."""
        self.used.add(name)
        return self._entries(self._pack(name)).get(name)

    def keep(self, names: Iterable[str]) -> None:
        """Keep the entries `names` as they are, without reading them (their packs are left as they are)."""
        for name in names:
            self.used.add(name)
            self.shelf.used.add(f"pack {self._pack(name)}")

    def put(self, name: str, stamp: Any, value: Any) -> None:
        self.used.add(name)
        index = self._pack(name)
        self._entries(index)[name] = (stamp, value)
        self._changed.add(index)

    def flush(self) -> None:
        """Write every pack that changed, without the entries no name was asked for since this shelf was
        opened (sources deleted or renamed); remove the packs no entry is left in.  The entries are then
        let go (a later `get` reads them again)."""
        for index, entries in self._loaded.items():
            for name in entries.keys() - self.used:
                del entries[name]
                self._changed.add(index)
        for index in sorted(self._changed):
            if self._loaded[index]:
                self.shelf.put(f"pack {index}", None, self._loaded[index])
        self._changed.clear()
        self.shelf.used.difference_update({f"pack {i}" for i, entries in self._loaded.items() if not entries})
        self.shelf.keep_only_used()
        self._loaded.clear()  # written: what they hold is no longer held here
