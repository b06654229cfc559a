"""What the last build read and wrote, so that a build with nothing changed does nothing.

The manifest lives in the cache folder (`.kg-cache/` beside the sources folder, git-ignored), never in
`exports/`.  It records a fingerprint of everything a build depends on (every file under the sources and
ontology folders, byte for byte; the base IRI; the builder's version) and, for each export, its size,
modification time and inode.  A build whose fingerprint matches, with every export still exactly as it was
written, is skipped.  Anything else (a changed byte anywhere, an export touched or deleted, a manifest that
cannot be read) means a full build: the manifest is a hint, never trusted over the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from kg.limits import MAX_FOLDER_DEPTH, folder_depth, read_at_most
from kg.shelf import CACHE_DIR, Shelf, cache_folder, content_digest, keepable, read_regular

MANIFEST = "build-{}.json"
"""One per exports folder (a digest of its resolved path): `kg build --out elsewhere` leaves the manifest
of `exports/` alone, so `kg query` does not call exports/ stale after it."""
FORMAT = 1  # bump when the manifest's layout changes


@cache
def builder_version() -> str:
    """The installed package version, plus the code itself when running from a checkout (edits count)."""
    try:
        version = metadata.version("syria-russia-kg")
    except metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).resolve().parents[1].rglob("*")):
        if path.suffix in (".py", ".js", ".css", ".html") and "__pycache__" not in path.parts:
            digest.update(path.read_bytes())
    return f"{version}:{digest.hexdigest()}"


class Fingerprint:
    """The digest of a build's inputs and settings, with the digest of each file it covers.

    A source file whose digest is not known from the last reading (`_KnownDigests`) is not read here: a build
    reads it anyway, and its load records the digest of the very bytes it parses
    (`kg.sources.reading.recording_digests`) into `files`.  `digest` reads what is still missing then: nothing,
    after a build that read every source (a cold build of 100,000 real-shaped facts read its 8,160 files twice,
    0.6 s of CPU before the load could start); every file a build needs the digest of first, when its last
    exports are as it left them and it may be skipped.
    """

    def __init__(
        self,
        files: dict[Path, str],
        ontology: str,
        order: list[tuple[str, Path | None, str]],
        ontology_paths: list[Path],
        header: str,
        known: _KnownDigests,
    ):
        self.files = files
        """Path (as found under the sources or ontology folder) → digest of its content; a source file that was
        not read yet is missing until the load or `digest` reads it."""
        self.ontology = ontology
        """The digest of the ontology folder alone."""
        self.paths = [path for _, path, _ in order if path is not None] + ontology_paths
        """Every file under the sources folder, then under the ontology folder."""
        self.header = header  # the format, the settings and the builder
        self._order = order  # under the sources folder: each folder and file (`_walk`)
        self._known = known
        self._digest: str | None = None

    @property
    def digest(self) -> str:
        """The digest of every file's content and of the settings (each source file not read yet, read now)."""
        if self._digest is None:
            part = hashlib.blake2b(digest_size=32)
            for relative, path, name in self._order:
                content = "folder" if path is None else self._content(path, name)
                part.update(f"{relative}\0{content}\0".encode("utf-8", "surrogateescape"))  # a name not UTF-8
            self._known.keep()
            whole = f"{self.header}{part.hexdigest()}\0{self.ontology}".encode()
            self._digest = hashlib.blake2b(whole, digest_size=32).hexdigest()
        return self._digest

    def _content(self, path: Path, name: str) -> str:
        """The digest of the source file at `path`: as found (by the fingerprint or the load), else read now."""
        content = self.files.get(path)
        if content is None:  # not read by the load (nor known): read after the build read its sources
            content = self.files[path] = self._known.read(name, late=True)
        else:
            self._known.took(name, content)
        return content


def fingerprint(sources: Path, ontology: Path, settings: str, cache: Path | None = None) -> Fingerprint:
    """A digest of every byte a build reads, of every folder's name (an empty folder named `x.yaml` fails a
    build), and of how it would write it (`settings`: base IRI, formats).

    Only regular files are read, and only up to a bound: a symbolic link counts by where it points, a FIFO
    or a huge file by its type, size and time (the build refuses those anyway, and must not hang here).
    Content digests start with `kg.shelf.CONTENT`; anything else describes a file that is not plain content.
    With a `cache` folder, the digest of a file that is as it was when last read is taken from there
    (`_KnownDigests`); the ontology's files are read here, the sources' when needed (`Fingerprint`).
    """
    known = _KnownDigests(cache)
    files: dict[Path, str] = {}
    order: list[tuple[str, Path | None, str]] = []
    for relative, path, text in _walk(sources):
        order.append((relative, path, text))
        if path is not None and (digest := known.content(text)) is not None:
            files[path] = digest
    ontology_part, ontology_paths = _folder_digest(ontology, known, files)
    header = f"{FORMAT}\0{settings}\0{builder_version()}\0"
    return Fingerprint(files, ontology_part, order, ontology_paths, header, known)


def ontology_digest(ontology: Path) -> str | None:
    """The digest of the ontology folder as `fingerprint` takes it (`Fingerprint.ontology`), every file read now;
    None where one is not plain content (a link is digested by where it points, not by what it holds)."""
    files: dict[Path, str] = {}
    digest = _folder_digest(ontology, _KnownDigests(None), files)[0]
    return digest if keepable(*files.values()) else None


def _folder_digest(root: Path, known: _KnownDigests, files: dict[Path, str]) -> tuple[str, list[Path]]:
    """A digest of the names and contents under `root`, and its files (each one's digest added to `files`)."""
    part = hashlib.blake2b(digest_size=32)
    paths = []
    for relative, path, text in _walk(root):
        content = "folder"
        if path is not None:
            paths.append(path)
            content = files[path] = known.content(text) or known.read(text)
        part.update(f"{relative}\0{content}\0".encode("utf-8", "surrogateescape"))  # a name not UTF-8
    return part.hexdigest(), paths


def _walk(root: Path) -> Iterator[tuple[str, Path | None, str]]:
    """Under `root`, in a fixed order: each folder's name relative to it, ending with the separator (no file is
    read there, but an empty folder named `x.yaml` fails a build), with no path; each file's, with its path
    (made from its folder's) and that path as text."""
    for folder, directories, names in os.walk(root):
        deep = folder_depth(str(root), folder) >= MAX_FOLDER_DEPTH  # not entered: the load says so
        directories[:] = [] if deep else sorted(d for d in directories if d != CACHE_DIR)
        inside, parent = os.path.relpath(folder, root), Path(folder)
        for name in directories:
            yield (os.path.join(inside, name) if inside != os.curdir else name) + os.sep, None, ""
        for name in sorted(names):
            yield os.path.join(inside, name) if inside != os.curdir else name, parent / name, os.path.join(folder, name)


_MAX_HASHED = 64 * 1024 * 1024
_TRUSTED_AGE_NS = 2_000_000_000
"""How much older than the last reading a file's times must be for its digest to be taken again: a file
changed within the same tick of the file system's clock as it was read could keep its times (the trap git's
index calls "racy"); 2 s covers the coarsest clocks (FAT's)."""


class _KnownDigests:
    """The content digest of each regular file as last read, with its size, inode and modification time then:
    a file with the same ones, and whose modification and change times are older than that reading, is not
    read again.  Any write sets the change time to the time of writing, which no program can set back
    (`touch` and `rsync -t` set the modification time): a file written since the last reading is read again,
    as are files changed too close to it to tell.  After a one-file edit of 100,000 real-shaped facts (8,160
    files), the fingerprint took 0.26 to 0.36 s reading and hashing every file."""

    def __init__(self, cache: Path | None):
        self.shelf = Shelf(cache / "file-digests", f"{FORMAT}") if cache is not None else None
        kept = self.shelf.get("files") if self.shelf is not None else None
        self.read_at: int = kept[0] if kept is not None else 0
        self.known: dict[str, tuple[tuple[int, ...], str]] = kept[1] if kept is not None else {}
        self.now: dict[str, tuple[tuple[int, ...], str]] = {}
        self.keys: dict[str, tuple[int, ...]] = {}  # of the files not read yet: their size, inode and times then
        self.started = time.time_ns()

    def content(self, name: str) -> str | None:
        """The digest of the file `name` as known from the last reading, or what it is if it is not plain
        content; None for a file whose content is not known (`read` it)."""
        try:
            info = os.lstat(name)
            if stat.S_ISLNK(info.st_mode):
                return f"link {os.readlink(name)}"
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_HASHED:
                return f"{info.st_mode} {info.st_size} {info.st_mtime_ns}"
        except OSError as error:
            return f"unreadable {error.errno}"
        key = (info.st_size, info.st_ino, info.st_dev, info.st_mtime_ns)
        kept = self.known.get(name)
        trusted = max(info.st_mtime_ns, info.st_ctime_ns) < self.read_at - _TRUSTED_AGE_NS
        if kept is not None and kept[0] == key and trusted:
            self.now[name] = (key, kept[1])
            return kept[1]
        self.keys[name] = key
        return None

    def read(self, name: str, late: bool = False) -> str:
        """The digest of the file `name` as `content` saw it, read now: never through a link, never waiting on
        what is no regular file (a FIFO swapped in), never more than `_MAX_HASHED` bytes.  A file that is not
        the one `content` saw (another size, inode or time) gets a description no later digest equals, and so
        does one read `late` (after the build read its sources) and written since the build began: what it
        held when the build read it is not known, so the next build must not be skipped."""
        try:
            descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError as error:
            return f"unreadable {error.errno}"
        with os.fdopen(descriptor, "rb") as stream:
            info = os.fstat(stream.fileno())
            key = (info.st_size, info.st_ino, info.st_dev, info.st_mtime_ns)
            changed = late and info.st_ctime_ns >= self.started
            if key != self.keys.get(name) or not stat.S_ISREG(info.st_mode) or changed:
                return f"changed {info.st_ctime_ns}"
            data = read_at_most(stream, info.st_size, _MAX_HASHED + 1)
        digest = content_digest(data)
        self.took(name, digest)
        return digest

    def took(self, name: str, digest: str) -> None:
        """`digest` is that of the file `name` as `content` saw it (read by the build's load meanwhile)."""
        key = self.keys.get(name)
        if key is not None:
            self.now[name] = (key, digest)

    def keep(self) -> None:
        """Keep what was read, as of now: files read because they were too recent to tell may be old enough
        next time (a cache that cannot be written only costs the next fingerprint its speed)."""
        if self.shelf is not None and (self.keys or self.now != self.known):
            self.shelf.put("files", self.started, self.now)
            self.shelf.keep_only_used()


@dataclass(frozen=True)
class Manifest:
    fingerprint: str
    settings: str  # how that build wrote (base IRI, formats)
    out: str  # the exports folder, resolved
    exports: dict[str, list[int]]  # file name → [size, mtime_ns, inode]

    def up_to_date(self, current: Fingerprint, out: Path) -> bool:
        """Whether the exports in `out` are as this build left them, and it read what `current` covers (the
        digest last: it reads any source whose digest is not known)."""
        return (
            self.out == str(out.resolve())
            and all(file_stamp(out / name) == stamp for name, stamp in self.exports.items())
            and self.fingerprint == current.digest
        )


def manifest_path(cache: Path, out: Path) -> Path:
    """Where the manifest of the last build into `out` is kept."""
    return cache / MANIFEST.format(hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest())


def exports_current(sources: Path, ontology: Path, out: Path) -> bool:
    """True when the last build into `out` read exactly today's sources and ontology, and its exports are
    as it left them (for `kg query` and friends: file times alone would call a touched file a change)."""
    manifest = read_manifest(manifest_path(cache_folder(sources), out))
    if manifest is None:
        return False
    return manifest.up_to_date(fingerprint(sources, ontology, manifest.settings, cache_folder(sources)), out)


def file_stamp(path: Path, changed: bool = False) -> list[int] | None:
    """[size, modification time, inode] of the regular file at `path` (not followed if a link), else None:
    what the manifest records of each export, and what tells that one is still as a build wrote it.

    With `changed`, its change time too, which any write sets and no program sets back (`touch -d` sets the
    modification time): a file written in place with its size and modification time kept is seen.  A rename
    or a new link sets it as well, so it is taken once the file is in its place, and only for a file no other
    build links or unlinks meanwhile (the cache's copy of the last export, `kg.exports.chunks`, and not the
    exports themselves: a build into another folder unlinks the cache's name for the last one)."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino, *([info.st_ctime_ns] if changed else [])]


def read_manifest(path: Path) -> Manifest | None:
    """A build's manifest, or None when there is none or it cannot be trusted."""
    read = read_regular(path)
    if read is None:
        return None
    try:
        data = json.loads(read.decode("utf-8"))
        exports = {str(k): [int(x) for x in v] for k, v in data["exports"].items()}
        return Manifest(str(data["fingerprint"]), str(data["settings"]), str(data["out"]), exports)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def write_manifest(cache: Path, current: str, settings: str, out: Path, written: list[Path]) -> None:
    """Record a finished build (atomically: a half-written manifest would only cost a full build, but still)."""
    cache.mkdir(parents=True, exist_ok=True)
    data = {
        "fingerprint": current,
        "settings": settings,
        "out": str(out.resolve()),
        "exports": {path.relative_to(out).as_posix(): file_stamp(path) for path in written},
    }
    path = manifest_path(cache, out)
    temporary = cache / f".{path.name}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
    _forget_gone_folders(cache)


def _forget_gone_folders(cache: Path) -> None:
    """Drop the manifests of exports folders that no longer exist (and the single `build.json` of older
    builders), so that building into many temporary folders does not pile them up."""
    with contextlib.suppress(OSError):
        (cache / "build.json").unlink(missing_ok=True)
    for path in cache.glob(MANIFEST.format("*")):
        manifest = read_manifest(path)
        if manifest is None or not Path(manifest.out).is_dir():
            with contextlib.suppress(OSError):
                path.unlink()
