"""`kg build`: validate, then write every export atomically and deterministically.

All files are first written to a staging folder beside the output directory; only when every one has
been written are they renamed into place.  A failed or interrupted build leaves the previous exports
untouched.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from kg.checks.checked import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, Project, load_project
from kg.exports.chunks import turtle_pieces
from kg.exports.manifest import builder_version, cache_folder, fingerprint, read_manifest, write_manifest
from kg.exports.rdf import DEFAULT_BASE, RDF_FORMATS, write_rdf
from kg.exports.view import View
from kg.shelf import Shelf
from kg.sources.kept import KeptRecords, read_in_parallel
from kg.timings import stage

DEFAULT_OUT = Path("exports")
FORMATS = {**{name: file for name, (file, _) in RDF_FORMATS.items()}, "html": "graph.html"}
DEFAULT_FORMATS = ("ttl", "html")
"""Turtle (for SPARQL, `kg query`, `kg serve`, `kg push`) and the page.  N-Triples and JSON-LD hold the same
triples in 4.7× and 3.4× the bytes of Turtle (at 100,000 facts: 605 MB and 441 MB against 129 MB) and take
most of the writing time: they are written when asked for (`--format ttl,html,nt`, or `all`)."""

Writer = Callable[[Path], None]


def export_formats(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """`names` in the canonical order of FORMATS, each once; ValueError for a name that is no format."""
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown export format {', '.join(unknown)}: choose from {', '.join(FORMATS)}")
    return tuple(name for name in FORMATS if name in names)


def export_writers(
    project: Project,
    base: str = DEFAULT_BASE,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    kept: tuple[Shelf, dict[Path, str]] | None = None,
) -> dict[str, Writer]:
    """Export file name → function writing that file to a given path, for each of `formats`.

    `kept`: the shelf on which the Turtle of each source file is kept between builds, and the digests of
    today's source files (`kg.exports.chunks`)."""
    formats = export_formats(formats)
    with stage("view"):
        view = View(project.model, project.ontology)  # derived once, read by every export
    writers: dict[str, Writer] = {}
    rdf_formats = [name for name in formats if name in RDF_FORMATS]
    if rdf_formats:
        with stage("turtle"):
            # Made once, as text; the other RDF formats are streamed from it.
            shelf, digests = kept if kept is not None else (None, {})
            turtle = turtle_pieces(project.model, project.ontology, view, base, shelf, digests)
        for name in rdf_formats:
            file, rdf_format = RDF_FORMATS[name]
            writers[file] = partial(write_rdf, turtle, rdf_format=rdf_format, base=base)
    if "html" in formats:
        writers[FORMATS["html"]] = partial(_write_html, project, view=view)
    return writers


def _write_html(project: Project, path: Path, view: View) -> None:
    # Imported here: the page's module is large, and `kg query` and friends need not pay for it.
    from kg.exports.page import write_html

    write_html(project, path, view)


def write_atomically(writers: dict[str, Writer], out: Path, remove: list[Path] | None = None) -> list[Path]:
    """Write every file into a staging folder beside `out`, then rename all of them into `out` at once.

    Until the renames nothing in `out` changes, whatever happens: an exception, Ctrl-C, SIGTERM (turned
    into an exception by the CLI), or `kill -9`, which leaves only a hidden staging folder beside `out`
    that the next build removes.  The renames run with SIGINT and SIGTERM held back, so that the exports
    all change or none does.  When `out` is on another filesystem than its parent (a mount point), the
    staging files live in `out` itself, under hidden names.  `writers` is consumed: each is dropped once it
    has written, which frees what it alone held (the triples, before the page is made).
    """
    out.mkdir(parents=True, exist_ok=True)
    names = list(writers)
    _remove_leftovers(out, names)
    staging = _staging_folder(out)
    try:
        staged = []
        for name in names:
            write = writers.pop(name)  # dropped once written: what only it held (the triples) is freed
            temp = staging / (f".{name}.tmp" if staging == out else name)
            with stage(f"write {name}"):
                write(temp)
            del write
            os.chmod(temp, 0o644)
            staged.append((temp, out / name))
        with _signals_held():
            for temp, final in staged:
                os.replace(temp, final)
            for path in remove or ():
                path.unlink(missing_ok=True)
    finally:
        if staging == out:
            for name in names:
                (out / f".{name}.tmp").unlink(missing_ok=True)
        else:
            shutil.rmtree(staging, ignore_errors=True)
    return [final for _, final in staged]


_STAGING = ".{}.staging-"


def _staging_folder(out: Path) -> Path:
    """A new hidden folder beside `out` on the same filesystem (renames from it are atomic), else `out`."""
    if out.resolve().parent.stat().st_dev != out.stat().st_dev:
        return out
    try:
        return Path(tempfile.mkdtemp(prefix=_STAGING.format(out.name), dir=out.resolve().parent))
    except OSError:  # the parent is read-only for us
        return out


def _remove_leftovers(out: Path, names: list[str]) -> None:
    """Staging folders and files of a build that was killed (SIGKILL cannot be caught)."""
    parent = out.resolve().parent
    for leftover in parent.glob(glob.escape(_STAGING.format(out.name)) + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for name in names:
        (out / f".{name}.tmp").unlink(missing_ok=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the exports are renamed: they all change, or none does."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Written(list[Path]):
    """The exports of a build; `skipped` when nothing had changed since the last one, so nothing was done."""

    skipped = False


def build(
    sources: Path = DEFAULT_SOURCES,
    ontology_dir: Path = DEFAULT_ONTOLOGY,
    out: Path = DEFAULT_OUT,
    base: str = DEFAULT_BASE,
    use_cache: bool = True,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
) -> Written:
    """Validate the sources and write the exports in `formats`; raises ValidationFailed before writing
    anything.  Exports of formats not asked for are removed with the rest in place: left alone, they would
    no longer match the sources.

    With `use_cache`, a build whose inputs are byte for byte those of the last build into `out`, with its
    exports untouched since, is skipped (see `kg.exports.manifest`).  Every finished build is recorded,
    `use_cache` or not, so that the next one can be skipped.
    """
    formats = export_formats(formats)
    cache = cache_folder(sources)
    with stage("fingerprint"):
        settings = f"base {base} formats {','.join(formats)}"
        current = fingerprint(sources, ontology_dir, settings)
        manifest = read_manifest(cache) if use_cache else None
    if manifest and manifest.up_to_date(current.digest, out):
        _remove_leftovers(out, list(manifest.exports))
        written = Written(out / name for name in manifest.exports)
        written.skipped = True
        return written
    version = f"{current.ontology}\0{builder_version()}"
    read = KeptRecords(Shelf(cache / "records", version), current.files) if use_cache else read_in_parallel
    project = load_project(sources, ontology_dir, read=read)
    kept = (Shelf(cache / "turtle", version), current.files) if use_cache else None
    stale = [out / file for name, file in FORMATS.items() if name not in formats]
    written = Written(write_atomically(export_writers(project, base, formats, kept), out, remove=stale))
    with contextlib.suppress(OSError):  # a read-only place for the cache only costs the next build its skip
        write_manifest(cache, current.digest, settings, out, written)
    return written
