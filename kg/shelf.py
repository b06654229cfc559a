"""A shelf in the build cache: values kept between builds, one file per name, never trusted blindly.

Each file holds a magic line, a digest of its label, a digest of its value, the label's length and the label
(the pickled (format, name, stamp)), then the value (pickled, or bytes as given).  A file that is short,
altered, from another version of the builder or for another name reads as missing, and is replaced when the
value is next put.  The label's digest is checked before the label is unpickled, the value's before the
value is.  A shelf also keeps whole files as they are (`keep_file`: an export, under a second name).  The
caller compares the stamp (what the value was made from) with today's inputs before using the value.  The
cache folder is the user's own (`.kg-cache/` beside the sources, git-ignored); pickle is for speed, and only
reads what the digests vouch this code wrote.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import pickle
import re
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, cast

from kg.limits import read_at_most

CACHE_DIR = ".kg-cache"
"""The build's cache, beside the sources folder (`cache_folder`): one shelf per kind of result in it."""


def cache_folder(sources: Path) -> Path:
    return sources.resolve().parent / CACHE_DIR


def own_folder(folder: Path) -> bool:
    """Whether `folder` may be the cache: not there yet (made when first written), or a folder of its own.  A link
    is not: a build writes its lock and shelves into the cache, and removes what it no longer uses there, so a
    `.kg-cache` linked to `/` or to a folder of the user's had it write into `/`, and remove the user's files."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)
    except FileNotFoundError:
        return not folder.is_symlink()  # (a link to nothing is no folder of its own either)
    except OSError:
        return False


CONTENT = "="
"""The mark of a digest of a file's bytes (`kg.exports.manifest`); a link or an unreadable file gets another
description, and what is made from it is never kept."""
_MAGIC = b"kg-shelf 2\n"
_DIGEST = 32
_HEAD = len(_MAGIC) + 2 * _DIGEST + 4  # then the label
_ENTRY, _FILE = ".kept", ".file"  # an entry's file; a file kept whole (`keep_file`) or a pack (`Pack`)


_SHELF_FILE = re.compile(r"[0-9a-f]{32}\.(?:kept|file)|\..+\.\d+\.tmp")
"""The name of a file a shelf writes: an entry or a pack (`Shelf._path`), or one being written (`_put_in_place`:
a build killed meanwhile leaves it)."""

_MODES = {"rb": os.O_RDONLY, "ab": os.O_WRONLY | os.O_APPEND | os.O_CREAT}


def open_regular(path: Path, mode: str = "rb", buffering: int = -1) -> BinaryIO:
    """The cache file at `path`, opened to read (`rb`) or to append to (`ab`), if it is a regular file of its own;
    else OSError.  The cache folder is only the user's: a link to `/dev/zero` put there was read without end (a build
    past 13 GB), and a FIFO made a build wait for ever, holding the cache's lock.  So never through a link, never
    waiting on what is no regular file."""
    descriptor = os.open(path, _MODES[mode] | os.O_NONBLOCK | os.O_NOFOLLOW, 0o666)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return cast(BinaryIO, os.fdopen(descriptor, mode, buffering=buffering))
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(path: Path) -> bytes | None:
    """The bytes of the cache file at `path` (`open_regular`), or None where there are none to trust: no such
    regular file, or one that grew while it was read (no entry this builder wrote)."""
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            data = read_at_most(stream, size, size + 1)
    except OSError:
        return None
    return data if len(data) == size else None


LOCK = "build.lock"
"""The file of the cache folder that a build holds a lock on (`held`)."""


@contextmanager
def held(folder: Path) -> Iterator[None]:
    """The cache folder `folder` for this process alone while the block runs: another build of the same sources
    waits here until this one is done.  Two builds writing one cache at once would mix their entries (a pack
    written by one over the other's, a map of reads from one beside results of the other), and a later build
    could then trust a result made from other facts.  Where the folder cannot be made or locked (read-only,
    no `flock`), the block runs anyway: such a cache is of no use to keep."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open_regular(folder / LOCK, "ab")  # (closed below, which releases the lock)
    except OSError:
        yield
        return
    with lock:
        with contextlib.suppress(OSError, ImportError):
            import fcntl  # Unix only

            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        yield


def content_digest(data: bytes) -> str:
    """The digest of a file's content, as the cache keys it (SHA-256: in hardware, see `_digest`)."""
    return CONTENT + hashlib.sha256(data).hexdigest()


def keepable(*digests: str | None) -> bool:
    """Whether all `digests` are of plain content, so that what is made from those files may be kept."""
    return all(digest is not None and digest.startswith(CONTENT) for digest in digests)


class Shelf:
    def __init__(self, folder: Path, version: str):
        self.folder = folder
        self.version = version
        self.used: set[str] = set()

    def _path(self, name: str, suffix: str = _ENTRY) -> Path:
        return self.folder / (hashlib.blake2b(name.encode(), digest_size=16).hexdigest() + suffix)

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
        read = read_regular(self._path(name))
        if read is None:
            return None
        data = memoryview(read)
        found = self._label(data, name)
        if found is None or _digest(data[found[2] :]) != found[1]:
            return None
        return found[0], data[found[2] :]

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

    def put(self, name: str, stamp: Any, value: Any) -> bool:
        """Keep `value` under `name` (atomically; a cache that cannot be written only costs speed); whether it
        was written."""
        return self.put_bytes(name, stamp, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_bytes(self, name: str, stamp: Any, value: bytes, digest: bytes | None = None) -> bool:
        """Keep bytes as they are: a value already pickled (by a process that sends it on pickled anyway; `get`
        unpickles it) or bytes to be read back as bytes (`get_bytes`: the Turtle of a source file).  `digest`:
        their SHA-256, when the caller has it already.  Whether they were written."""
        self.used.add(name)
        label = pickle.dumps((self.version, name, stamp), protocol=pickle.HIGHEST_PROTOCOL)
        labelled = (digest or _digest(value)) + len(label).to_bytes(4, "big") + label

        def write(temporary: Path) -> None:
            with open(temporary, "wb") as entry:
                entry.write(_MAGIC + _digest(labelled) + labelled)
                entry.write(value)

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return _put_in_place(self._path(name), write)

    def forget(self, name: str) -> None:
        """Remove the entry `name`, if it is there."""
        with contextlib.suppress(OSError):
            self._path(name).unlink(missing_ok=True)

    def keep_file(self, name: str, source: Path) -> Path | None:
        """Keep the file `source` itself under `name`: a second name for it (a hard link: no byte copied), or a
        copy where a link cannot be made (another file system).  For a file that is replaced, never written
        in place (an export written atomically), so that this one stays as it was.  Its path, None if it could
        not be kept.  The caller records what it holds (`file_stamp`), and trusts it only while that holds."""
        self.used.add(name)
        path = self._path(name, _FILE)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Removed, then linked: not renamed over.  On ext4 a rename over a file first has the data of the
            # file renamed written out (`auto_da_alloc`: 0.12 s for a 300 MB export just written), which is left
            # to the export's own rename into place (its write-out started early: `kg.exports.staging`).  In
            # between, the file is missing: nothing is kept.
            path.unlink(missing_ok=True)
            os.link(source, path)
            return path
        except OSError:
            pass
        return path if _put_in_place(path, partial(shutil.copyfile, source)) else None

    def kept_file(self, name: str) -> Path:
        """Where the file kept under `name` (`keep_file`) is, if it is there."""
        self.used.add(name)
        return self._path(name, _FILE)

    def pack(self, name: str) -> Pack:
        """A new pack named `name` to append values to (`Pack`)."""
        return Pack(self._path(name, _FILE), name)

    def read_places(self, places: Iterable[Place]) -> Iterator[memoryview | None]:
        """The value at each of `places` (`Pack.put`), in order; None where its pack is gone, or its bytes are
        not those put there.  Each pack is read once, whole: its values were written one after another.  The
        caller marks the packs it still uses (`used`)."""
        packs: dict[str, memoryview | None] = {}
        for name, offset, length, digest in places:
            if name not in packs:
                read = read_regular(self._path(name, _FILE))
                packs[name] = memoryview(read) if read is not None else None
            data = packs[name]
            value = data[offset : offset + length] if data is not None else None
            yield value if value is not None and len(value) == length and _digest(value) == digest else None

    def keep_only_used(self) -> None:
        """Remove every entry no name was asked for since this shelf was opened (sources deleted or renamed).  Only
        what a shelf writes is removed (an entry, a pack, a temporary file of either): anything else put in the
        folder is the user's."""
        wanted = {self._path(name, suffix).name for name in self.used for suffix in (_ENTRY, _FILE)}
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name not in wanted and _SHELF_FILE.fullmatch(path.name):
                    path.unlink(missing_ok=True)


def _put_in_place(path: Path, write: Callable[[Path], object]) -> bool:
    """`write` a file beside `path` under a temporary name, then rename it over `path`; whether it was done
    (if not, nothing is left behind)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True


Place = tuple[str, int, int, bytes]
"""Where a value lies in a pack: the pack's name, the value's offset and length, and its SHA-256."""


class Pack:
    """A file of a shelf that values are appended to, one after another, each found again by where it lies
    (`Shelf.read_places`): many small values in one file, which each process that makes them writes to
    alone.  A pack is kept (`Shelf.keep_only_used`) while its name is used; the caller keeps the places of
    its values (in an entry of the shelf) and marks the names of the packs they lie in as used.  Creating
    a file costs 0.1 to 0.9 ms of system time on the benchmark machine whatever its size (see `Packed`): a
    file per value made the cold build of the 5,610-file real-shaped corpus write its records 2.8 s slower
    than not keeping them at all."""

    def __init__(self, path: Path, name: str):
        self.path = path
        self.name = name
        self.pid = os.getpid()  # the process that writes it
        self._file: BinaryIO | None = None

    def put(self, value: bytes) -> Place | None:
        """Append `value`; where it lies, or None if it could not be written (a cache that cannot be written only
        costs speed)."""
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # unbuffered: a forked worker ends without flushing, and each value is one write anyway
                self._file = open_regular(self.path, "ab", buffering=0)  # (closed by `close`, or at exit)
            offset = self._file.tell()
            if self._file.write(value) != len(value):  # a disk full: what was written is never read
                return None
        except OSError:
            return None
        return self.name, offset, len(value), _digest(value)

    def close(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None


def _digest(data: bytes | memoryview) -> bytes:
    """SHA-256, which processors compute in hardware (SHA extensions, used by OpenSSL): after a one-file edit
    of 100,000 facts the build reads back 195 MB of kept Turtle, checked in 0.11 s, against 0.33 s with
    BLAKE2b (measured with `hashlib` on the benchmark machine)."""
    return hashlib.sha256(data).digest()


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

    def drop(self, name: str) -> None:
        """Remove the entry `name` (from its pack, when next flushed)."""
        self.used.discard(name)
        index = self._pack(name)
        if self._entries(index).pop(name, None) is not None:
            self._changed.add(index)

    def put(self, name: str, stamp: Any, value: Any) -> None:
        self.used.add(name)
        index = self._pack(name)
        self._entries(index)[name] = (stamp, value)
        self._changed.add(index)

    def flush(self) -> bool:
        """Write every pack that changed, without the entries no name was asked for since this shelf was
        opened (sources deleted or renamed); remove the packs no entry is left in.  The entries are then
        let go (a later `get` reads them again).  Whether every pack was written."""
        for index, entries in self._loaded.items():
            for name in entries.keys() - self.used:
                del entries[name]
                self._changed.add(index)
        written = True
        for index in sorted(self._changed):
            if self._loaded[index]:
                written &= self.shelf.put(f"pack {index}", None, self._loaded[index])
        self._changed.clear()
        self.shelf.used.difference_update({f"pack {i}" for i, entries in self._loaded.items() if not entries})
        self.shelf.keep_only_used()
        self._loaded.clear()  # written: what they hold is no longer held here
        return written
