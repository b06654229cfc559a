"""The data the SPARQL tools (`kg query`, `kg serve`, `kg push`) work on.

By default that is the last build, `exports/graph.ttl`, so a query costs a parse of one file and not a
validation of the whole corpus; with `--sources DIR` the sources are validated and built in memory
instead (nothing is written).  The ontology (`ontology/*.ttl`) is always read live and queried
together with the data, so questions can use class and property labels.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.checks.checked import load_project
from kg.collector import collector_paused
from kg.exports.manifest import exports_current
from kg.exports.rdf import DEFAULT_BASE, model_triples, prefixes
from kg.ontology import ontology_files
from kg.ontology_checks import TurtleFiles

EXPORT = "graph.ttl"

_PREFIX_LINE = re.compile(r"@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.\s*$")


class MissingExport(FileNotFoundError):
    """The built graph is not there: the user has to run `kg build` (or query the sources directly)."""

    def __init__(self, path: Path, reason: str = "not built yet"):
        super().__init__(errno.ENOENT, f"{reason}: run `kg build` first, or pass --sources DIR", str(path))
        self.path, self.reason = path, reason

    def __reduce__(self) -> tuple[type[MissingExport], tuple[Path, str]]:
        """Pickled as made: `kg query` finds the graph missing in the process that runs the query, which sends
        the error back (pickled as an OSError's arguments, it could not be made again: a traceback)."""
        return type(self), (self.path, self.reason)


@dataclass(frozen=True)
class Data:
    """The data triples (exactly what `kg build` writes to graph.ttl), their prefixes and the ontology."""

    triples: list[ox.Triple]
    ontology: list[ox.Triple]
    prefixes: dict[str, str]


def export_path(exports: Path) -> Path:
    path = exports / EXPORT
    if not path.is_file():  # a FIFO or a device (`/dev/zero`) would be read without end
        raise MissingExport(path, "not a regular file" if path.exists() else "not built yet")
    return path


def declared_prefixes(turtle: Path) -> dict[str, str]:
    """The `@prefix` lines heading a Turtle file (our exports declare all of them first)."""
    found: dict[str, str] = {}
    with open(turtle, encoding="utf-8", errors="replace") as stream:  # a bad byte is the parser's to locate
        for line in stream:
            match = _PREFIX_LINE.match(line.strip())
            if not match:
                break
            found[match.group(1) or ""] = match.group(2)
    return found


def query_prefixes(exports: Path | None, base: str = DEFAULT_BASE) -> dict[str, str]:
    """Project prefixes for `base`, overridden by those the export declares (it may use another base)."""
    merged = prefixes(base)
    if exports is not None:
        merged.update(declared_prefixes(export_path(exports)))
    return merged


def stale_input(exports: Path, sources: Path, ontology_dir: Path) -> Path | None:
    """A source or ontology file modified after the export was written, if any (the export is stale).

    When the last build's manifest vouches that it read exactly today's bytes, nothing is stale, whatever
    the file times say (a `touch` or a `git checkout` changes times, not meaning).
    """
    if exports_current(sources, ontology_dir, exports):
        return None
    built = export_path(exports).stat().st_mtime
    candidates = [p for p in sources.rglob("*") if p.is_file()] if sources.is_dir() else []
    with suppress(OSError):  # no ontology, or one that cannot be listed: said where it is read
        candidates += ontology_files(ontology_dir)  # those read: not an editor's hidden files
    newer = [p for p in candidates if p.stat().st_mtime > built]
    return max(newer, key=lambda p: p.stat().st_mtime) if newer else None


def ontology_quads(ontology_dir: Path) -> list[ox.Quad]:
    """The ontology's statements, read as every command reads them (`kg.ontology_checks.TurtleFiles`): a FIFO
    or a device is refused, not read (it held `kg query` forever), as are a file too large, a byte order mark
    and bytes that are not UTF-8, each at its place (OntologyError)."""
    return TurtleFiles.read(ontology_files(ontology_dir)).quads


def read_ontology(ontology_dir: Path) -> list[ox.Triple]:
    return [quad.triple for quad in ontology_quads(ontology_dir)]


def read_data(exports: Path, ontology_dir: Path, sources: Path | None = None, base: str = DEFAULT_BASE) -> Data:
    """The graph of the last build, or (with `sources`) a fresh validated build kept in memory."""
    if sources is not None:
        project = load_project(sources, ontology_dir)
        return Data(model_triples(project.model, project.ontology, base), read_ontology(ontology_dir), prefixes(base))
    ontology = read_ontology(ontology_dir)
    with collector_paused():  # millions of triples, no cycles (kg.collector)
        triples = [quad.triple for quad in _export_quads(exports)]
    return Data(triples, ontology, query_prefixes(exports, base))


def data_stream(
    exports: Path, ontology_dir: Path, sources: Path | None = None, base: str = DEFAULT_BASE
) -> tuple[Iterable[ox.Triple | ox.Quad], dict[str, str]]:
    """The data triples `read_data` gives, and their prefixes; the export's as its parser reads them, for a
    command that takes each in once (`kg push`: holding 5.5 million pyoxigraph triples took 2.2 GB).  The export
    is read as the stream is: a SyntaxError then says where it cannot be."""
    if sources is not None:
        data = read_data(exports, ontology_dir, sources, base)
        return data.triples, data.prefixes
    return _export_quads(exports), query_prefixes(exports, base)


def unreadable_export(error: SyntaxError) -> str:
    """The export that cannot be read, where Oxigraph's parser says: `kg build` makes it again.  (The ontology's
    files are read first, as every command reads them: one of those is reported as `kg validate` does.)"""
    where = f"{error.filename}:{error.lineno or 1}:{error.offset or 1}"
    return f"{where}: cannot read the graph ({error.msg}): run `kg build`"


def _export_quads(exports: Path) -> Iterator[ox.Quad]:
    return ox.parse(path=str(export_path(exports)), format=ox.RdfFormat.TURTLE)


def open_store(
    exports: Path, ontology_dir: Path, sources: Path | None = None, base: str = DEFAULT_BASE
) -> tuple[ox.Store, dict[str, str]]:
    """An in-memory store holding data and ontology in its default graph, and the prefixes to query it with.

    Reading the export goes straight into the store (Oxigraph's parser, no Python objects per triple).
    """
    store = ox.Store()
    if sources is not None:
        data = read_data(exports, ontology_dir, sources, base)
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in (*data.triples, *data.ontology))
        return store, data.prefixes
    store.load(path=str(export_path(exports)), format=ox.RdfFormat.TURTLE)
    store.extend(ontology_quads(ontology_dir))
    return store, query_prefixes(exports, base)


def graph_files(
    exports: Path, ontology_dir: Path, scratch: Path, sources: Path | None = None, base: str = DEFAULT_BASE
) -> list[Path]:
    """RDF files holding the graph and the ontology: the export as it is, or a fresh build written to `scratch`."""
    if sources is None:
        ontology_quads(ontology_dir)  # the engine loads the files: each is refused here first if it cannot be read
        return [export_path(exports), *ontology_files(ontology_dir)]
    data = read_data(exports, ontology_dir, sources, base)
    path = scratch / "graph.nt"
    ox.serialize([*data.triples, *data.ontology], str(path), ox.RdfFormat.N_TRIPLES)
    return [path]
