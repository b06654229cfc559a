"""Reading many source files: records kept from the last build where a file is unchanged, the rest read
afresh, across the machine's cores when there is enough to read.

A file's records are a function of its bytes and of its article's text (`kg.sources.records.read_file`),
so they are kept under the file's path with both digests, and with the sources folder and limits they
were read under; any difference, or a damaged entry, means the file is read again.  A worker that reads
a file pickles its records once: that is both what it keeps and what it sends back; the build's own
process keeps the records it reads as they are (pickled only for the shelf).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from kg.limits import DEFAULT_LIMITS, Limits
from kg.shelf import Shelf, keepable
from kg.sources.records import FileRecords, read_file
from kg.workers import in_processes

PARALLEL_BYTES = 2 * 1024 * 1024
"""Below this much YAML to read, one process reads it: forking and sending records back cost more."""

Stamp = tuple[str, str, str | None, str, str | None]


@dataclass
class _Job:
    """What forked readers read under: set before the fork, inherited by the workers."""

    root: Path = Path()
    limits: Limits = DEFAULT_LIMITS
    shelf: Shelf | None = None
    digests: dict[Path, str] | None = None
    reader: int = 0  # the process that reads the records in the end: its own share needs no pickling


_job = _Job()


def _read_batch(files: list[Path]) -> list[FileRecords | bytes]:
    """The records of each file, kept on the shelf (if any) on the way: pickled in a worker (to be sent),
    as they are in the process that reads them in the end."""
    found: list[FileRecords | bytes] = []
    here = os.getpid() == _job.reader
    shelf, digests = _job.shelf, _job.digests
    for file in files:
        records = read_file(file, _job.root, _job.limits)
        if here and shelf is None:
            found.append(records)
            continue
        pickled = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        if shelf is not None and digests is not None:
            stamp = _stamp(digests, records.file, records.text_file, _job.root, _job.limits)
            if keepable(stamp[2], *([stamp[4]] if records.text_file is not None else [])):
                shelf.put_bytes(str(file), stamp, pickled)
        found.append(records if here else pickled)
    return found


def _stamp(digests: dict[Path, str], file: Path, text_file: Path | None, root: Path, limits: Limits) -> Stamp:
    """What a file's records are made from (kept only when `keepable`)."""
    text_digest = digests.get(text_file) if text_file is not None else None
    return (f"{root}\0{limits}", str(file), digests.get(file), str(text_file), text_digest)


def _read(files: list[Path], job: _Job) -> list[FileRecords]:
    global _job
    _job = replace(job, reader=os.getpid())
    try:
        sizes = [_size(file) for file in files]
        found = in_processes(_read_batch, files, sizes, PARALLEL_BYTES)
        return [p if isinstance(p, FileRecords) else pickle.loads(p) for p in found]
    finally:
        _job = _Job()


def read_in_parallel(files: list[Path], root: Path, limits: Limits = DEFAULT_LIMITS) -> list[FileRecords]:
    """The records of `files`, in order, read by one process per core when there is enough to read."""
    return _read(files, _Job(root, limits))


def _size(file: Path) -> int:
    try:
        return os.stat(file).st_size
    except OSError:
        return 0


class KeptRecords:
    """A file loader for `load_sources` that keeps each file's records on `shelf` between builds.

    `digests` are the content digests of the files under the sources folder (`kg.exports.manifest`); a
    linked or unreadable file is read every time.
    """

    def __init__(self, shelf: Shelf, digests: dict[Path, str]):
        self.shelf = shelf
        self.digests = digests

    def __call__(self, files: list[Path], root: Path, limits: Limits = DEFAULT_LIMITS) -> list[FileRecords]:
        found: dict[Path, FileRecords] = {}
        for file in files:
            kept = self.shelf.get(str(file))
            if kept is not None and kept[0] == _stamp(self.digests, file, kept[1].text_file, root, limits):
                found[file] = kept[1]
        fresh = [file for file in files if file not in found]
        for records in _read(fresh, _Job(root, limits, self.shelf, self.digests)):
            found[records.file] = records
        self.shelf.used.update(str(file) for file in files)
        self.shelf.keep_only_used()
        return [found[file] for file in files]
