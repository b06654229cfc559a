"""`kg build`: validate, then write every export atomically and deterministically.

All files are first written to a staging folder beside the output directory; only when every one has
been written are they renamed into place.  A failed or interrupted build leaves the previous exports
untouched.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from functools import partial
from importlib import metadata
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

from kg.checks.checked import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, Project, load_project
from kg.checks.kept import KeptChecks
from kg.checks.quotes import find_quotes
from kg.collector import collector_paused
from kg.exports.chunks import TurtleKept, stamp_last_export, write_turtle
from kg.exports.doc_ahead import DOC_SHELF, DocBeforeLoad, ExamplesSent
from kg.exports.doc_ahead import take as take_ahead
from kg.exports.doc_examples import GraphExamples, examples, graph_examples, written_chunks, yaml_examples
from kg.exports.doc_terms import graph_terms
from kg.exports.manifest import (
    Fingerprint,
    builder_version,
    cache_folder,
    fingerprint,
    manifest_path,
    read_manifest,
    write_manifest,
)
from kg.exports.page_data import SHARD_FOLDER_NAME as SHARD_FOLDER
from kg.exports.page_data import PageKept
from kg.exports.rdf import DEFAULT_BASE, RDF_FORMATS, convert_turtle
from kg.exports.staging import Writer, remove_leftovers, staged, write_atomically, write_out_soon
from kg.exports.turtle import entity_finder, valid_base
from kg.exports.view import View
from kg.limits import MIB
from kg.ontology import load_ontology
from kg.problems import Problem, ValidationFailed, Where, locate
from kg.shelf import Shelf, held, own_folder
from kg.sources.kept import PARALLEL_BYTES, Given, KeptRecords, file_size, read_in_parallel
from kg.sources.records import FileLoader, load_sources
from kg.timings import stage
from kg.vocab import KGO
from kg.workers import Beside, Primed, can_fork

DEFAULT_OUT = Path("exports")
FORMATS = {
    **{name: file for name, (file, _) in RDF_FORMATS.items()},
    "html": "graph.html",
    "ontology": "ontology.html",
}
DEFAULT_FORMATS = ("ttl", "html", "ontology")
"""Turtle (for SPARQL, `kg query`, `kg serve`, `kg push`), the page, and the ontology's documentation, which
the page's legend links to (made beside the rest by another process and kept while its inputs stay the same;
rendered afresh it costs about 0.4 s of a second core, which the real corpus's short build cannot hide).
N-Triples and JSON-LD hold the same triples in 4.7× and 3.4× the bytes of Turtle (at 100,000 facts: 605 MB
and 441 MB against 129 MB) and take most of the writing time: they are written when asked for
(`--format ttl,html,nt`, or `all`)."""


def export_formats(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """`names` in the canonical order of FORMATS, each once; ValueError for a name that is no format.  The
    page brings the ontology's documentation along: its legend links there."""
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown export format {', '.join(unknown)}: choose from {', '.join(FORMATS)}")
    wanted = {*names, "ontology"} if "html" in names else set(names)
    return tuple(name for name in FORMATS if name in wanted)


def export_writers(
    project: Project,
    base: str = DEFAULT_BASE,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    kept: TurtleKept | None = None,
    page: Beside[list[str]] | None = None,
    ontology_doc: Callable[[], str] | None = None,
    on_turtle: TurtleWritten | None = None,
    view: View | None = None,
) -> list[Writer]:
    """The writers of `formats`, in order: the RDF files, the page, the ontology's documentation.  Each
    makes its data when it is called and drops it when done.

    `kept`: what the Turtle keeps between builds (`kg.exports.chunks.TurtleKept`).  `page`: the page being
    written into the writers' folder by another process (`write_page_files`), and `ontology_doc`: what gives the
    documentation made by another one (`build` starts them as soon as the sources are loaded, or the page's
    before, after an edit); else each is made when its turn comes.  `on_turtle`: told where the Turtle is,
    once written (`write_rdf_files`).  `view`: the project's, if made already (`View`: derived once, read by
    every export)."""
    formats = export_formats(formats)
    if view is None:
        with stage("view"):
            view = View(project.model, project.ontology)
    writers: list[Writer] = []
    rdf_formats = [name for name in formats if name in RDF_FORMATS]
    if rdf_formats:
        writers.append(partial(write_rdf_files, project, view, base, rdf_formats, kept, on_turtle=on_turtle))
    if "html" in formats:
        writers.append(partial(_written_page, page) if page is not None else partial(write_page_files, project, view))
    if "ontology" in formats:
        doc = ontology_doc or partial(ontology_doc_text, project)
        writers.append(partial(_write_ontology_doc, doc))
    return writers


TurtleWritten = Callable[[Path, dict[Path, tuple[int, int]]], None]
"""Told the Turtle file just written and where each source file's chunk lies in it."""


def write_rdf_files(
    project: Project,
    view: View,
    base: str,
    rdf_formats: list[str],
    kept: TurtleKept | None,
    folder: Path,
    on_turtle: TurtleWritten | None = None,
) -> list[str]:
    """Write the RDF files of `rdf_formats` under `folder`, and return their names: the Turtle (timed as the
    stage "turtle"; `on_turtle` is told where it is), then each other format, converted from it."""
    turtle_file = RDF_FORMATS["ttl"][0]
    with stage("turtle"):
        # Written once, as Turtle; the other RDF formats are streamed from that file.
        places = write_turtle(folder / turtle_file, project.model, project.ontology, view, base, kept, project.groups)
    if "ttl" in rdf_formats:  # (not written out when it only serves the other formats, then removed)
        write_out_soon(folder / turtle_file)
    if on_turtle is not None:
        on_turtle(folder / turtle_file, places)
    names = []
    for name in rdf_formats:
        file, rdf_format = RDF_FORMATS[name]
        if file != turtle_file:
            with stage(f"write {file}"):
                convert_turtle(folder / turtle_file, folder / file, rdf_format=rdf_format, base=base)
        names.append(file)
    if "ttl" not in rdf_formats:
        (folder / turtle_file).unlink()
    return names


def write_page_files(
    project: Project, view: View | None, folder: Path, kept: PageKept | None = None, own_view: bool = False
) -> list[str]:
    """Write the page's files under `folder` (`kg.exports.page.write_page`), timed as the stage "page".  The
    process that makes them writes them, as they are made: a large graph's page is a hundred megabytes of
    shards, not worth sending to another process or holding all at once.  `kept`: what the page keeps between
    builds (`kg.exports.page_data.PageKept`); `own_view`: whether the page is the only reader of `view`'s links
    (see `kg.exports.page_data.page_data`)."""
    # Imported here: `kg query` and friends need not pay for the page's modules.
    from kg.exports.page import write_page

    with stage("page"):
        return write_page(project, view, folder, kept, own_view)


def _little_to_read(read: KeptRecords, current: Fingerprint, sources: Path) -> bool:
    """Whether most of the sources' records are kept, so that loading them reads little YAML afresh (fewer than
    half the files, and at most `kg.sources.kept.PARALLEL_BYTES`, which one process reads by itself): a build
    after an edit."""
    files = [path for path in current.paths if path.suffix == ".yaml" and sources in path.parents]
    afresh = read.to_read(files, sources)
    return 2 * len(afresh) < len(files) and sum(file_size(file) for file in afresh) <= PARALLEL_BYTES


def _page_of_its_own_load(
    sources: Path, ontology_dir: Path, read: KeptRecords, folder: Path, kept: PageKept | None, giving: Connection
) -> list[str]:
    """The page, made by a process started before the build loads the sources, which loads them itself, from the
    records kept (`read`, which keeps none), beside the build's own load: the two load at once on two cores,
    where a page's process forked once the sources are loaded left a core idle for as long as the load took
    (after a one-file edit of 100,000 real-shaped facts, 1 s of the build's 3.2 s).  The records of the files
    not kept are those the build read, sent through a pipe (`giving` is the build's end: closed here, so that a
    build that ends without sending them ends the wait).  Timed as the stage "page's load", then "page"; the
    build checks what was loaded (and ends this process if a check fails)."""
    giving.close()
    with stage("page's load"):
        ontology = load_ontology(ontology_dir)
        loaded = load_sources(sources, read=read)
    return write_page_files(Project(loaded.model, ontology, sources), None, folder, kept)


class _HandToPage:
    """Sends the page's process loading the sources itself what this one read afresh, and the digests learnt:
    pickled here, written by a thread of its own, since the page's process reads them only once it has read the
    kept records, and a pipe holds 64 kB (the digests of 8,000 files are 0.8 MB): this process would wait.
    Closing waits for that thread before the pipe is closed: closed under it, a write still going on raised in
    the thread, and its traceback was printed after a build that succeeded."""

    def __init__(self, giving: Connection):
        self.giving = giving
        self.sending: threading.Thread | None = None

    def __call__(self, given: Given) -> None:
        data = ForkingPickler.dumps(given)

        def send() -> None:
            with contextlib.suppress(OSError):  # a page's process that ended already, failing: said when asked
                self.giving.send_bytes(data)

        self.sending = threading.Thread(target=send, name="kg-hand-to-page", daemon=True)
        self.sending.start()

    def __enter__(self) -> _HandToPage:
        return self

    def __exit__(self, failed: type[BaseException] | None, *exc: object) -> None:
        if self.sending is not None and failed is None:  # the page is made: its process read it all, or ended
            self.sending.join(timeout=_HAND_WAIT)
        if self.sending is None or not self.sending.is_alive():
            self.giving.close()
        # else the pipe is left to this process's end: the page's process is killed next, and the write fails


_HAND_WAIT = 10.0
"""Seconds a build that made its page waits for the thread handing records to the page's process to end (it ends
at once: the page's process read them, or has ended and the write failed)."""


def _written_page(page: Beside[list[str]], folder: Path) -> list[str]:
    """The names of the page's files, written into `folder` by the process `page` stands for."""
    return page.result()


def ontology_doc_text(
    project: Project,
    shelf: Shelf | None = None,
    graph: GraphExamples | None = None,
    from_yaml: dict[str, str] | None = None,
) -> str:
    """`ontology.html` (`kg.exports.ontology_doc`), timed as the stage "ontology doc".  `graph` and
    `from_yaml`: examples found already (`kg.exports.doc_examples.examples`).

    With a `shelf` (opened for today's ontology and builder), the page is kept there with the examples it
    shows: while they stay the same (most edits of the sources change none) it is not made again, and
    neither pyLODE nor rdflib is even imported (0.6 s of CPU)."""
    with stage("ontology doc"):
        found = examples(project, graph, from_yaml)
        stamp = (found, metadata.version("pylode"))
        kept = shelf.get(FORMATS["ontology"]) if shelf is not None else None
        if kept is not None and kept[0] == stamp:
            return str(kept[1])
        from kg.exports.ontology_doc import ontology_html

        return _kept(shelf, stamp, ontology_html(project.ontology, found))


def _kept(shelf: Shelf | None, stamp: tuple[dict[str, str], str], html: str) -> str:
    """`html`, the documentation made for `stamp` (its examples, pyLODE's version), kept on `shelf` if any."""
    if shelf is not None:
        shelf.put(FORMATS["ontology"], stamp, html)
    return html


PRIMED_BYTES = 4 * 1024 * 1024
"""Sources up to this size have the ontology's documentation made by a process started before they are
loaded: the real corpus's build is short enough for that documentation to be the last thing it waits for.
With none kept, the process renders it from the ontology alone meanwhile, and is sent the examples found in
the checked sources (`kg.exports.doc_ahead`: `kg build` starts that process before it imports the builder);
with one kept, it imports rdflib and pyLODE and reads their background ontologies meanwhile (0.2 s), then is
sent the loaded project (pickled: the real corpus's in 3 ms), whose examples may be those of the page kept.  A
larger corpus would be long to send: its documentation is made by a process forked once it is loaded, as the
page is."""


def _small(files: list[Path]) -> bool:
    """Whether the source and ontology files hold at most PRIMED_BYTES."""
    total = 0
    for file in files:
        with contextlib.suppress(OSError):
            total += file.stat().st_size
        if total > PRIMED_BYTES:
            return False
    return True


DOC_NICENESS = 10
"""How much a large corpus's ontology documentation, made beside its page, yields the processor: it is
short (about 1 s of CPU at 100,000 facts) and done long before the page, which is the last to finish and
gets the core it would have taken."""


def _yield_processor() -> None:
    with contextlib.suppress(OSError):
        os.nice(DOC_NICENESS)


def _ontology_doc_yielding(project: Project, shelf: Shelf | None) -> str:
    _yield_processor()
    return ontology_doc_text(project, shelf)


class _DocAfterTurtle:
    """The documentation made by a process that finds the examples from the YAML while the build writes the
    Turtle, then is sent those from the graph, found in that Turtle (`Primed`: `prepare`, then `finish`)."""

    def __init__(self, project: Project, shelf: Shelf | None):
        self.project, self.shelf = project, shelf
        self.from_yaml: dict[str, str] | None = None

    def prepare(self) -> None:
        _yield_processor()
        self.from_yaml = yaml_examples(self.project)

    def finish(self, graph: GraphExamples) -> str:
        return ontology_doc_text(self.project, self.shelf, graph, self.from_yaml)


def _doc_waits_for_turtle(formats: tuple[str, ...], base: str, shelf: Shelf | None) -> bool:
    """Whether the documentation's examples from the graph are to be found in the Turtle this process writes
    (`kg.exports.doc_examples.written_chunks`) rather than rendered again by the documentation's process: when
    that Turtle is the one the examples show (the default base IRI) and a documentation is kept, so that
    most likely nothing but its examples is to be made (rendered afresh, the documentation had better not
    wait for the Turtle)."""
    return _examples_in_turtle(formats, base) and shelf is not None and shelf.get(FORMATS["ontology"]) is not None


def _examples_in_turtle(formats: tuple[str, ...], base: str) -> bool:
    """Whether the Turtle this build writes is the graph the documentation's examples show: written (for itself
    or another RDF format), with the default base IRI."""
    return base == DEFAULT_BASE and any(name in RDF_FORMATS for name in formats)


def _warm_ontology_doc() -> None:
    from kg.exports.ontology_doc import warm

    warm()


def _write_ontology_doc(made: Callable[[], str], folder: Path) -> list[str]:
    (folder / FORMATS["ontology"]).write_bytes(made().encode("utf-8"))
    return [FORMATS["ontology"]]


class Written(list[Path]):
    """The exports of a build; `skipped` when nothing had changed since the last one, so nothing was done;
    `project`: what was built (None when skipped)."""

    skipped = False
    project: Project | None = None


_MARKS = (KGO.encode(), b'id="kg-data"')
"""What every export holds near its start: the ontology's namespace (Turtle, N-Triples, JSON-LD, the ontology's
documentation), the page's data (after its inline style sheets: 0.23 MB into the page)."""
_SHARD_START = b"kgShard("


def _written_by_kg(path: Path) -> bool:
    """Whether a file or shard folder named like an export holds what `kg build` writes there."""
    try:
        if path.is_dir():
            first = min((p for p in path.iterdir() if p.is_file()), default=None)
            if first is None:
                return False
            with open(first, "rb") as stream:
                return stream.read(len(_SHARD_START)) == _SHARD_START
        with open(path, "rb") as stream:
            head = stream.read(MIB)
    except OSError:
        return False
    return any(mark in head for mark in _MARKS)


def _out_refused(out: Path, sources: Path, ontology_dir: Path) -> str | None:
    """Why the exports cannot go to `out`, if they cannot: a file is there, or it lies in the sources or the
    ontology (the exports were then read as input, and a build that writes into its own input is never up
    to date: `kg watch` rebuilt twice per save)."""
    if out.exists() and not out.is_dir():
        return "--out names a file: the exports go to a folder"
    if (above := _nearest_existing(out)) is not None and not above.is_dir():
        return f"--out lies below a file ({above}): the exports go to a folder"
    where = out.resolve()
    for inside, name in ((sources, "sources"), (ontology_dir, "ontology")):
        if where == inside.resolve() or inside.resolve() in where.parents:
            return f"--out lies in the {name} folder ({inside}): the exports would be read as its files; choose another"
    return None


def _nearest_existing(path: Path) -> Path | None:
    """The nearest folder (or file) above `path` that exists: a file there made the folders' creation fail in the
    system's words ("File exists", "Not a directory")."""
    return next((parent for parent in path.parents if parent.exists()), None)


def refuse_out(out: Path, sources: Path, ontology_dir: Path) -> None:
    """ValidationFailed, located at `out`, when the exports cannot go there (`_out_refused`)."""
    if refused := _out_refused(out, sources, ontology_dir):
        raise ValidationFailed(locate([Problem(Where(out), refused, 1, 1)]))


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
    `use_cache` or not, so that the next one can be skipped.  Another build of the same sources, running
    meanwhile, is waited for (`kg.shelf.held`).
    """
    formats = export_formats(formats)
    base = valid_base(base)
    refuse_out(out, sources, ontology_dir)
    cache = cache_folder(sources)
    # No cache beside a file named as the sources (the load refuses it), nor through a link (`own_folder`): the
    # build then neither keeps anything nor records itself.
    record = sources.is_dir() and own_folder(cache)
    use_cache &= record
    # The cache folder held; the process `kg build` started ahead to render the ontology's page, if any
    # (`kg.exports.doc_ahead`), used or ended.
    with held(cache) if record else contextlib.nullcontext(), contextlib.ExitStack() as ending:
        ahead = take_ahead(ontology_dir)
        if ahead is not None:
            ending.enter_context(ahead)
        return _build_with(sources, ontology_dir, out, base, use_cache, formats, cache, record, ahead)


def _build_with(
    sources: Path,
    ontology_dir: Path,
    out: Path,
    base: str,
    use_cache: bool,
    formats: tuple[str, ...],
    cache: Path,
    record: bool,
    ahead: Primed[ExamplesSent, str] | None,
) -> Written:
    with stage("fingerprint"):
        settings = f"base {base} formats {','.join(formats)}"
        if "ontology" in formats:  # another pyLODE may document the same ontology otherwise
            settings += f" pylode {metadata.version('pylode')}"
        current = fingerprint(sources, ontology_dir, settings, cache if use_cache else None)
        last = read_manifest(manifest_path(cache, out)) if record else None  # what the last build wrote: its own
        manifest = last if use_cache else None
    if manifest and manifest.up_to_date(current, out):
        remove_leftovers(out)
        written = Written(out / name for name in manifest.exports)
        written.skipped = True
        return written
    version = f"{current.ontology}\0{builder_version()}"
    # The load adds the digest of each source it reads that the fingerprint did not (`Fingerprint`).
    if use_cache:
        read: FileLoader = KeptRecords(Shelf(cache / "records", version), current.files)
    else:
        read = partial(read_in_parallel, digests=current.files)
    with staged(out) as staging, collector_paused(), contextlib.ExitStack() as running:
        # The collector is paused: millions of objects, no cycles.  The staging folder outlives the processes
        # that make the page and the documentation (the ExitStack ends them first).
        page: list[Beside[list[str]]] = []
        doc_waiting: list[Primed[GraphExamples, str]] = []  # the documentation, waiting for the Turtle's examples
        doc: list[Callable[[], str]] = []
        view: list[View] = []  # the project's, once loaded
        doc_shelf = Shelf(cache / DOC_SHELF, version) if use_cache else None
        kept = None
        if use_cache:  # with the shelf of the finder of names in the texts, which the ontology doc uses too
            kept = TurtleKept(Shelf(cache / "turtle", version), current.files, Shelf(cache / "names", version))
        primed = None
        doc_before_load: list[Primed[ExamplesSent, str]] = []  # `kg.exports.doc_ahead`
        if "ontology" in formats and _small(current.paths):
            if doc_shelf is None or doc_shelf.get(FORMATS["ontology"]) is None:  # rendered while the sources load
                if ahead is None:  # (`kg build` started one: `_build`)
                    before = DocBeforeLoad(ontology_dir)
                    ahead = running.enter_context(Primed(before.prepare, before.finish))
                doc_before_load.append(ahead)
            else:  # pyLODE imported and its background read while this process loads the sources (PRIMED_BYTES)
                primed = Primed(_warm_ontology_doc, partial(ontology_doc_text, shelf=doc_shelf))
                running.enter_context(primed)
        if ahead is not None and not doc_before_load:  # started by `kg build`, not needed: its core is the build's now
            ahead.__exit__(None, None, None)

        def page_kept() -> PageKept | None:
            """What the page keeps between builds: the last exports' files, as recorded when written (shards still
            holding are linked)."""
            if not use_cache:
                return None
            last_files = manifest.exports if manifest is not None else {}
            return PageKept(Shelf(cache / "page", version), current.files, out, last_files)

        if (
            "html" in formats
            and isinstance(read, KeptRecords)
            and can_fork()
            and _little_to_read(read, current, sources)
        ):
            # The page's process started now, and loading the sources itself (see `_page_of_its_own_load`)
            receiving, giving = multiprocessing.get_context("fork").Pipe(duplex=False)
            own_load = read.reading_alike(receiving.recv)
            making = partial(_page_of_its_own_load, sources, ontology_dir, own_load, staging, page_kept(), giving)
            page.append(running.enter_context(Beside(making)))
            receiving.close()
            read.hand = running.enter_context(_HandToPage(giving))

        def make_pages_meanwhile(loaded: Project) -> None:
            """The page and the ontology's documentation are made by other processes from the loaded sources
            while this one checks them and writes the Turtle; a failed check ends them (the ExitStack kills
            them)."""
            with stage("quotes"):  # where each quote lies in its text, found once for the checks, Turtle and page
                find_quotes(loaded.model, loaded.groups, set(read.afresh) if isinstance(read, KeptRecords) else None)
            if "html" in formats and not page:
                # What the page reads as the other exports do, made before it is forked: its process does not make
                # them again (at 100,000 real-shaped facts 0.2 s for the view, 0.05 s for the records by file).
                with stage("view"):
                    view.append(View(loaded.model, loaded.ontology))
                _ = loaded.groups
                page_files = partial(write_page_files, loaded, view[0], staging, page_kept(), own_view=can_fork())
                page.append(running.enter_context(Beside(page_files)))
            if primed is not None:
                primed.give(loaded)
                doc.append(primed.result)
            elif doc_before_load:  # given its examples once the sources are checked
                pass
            elif "ontology" in formats and _doc_waits_for_turtle(formats, base, doc_shelf):
                making = _DocAfterTurtle(loaded, doc_shelf)
                doc_waiting.append(running.enter_context(Primed(making.prepare, making.finish)))
                doc.append(doc_waiting[0].result)
            elif "ontology" in formats:
                if loaded.model.articles:  # its examples and the Turtle find names in the texts: made once
                    entity_finder(loaded.model, shelf=kept.names if kept is not None else None)
                doc.append(running.enter_context(Beside(partial(_ontology_doc_yielding, loaded, doc_shelf))).result)

        checks = KeptChecks(Shelf(cache / "checks", version), current.files) if use_cache else None
        project = load_project(sources, ontology_dir, read=read, on_loaded=make_pages_meanwhile, kept=checks)
        # The examples of the page rendered ahead are found from the checked sources (those merely loaded could
        # make examples() fail): from the YAML now, from the graph in the Turtle once written, if it is the
        # graph they show (rendering it again for them was 0.16 s of the real corpus's build).
        sent: list[dict[str, str]] = []  # the examples given to the page rendered ahead
        from_yaml: dict[str, str] | None = None

        def give_ahead(graph: GraphExamples | None) -> None:
            with stage("ontology doc's examples"):
                found = examples(project, graph, from_yaml)
            doc_before_load[0].give((found, project.ontology, current.ontology))
            sent.append(found)

        graph_from_turtle = bool(doc_waiting) or (bool(doc_before_load) and _examples_in_turtle(formats, base))
        if doc_before_load:
            if graph_from_turtle:
                with stage("ontology doc's examples"):
                    from_yaml = yaml_examples(project)
            else:
                give_ahead(None)
            # (given by the time the page is written: the Turtle's writer comes first)
            doc.append(lambda: _kept(doc_shelf, (sent[0], metadata.version("pylode")), doc_before_load[0].result()))

        def give_graph_examples(turtle: Path, places: dict[Path, tuple[int, int]]) -> None:
            """The documentation's examples from the graph, found in the Turtle just written, sent to its process."""
            with written_chunks(turtle, places) as chunks:
                graph = graph_examples(project, graph_terms(project.ontology), chunks)
            if doc_waiting:
                doc_waiting[0].give(graph)
            else:
                give_ahead(graph)

        on_turtle = give_graph_examples if graph_from_turtle else None
        writers = export_writers(
            project, base, formats, kept, page[0] if page else None, doc[0] if doc else None, on_turtle, *view
        )

        def stale(written: list[str]) -> list[Path]:
            """Exports of formats not asked for (they would no longer match the sources), old page shards: those
            the last build into `out` wrote, or that hold what a build writes (the cache, and with it the last
            build's manifest, may be gone); a `graph.nt` of the user's own, named like an export, stays."""
            folders = {name.split("/")[0] for name in written if "/" in name}
            files = [out / file for name, file in FORMATS.items() if name not in formats]
            shards = [f for f in out.iterdir() if SHARD_FOLDER.fullmatch(f.name) and f.is_dir()]
            ours = {name.split("/")[0] for name in last.exports} if last is not None else set()
            candidates = files + [f for f in shards if f.name not in folders]
            return [path for path in candidates if path.name in ours or _written_by_kg(path)]

        written = Written(write_atomically(writers, staging, out, stale))
        written.project = project
        project.model.quote_places.clear()  # found for this build's processes: `kg watch` keeps the project
        if kept is not None:
            stamp_last_export(kept.shelf)
    if record:
        with contextlib.suppress(OSError):  # a read-only place for the cache only costs the next build its skip
            write_manifest(cache, current.digest, settings, out, written)
    return written
