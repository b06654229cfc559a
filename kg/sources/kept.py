"""Reading many source files: records kept from the last build where a file is unchanged, the rest read
afresh, across the machine's cores when there is enough to read.

A file's records are a function of its bytes and of its article's text (`kg.sources.records.read_file`),
so they are kept with both digests, and with the sources folder and limits they were read under; any
difference, or a damaged entry, means the file is read again.  A worker that reads a file pickles its
records once: that is both what it keeps and what it sends back; the build's own process keeps the records
it reads as they are (pickled only for the shelf).

Each process appends the records it keeps to a pack of its own (`kg.shelf.Pack`: one file, where a file per
source file cost the real-shaped corpus's cold build 2.8 s), and one entry of the shelf, `INDEX`, says where
each file's records lie and what they were read from.  A pack stays while any file's records in it are
used: after an edit, the edited file's records go to a new pack, and its old ones stay in theirs (read with
it, unused) until no record of that pack is used, so the packs hold at most the live records and those of
the cold build's packs.
"""

from __future__ import annotations

import os
import pickle
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kg.limits import DEFAULT_LIMITS, Limits
from kg.shelf import Pack, Place, Shelf, keepable
from kg.sources.reading import recording_digests
from kg.sources.records import FileRecords, read_file
from kg.workers import in_processes

PARALLEL_BYTES = 2 * 1024 * 1024
"""Below this much YAML to read, one process reads it: forking and sending records back cost more."""
INDEX = "where the records of each file lie"
"""The shelf's entry for every kept file's `Entry`, by path."""

Given = tuple[dict[Path, FileRecords], dict[Path, str]]
"""The records of the files a loader read afresh, and the digests of every file as it knows them then."""
Stamp = tuple[str, str, str | None, str, str | None]
Entry = tuple[Stamp, Path | None, Place]
"""What a file's kept records were read from (the stamp, and the article text they read, if any), and where
they lie."""


@dataclass
class _Job:
    """What forked readers read under: set before the fork, inherited by the workers."""

    root: Path = Path()
    limits: Limits = DEFAULT_LIMITS
    shelf: Shelf | None = None
    digests: dict[Path, str] | None = None
    reader: int = 0  # the process that reads the records in the end: its own share needs no pickling
    packs: str = ""  # the start of the names of this build's packs (each process adds its own id)
    pack: Pack | None = None  # this process's pack, made by its first batch


_job = _Job()


Sent = tuple[FileRecords | bytes, Entry | None, dict[Path, str]]


def _read_batch(files: list[Path]) -> list[Sent]:
    """The records of each file (pickled in a worker, to be sent; as they are in the process that reads them
    in the end), where they are kept, if they are (in this process's pack), and the digests of the files read
    that `_job.digests` did not hold."""
    found: list[Sent] = []
    here = os.getpid() == _job.reader
    shelf, digests = _job.shelf, _job.digests
    read_under = _read_under(_job.root, _job.limits)
    for file in files:
        if digests is None:  # (`kg validate` and the like: no digest asked for)
            records, learnt = read_file(file, _job.root, _job.limits), {}
        else:
            with recording_digests() as recorded:
                records = read_file(file, _job.root, _job.limits)
            learnt = _learn(digests, recorded)
        if here and shelf is None:
            found.append((records, None, learnt))
            continue
        pickled = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        entry = None
        if shelf is not None and digests is not None:
            stamp = _stamp(digests, records.file, records.text_file, read_under)
            if keepable(stamp[2], *([stamp[4]] if records.text_file is not None else [])):
                if _job.pack is None or _job.pack.pid != os.getpid():
                    _job.pack = shelf.pack(f"{_job.packs} {os.getpid()}")
                place = _job.pack.put(pickled)
                entry = (stamp, records.text_file, place) if place is not None else None
        found.append((records if here else pickled, entry, learnt))
    return found


def _learn(digests: dict[Path, str], recorded: dict[Path, str]) -> dict[Path, str]:
    """Take into `digests` the digest of the bytes just read of each file it holds none for (not read by the
    fingerprint: `kg.exports.manifest.Fingerprint`), or another content digest for (changed since); a link or
    another file that is not plain content keeps its description.  Returns what it took."""
    learnt = {}
    for path, digest in recorded.items():
        known = digests.get(path)
        if known is None or (keepable(known) and known != digest):
            digests[path] = learnt[path] = digest
    return learnt


def _stamp(digests: dict[Path, str], file: Path, text_file: Path | None, read_under: str) -> Stamp:
    """What a file's records are made from (kept only when `keepable`); `read_under`: `_read_under`."""
    text_digest = digests.get(text_file) if text_file is not None else None
    return (read_under, str(file), digests.get(file), str(text_file), text_digest)


def _read_under(root: Path, limits: Limits) -> str:
    """The sources folder and the limits a file's records were read under (the limits' text made once a
    build, not once a file)."""
    return f"{root}\0{limits}"


def _read(files: list[Path], job: _Job) -> list[tuple[FileRecords, Entry | None]]:
    global _job
    _job = replace(job, reader=os.getpid(), packs=f"records {secrets.token_hex(8)}")
    try:
        sizes = [file_size(file) for file in files]
        found = in_processes(_read_batch, files, sizes, PARALLEL_BYTES, taken=_unpickled_sent)
        if job.digests is not None:  # what the workers learnt (this process's own share is in already)
            for _, _, learnt in found:
                _learn(job.digests, learnt)
        return [(_records(records), entry) for records, entry, _ in found]
    finally:
        if _job.pack is not None:
            _job.pack.close()
        _job = _Job()


def _unpickled_sent(sent: Sent) -> Sent:
    """What a worker sent, its records unpickled (by the parent, as they arrive: `in_processes`)."""
    return _records(sent[0]), sent[1], sent[2]


def _records(records: FileRecords | bytes) -> FileRecords:
    return pickle.loads(records) if isinstance(records, bytes) else records


def read_in_parallel(
    files: list[Path], root: Path, limits: Limits = DEFAULT_LIMITS, digests: dict[Path, str] | None = None
) -> list[FileRecords]:
    """The records of `files`, in order, read by one process per core when there is enough to read; with
    `digests`, the digest of each file read that it holds none for is added to it (`_learn`)."""
    return [records for records, _ in _read(files, _Job(root, limits, digests=digests))]


def file_size(file: Path) -> int:
    """The size of `file` in bytes; 0 when it cannot be told."""
    try:
        return os.stat(file).st_size
    except OSError:
        return 0


class KeptRecords:
    """A file loader for `load_sources` that keeps each file's records on `shelf` between builds.

    `digests` are the content digests of the files under the sources folder (`kg.exports.manifest`); a
    linked or unreadable file is read every time.  Not `keeping`: the records kept are used, and none is kept
    or removed (for a second process that loads the same sources beside the build's own, which keeps them).
    `given`: where the records of the files not kept come from, with the digests learnt reading them, instead
    of reading those files here (`Given`).  `hand`: told those records and digests as soon as they are read,
    before the kept records are (another process may be waiting for them).  `afresh`: the records the last
    call read, by file.
    """

    def __init__(
        self, shelf: Shelf, digests: dict[Path, str], keeping: bool = True, given: Callable[[], Given] | None = None
    ):
        self.shelf = shelf
        self.digests = digests
        self.keeping = keeping
        self.given = given
        self.hand: Callable[[Given], None] | None = None
        self.afresh: dict[Path, FileRecords] = {}
        self._index: dict[str, Entry] | None = None

    def index(self) -> dict[str, Entry]:
        """Where each file's kept records lie, and what they were read from (read once)."""
        if self._index is None:
            kept = self.shelf.get(INDEX)
            self._index = kept[1] if kept is not None and isinstance(kept[1], dict) else {}
        return self._index

    def _holding(self, files: list[Path], root: Path, limits: Limits) -> list[tuple[Path, Entry]]:
        """The files among `files` whose kept records were read from what they hold today, with their entries."""
        index, read_under = self.index(), _read_under(root, limits)
        found = ((file, index.get(str(file))) for file in files)
        return [
            (file, entry)
            for file, entry in found
            if entry is not None and entry[0] == _stamp(self.digests, file, entry[1], read_under)
        ]

    def to_read(self, files: list[Path], root: Path, limits: Limits = DEFAULT_LIMITS) -> list[Path]:
        """The files among `files` that would be read afresh: those whose records are not kept, or were read
        from other bytes (a file the fingerprint did not digest changed since it was last read)."""
        holding = {file for file, _ in self._holding(files, root, limits)}
        return [file for file in files if file not in holding]

    def reading_alike(self, given: Callable[[], Given]) -> KeptRecords:
        """A loader of the same kept records that keeps none, for a second process that loads the same sources
        beside the one that keeps them: the records of the files not kept are `given` by that one (`afresh`,
        with its digests), so both hold the same records even if a file changes meanwhile (it reads only a file
        that one did not: a kept entry found damaged, a file listed here only).  It shares the index read
        already."""
        alike = KeptRecords(self.shelf, self.digests, keeping=False, given=given)
        alike._index = self._index
        return alike

    def __call__(self, files: list[Path], root: Path, limits: Limits = DEFAULT_LIMITS) -> list[FileRecords]:
        holding = self._holding(files, root, limits)
        found: dict[Path, FileRecords] = {}
        entries: dict[str, Entry] = {}
        job = _Job(root, limits, self.shelf if self.keeping else None, self.digests)
        self.afresh = {}
        if self.given is None:  # the files not kept read first: `hand` gives them to whoever waits for them
            held = {file for file, _ in holding}
            self._read_afresh([file for file in files if file not in held], job, found, entries)
            if self.hand is not None:
                self.hand((self.afresh, self.digests))
        for (file, entry), value in zip(holding, self.shelf.read_places(e[2] for _, e in holding), strict=True):
            records = _unpickled(value)
            if records is not None and records.file == file:
                found[file] = records
                entries[str(file)] = entry
        rest = [file for file in files if file not in found]
        if rest and self.given is not None:
            records_given, digests = self.given()
            self.digests.update(digests)
            found.update((file, records_given[file]) for file in rest if file in records_given)
            rest = [file for file in rest if file not in found]
        self._read_afresh(rest, job, found, entries)  # (kept records found damaged; a file listed here only)
        if self.keeping:
            self.shelf.put(INDEX, None, entries)
            self.shelf.used.update(entry[2][0] for entry in entries.values())  # the packs they lie in
            self.shelf.keep_only_used()
        return [found[file] for file in files]

    def _read_afresh(
        self, files: list[Path], job: _Job, found: dict[Path, FileRecords], entries: dict[str, Entry]
    ) -> None:
        for records, placed in _read(files, job) if files else ():
            found[records.file] = records
            self.afresh[records.file] = records
            if placed is not None:
                entries[str(records.file)] = placed


def _unpickled(value: memoryview | None) -> FileRecords | None:
    """The records in a kept value the shelf vouches for, or None."""
    if value is None:
        return None
    try:
        records = pickle.loads(value)
    except Exception:  # whatever a damaged entry raises, the records are only missing
        return None
    return records if isinstance(records, FileRecords) else None
