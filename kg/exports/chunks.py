"""The Turtle of every source file for a build: kept from the last build where it still holds, the rest
rendered across the machine's cores when there is much to render, written straight to the export file.

No process holds the text of the chunks it renders: each one writes its chunks to a part file of its own
beside the export (and sends back only where each chunk lies in it); the chunks are then copied into the
export in source order, with the kept ones between them, and the part files removed.  The kept chunks are
held as read from the cache until then (after a one-file edit, most of the graph's text: the edit's build
trades that memory for reading and checking each cache entry once).

A chunk (`kg.exports.turtle`) is a function of its file's records and of the facts from other files it
read.  It is kept with the digests of its file and article texts, and with each fact it read and that
fact's value then; it is used again only if all of them are unchanged (and the builder, the ontology and
the base IRI, which name the shelf or are part of the stamp).

The chunks are kept in the last export itself: the shelf keeps that file under a second name (a hard link,
so no byte is copied; a copy on another file system) with one entry for them all, which records the file's
size, time and inode, and for each source file where its chunk lies, its digest and what it was made from.
Kept chunks are copied from that file by the kernel while it is as the build wrote it; were it touched (an
export edited in place), its chunks are rendered again.  Keeping each chunk in an entry of its own, as
this did before, wrote the graph's Turtle twice and made a file per source file: at 100,000 real-shaped
facts 320 MB in 5,611 files, about a fifth of the cold build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO, NamedTuple, cast

from kg.exports.manifest import file_stamp
from kg.exports.turtle import TurtleWriter, entity_finder
from kg.exports.view import View
from kg.model import Model, SourceRecords
from kg.ontology import Ontology
from kg.reads import Read, ReadValues, read_now
from kg.shelf import Shelf, keepable, open_regular
from kg.workers import in_processes

PARALLEL_RECORDS = 20_000
"""Below this many records to render, one process renders them all: forking costs more."""
LAYOUT = "where each chunk lies in the last export"
"""The shelf's entry for the kept export's file stamp (`file_stamp`), and for each source file whose chunk it
holds, `Kept`."""
LAST_EXPORT = "the last export"
"""The name the last export is kept under (`Shelf.keep_file`)."""
LAST_STAMP = "the last export's stamp"
"""The kept export's `file_stamp`, taken once the export is in its place (`stamp_last_export`): None until then."""


class TurtleKept(NamedTuple):
    """What the Turtle keeps between builds: its `shelf`, the digests of today's sources, and the shelf of
    the finder of names in the articles (`kg.exports.turtle.entity_finder`), when it is kept."""

    shelf: Shelf
    digests: dict[Path, str]
    names: Shelf | None = None


class Kept(NamedTuple):
    """Where a source file's chunk lies in the kept export, its SHA-256, and what it was made from: the stamp
    of its files, and what it read from others with their values then (a `Read`, pickled on its own: kept
    again as it is, the layout is written again without pickling the reads of every chunk, 0.09 s of a
    one-file edit at 100,000 real-shaped facts)."""

    offset: int
    length: int
    digest: bytes
    stamp: str
    read: bytes


@dataclass
class _Job:
    """What forked renderers read (set before the fork, inherited): they keep what they render themselves."""

    writer: TurtleWriter
    groups: list[SourceRecords]
    stamps: list[str | None]
    keeping: bool  # whether to say what each chunk read, to keep it
    texts: dict[str, str | None]
    parts: Path  # the folder of the part files
    part: BinaryIO | None = None  # this process's part file, opened by its first batch


_job: _Job | None = None

Placed = tuple[str, int, int, bytes, bytes | None]
"""Where a rendered chunk lies: its part file's name, its offset and its length in bytes; its SHA-256; what
it read from other files with their values now, pickled (None when it is not to be kept)."""


def _render_batch(indexes: list[int]) -> list[Placed]:
    """Render each group's Turtle into this process's part file, and say where it lies and what it read."""
    assert _job is not None
    job, placed = _job, []
    if job.part is None or job.part.closed:
        job.part = open(job.parts / f"{os.getpid()}.ttl", "ab")  # noqa: SIM115 (closed by write_turtle, or at exit)
    for index in indexes:
        chunk = job.writer.chunk(job.groups[index])
        stamp = job.stamps[index]
        data = chunk.text.encode("utf-8")
        digest = hashlib.sha256(data).digest()  # in hardware: see `kg.shelf._digest`
        read = None
        if job.keeping and stamp:
            read = pickle.dumps(read_now(chunk.reads, partial(job.writer.values, job.texts)), pickle.HIGHEST_PROTOCOL)
        placed.append((os.path.basename(job.part.name), job.part.tell(), len(data), digest, read))
        job.part.write(data)
    job.part.flush()  # read by the process that assembles the export
    return placed


def write_turtle(
    path: Path,
    model: Model,
    ontology: Ontology,
    view: View,
    base: str,
    kept: TurtleKept | None = None,
    groups: list[SourceRecords] | None = None,
) -> dict[Path, tuple[int, int]]:
    """Write the graph as Turtle to `path`: its header, then the chunk of each source file, in source order;
    return where each file's chunk lies in it (offset and length, in bytes).  `kept`: what is kept between
    builds (`TurtleKept`); `groups`: the model's `by_file`, if made already."""
    global _job
    writer = TurtleWriter(model, ontology, view, base)
    groups = model.by_file() if groups is None else groups
    shelf, digests = (kept.shelf, kept.digests) if kept is not None else (None, {})
    texts = {article.id: digests.get(article.text_path) for article in model.articles.values()}
    stamps = [_stamp(group, digests, texts, base) for group in groups]
    last = _last_export(shelf) if shelf is not None else None
    # What the kept chunks read, and what of it changed (afresh when no chunk is kept: the map is then made anew)
    changes = ReadValues(shelf, partial(writer.values, texts), afresh=last is None) if shelf is not None else None
    found: dict[int, Found] = {}
    reads: dict[int, bytes | None] = {}
    todo = []
    for index, (group, stamp) in enumerate(zip(groups, stamps, strict=True)):
        kept_chunk = _kept_chunk(last, str(group.file), stamp, changes) if last and changes else None
        if kept_chunk is not None:
            found[index], reads[index] = kept_chunk
        else:
            todo.append(index)
    if todo:  # before the workers fork, or each makes them again
        writer.first_direct.read_all()
        _ = writer.node_names
    if any(groups[index].articles for index in todo):  # made before the workers fork, or each makes its own
        entity_finder(model, writer.names_digest, kept.names if kept is not None else None)
        _ = writer.finder
    parts = Path(tempfile.mkdtemp(prefix=f".{path.name}.parts-", dir=path.parent))
    _job = _Job(writer, groups, stamps, shelf is not None, texts, parts)
    try:
        weights = [_weight(groups[index]) for index in todo]
        rendered = in_processes(_render_batch, todo, weights, PARALLEL_RECORDS)
        for index, (part, offset, length, digest, read) in zip(todo, rendered, strict=True):
            found[index] = (Path(parts, part), offset, length, digest)
            reads[index] = read
        places = _assemble(path, writer.header(), [found[index] for index in range(len(groups))])
    finally:
        if _job.part is not None:
            _job.part.close()
        _job = None
        shutil.rmtree(parts, ignore_errors=True)
    if shelf is not None:
        assert changes is not None
        made_today = set(todo)
        layout = {}
        for index, (group, stamp, place) in enumerate(zip(groups, stamps, places, strict=True)):
            read = reads[index]
            if stamp is not None and read is not None:
                layout[str(group.file)] = Kept(*place, stamp, read)
                if index in made_today:
                    changes.note(_read(read))
        changes.write_with(partial(_keep_layout, shelf, path, layout))  # with the map of what its chunks read
        shelf.keep_only_used()
    return {group.file: (offset, length) for group, (offset, length, _) in zip(groups, places, strict=True)}


def _keep_layout(shelf: Shelf, path: Path, layout: dict[str, Kept]) -> bool:
    """Keep the export at `path` and where each chunk lies in it; whether all of it was kept.  Its stamp is
    taken once the export is in its place (`stamp_last_export`): until then it is not trusted."""
    kept_export = shelf.keep_file(LAST_EXPORT, path)
    written = shelf.put(LAYOUT, None, layout if kept_export is not None else None)
    return shelf.put(LAST_STAMP, None, None) and written and kept_export is not None


Found = tuple[Path, int, int, bytes]
"""Where a chunk's bytes are: a file (a part file, the kept export), their offset there and their length;
their SHA-256."""


class _LastExport(NamedTuple):
    path: Path
    layout: dict[str, Kept]  # source file → where its chunk lies in `path`, and what it was made from
    verify: bool  # whether each chunk is read and checked against its digest before it is used


def _last_export(shelf: Shelf) -> _LastExport | None:
    """The kept export, with where each chunk lies in it, if it is the file the build that kept it wrote: its
    size, modification time and inode as then.  If its change time is not, it was linked, unlinked (the
    exports deleted) or written in place with its modification time set back: each chunk is then used only
    if it still has its digest (reading the export once: 0.3 s for 300 MB)."""
    kept, stamp = shelf.get(LAYOUT), shelf.get(LAST_STAMP)
    path = shelf.kept_file(LAST_EXPORT)
    now = file_stamp(path, changed=True)
    if kept is None or stamp is None or stamp[1] is None or now is None or stamp[1][:3] != now[:3]:
        return None
    return _LastExport(path, kept[1], stamp[1] != now) if isinstance(kept[1], dict) else None


def stamp_last_export(shelf: Shelf) -> None:
    """Record the stamp of the export kept by this build's `write_turtle`, now that the export is in its place
    (its rename into the exports folder changed its change time): until then, it is not trusted."""
    stamp = shelf.get(LAST_STAMP)
    if stamp is not None and stamp[1] is None:
        shelf.put(LAST_STAMP, None, file_stamp(shelf.kept_file(LAST_EXPORT), changed=True))


def _kept_chunk(last: _LastExport, name: str, stamp: str | None, changes: ReadValues) -> tuple[Found, bytes] | None:
    """Where the kept chunk of source file `name` is, and what it read (pickled), if it still holds."""
    kept = last.layout.get(name)
    if stamp is None or kept is None or kept.stamp != stamp or not changes.holds(kept.read):
        return None
    if last.verify and not _unaltered(last.path, kept):
        return None
    return (last.path, kept.offset, kept.length, kept.digest), kept.read


def _unaltered(path: Path, kept: Kept) -> bool:
    """Whether the chunk `kept` describes still has its digest in the file at `path`."""
    try:
        with open_regular(path) as export:
            export.seek(kept.offset)
            return hashlib.sha256(export.read(kept.length)).digest() == kept.digest
    except OSError:
        return False


def _read(pickled: bytes) -> Read:
    """A kept chunk's reads (`Kept.read`): pickled by this builder (the shelf is named by its version) and
    vouched for by the shelf's digest of the layout that holds them."""
    return cast(Read, pickle.loads(pickled))


def _assemble(path: Path, header: str, chunks: list[Found]) -> list[tuple[int, int, bytes]]:
    """The export from its header and its chunks, copied from where each lies (a part file is read in order,
    so this is one pass over each); where each chunk lies in it, with its digest."""
    files: dict[Path, BinaryIO] = {}
    places = []
    head = header.encode("utf-8")
    position = len(head)
    try:
        with open(path, "wb") as out:
            out.write(head)
            for source, offset, length in _runs(chunks):
                if source not in files:
                    files[source] = open_regular(source)  # (closed below)
                _copy(files[source], offset, length, out)
    finally:
        for file in files.values():
            file.close()
    for _, _, length, digest in chunks:
        places.append((position, length, digest))
        position += length
    return places


def _runs(chunks: list[Found]) -> list[tuple[Path, int, int]]:
    """The chunks as runs of bytes to copy: chunks that follow one another in the same file make one run.
    After a one-file edit nearly every chunk lies in the kept export in the order the build wants them: two or
    three copies, where a copy per chunk took 0.25 s of system calls at 100,000 real-shaped facts (5,445
    files)."""
    runs: list[tuple[Path, int, int]] = []
    for source, offset, length, _ in chunks:
        if runs and runs[-1][0] == source and runs[-1][1] + runs[-1][2] == offset:
            runs[-1] = (source, runs[-1][1], runs[-1][2] + length)
        else:
            runs.append((source, offset, length))
    return runs


def _copy(part: BinaryIO, offset: int, length: int, out: BinaryIO) -> None:
    """`length` bytes of `part` from `offset` to the end of `out`: copied by the kernel where it can
    (`copy_file_range`: the bytes never pass through this process; 2 GB of chunks at a million facts),
    read and written otherwise (another system, a file system that refuses)."""
    out.flush()  # the copy writes at the file's own position: nothing may wait in the buffer
    copied = 0
    with contextlib.suppress(OSError, AttributeError):
        while copied < length:
            done = os.copy_file_range(part.fileno(), out.fileno(), length - copied, offset + copied)
            if done == 0:
                break
            copied += done
    if copied < length:
        part.seek(offset + copied)
        out.write(part.read(length - copied))


def _stamp(group: SourceRecords, digests: dict[Path, str], texts: dict[str, str | None], base: str) -> str | None:
    """What the chunk of `group` is made from, besides what it reads from other files; None when a file
    it comes from is not plain content (a link: read afresh every time)."""
    parts = [digests.get(group.file), *(texts[article.id] for article in group.articles)]
    if not keepable(*parts):
        return None
    return "\0".join([base, str(group.file), *(part or "" for part in parts)])


TEXT_PER_RECORD = 100
"""Characters of article text that cost about as much to render as one record: a text's mentions (every
name it prints, each a few triples) are most of its chunk.  On the 100,000-fact synthetic corpus, whose
texts print a name every 21 characters, the chunk of a 41,800-character text (2,000 mentions) took 17 ms
to render, and that of a file of 1,000 claims 38 ms: 440 claims' worth."""


def _weight(group: SourceRecords) -> int:
    texts = sum(len(article.text) for article in group.articles) // TEXT_PER_RECORD
    return len(group.claims) + len(group.events) + len(group.entities) + len(group.articles) + texts
