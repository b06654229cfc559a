"""Ontology + model → `ontology.html`: the kgo vocabulary documented by pyLODE, each term a curator writes
in YAML (a class used as a `type:`, an event role, a claim relation, a qualifier) with its first use in the
corpus as its example.

pyLODE (3.3.x) renders one self-contained page: inline CSS, `data:` icons, a JSON-LD block and no script.
The page adds a security policy that lets nothing load or run, so that even a text from the corpus that
pyLODE forgot to escape could do nothing.  Five of pyLODE's ways are put right (all but the first for the
length of a render):

- importing it imports all three of its profiles, and httpx with them: only the two modules the page
  uses are imported (`_pylode_modules`);
- it lists the members of a union ("event or claim") from a `set` of elements, in another order in each
  process: they are sorted by their HTML (`_sorted_intersperse`), so that the page is the same bytes for
  the same inputs;
- it keeps its background ontologies (the titles of the standard terms it links to) pickled inside its own
  package folder, written in place on first use: a render killed meanwhile, or two at once, leave a
  truncated pickle, and a read-only install cannot render at all.  They are read from its Turtle files
  instead, only what the page can name (`_background`);
- importing it configures the root logger at DEBUG, and it logs as it renders: none of that reaches
  `kg build`'s output or outlasts the call (`_pylode_quiet`);
- it renders each comment as Markdown, which passes HTML written in it through as markup: an `<img>`,
  `<style>` or `<a>` in an ontology's comment became part of the page.  The Markdown still renders (code
  spans, emphasis, lists) but HTML in the text is shown as the text it is (`_markdown_without_html`).
"""

from __future__ import annotations

import importlib.util
import logging
import re
import secrets
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from itertools import chain
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.exports.doc_terms import DOCUMENTED_TYPES
from kg.ontology import Ontology
from kg.vocab import DCTERMS, KGO, OWL, RDF, RDFS, SCHEMA, SKOS

ONTOLOGY_IRI = KGO.rstrip("#")
DC = "http://purl.org/dc/elements/1.1/"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
"""pyLODE's page needs its inline style sheet and its `data:` icons, nothing else: no script may run (its
JSON-LD block is data), nothing may be fetched."""


def ontology_html(ontology: Ontology, found: dict[str, str]) -> str:
    """The documentation page of the ontology, with the `examples` found in the corpus."""
    graph, anchors = documented_graph(ontology, found)
    return _render(graph, anchors)


@dataclass(frozen=True)
class AwaitingExamples:
    """The page rendered before the corpus is loaded, a placeholder where each term's example goes
    (`awaiting_examples`), to be filled in once they are found (`with_examples`)."""

    html: str
    terms: tuple[str, ...]  # the placeholders' terms, by number
    placeholder: re.Pattern[str]  # a placeholder as pyLODE renders it, its number in group 1


def awaiting_examples(ontology: Ontology, terms: Iterable[str]) -> AwaitingExamples:
    """`ontology_html` with a placeholder for the example of each of `terms`: pyLODE renders an example as
    `<pre>` and its text, escaped, and nothing else of the page depends on it.  A real corpus's build renders
    the page so while it loads the sources, and fills the examples in afterwards.  Each placeholder holds a
    random part, so that no text of the ontology can pass for one."""
    ordered = tuple(sorted(terms))
    nonce = secrets.token_hex(8)
    placeholders = {term: f"kg-example-{nonce}-{number}" for number, term in enumerate(ordered)}
    html = ontology_html(ontology, placeholders)
    return AwaitingExamples(html, ordered, re.compile(f"<pre>kg-example-{nonce}-([0-9]+)</pre>"))


def with_examples(awaiting: AwaitingExamples, found: dict[str, str]) -> str | None:
    """The page `awaiting` was rendered for, with the examples `found` in place (the same text as
    `ontology_html` with them); None when they are not for the same terms, or a placeholder is not where it
    was expected: the page is then to be rendered with them (`ontology_html`)."""
    from dominate.tags import pre

    if found.keys() != set(awaiting.terms) or len(awaiting.placeholder.findall(awaiting.html)) != len(found):
        return None
    if any(text.startswith("http") for text in found.values()):  # pyLODE links such a text (`yaml_examples`)
        return None
    shown = [pre(found[term]).render() for term in awaiting.terms]  # escaped as pyLODE's own `pre` would be
    return awaiting.placeholder.sub(lambda placed: shown[int(placed[1])], awaiting.html)


# ---------------------------------------------------------------------------- the graph pyLODE documents


def documented_graph(ontology: Ontology, found: dict[str, str]) -> tuple[Graph, dict[str, str]]:
    """The kgo ontology's header, classes and properties (with the blank nodes they use) as an rdflib graph
    in the order of the ontology's files, each term with its example as `skos:example`; and each term's
    anchor in the page (IRI → local name, e.g. `ontology.html#Event`).

    The triples are read with Oxigraph, which keeps their order: pyLODE lists the terms in the order they
    were added.  Blank nodes are numbered as met, so that no random label reaches the page."""
    triples: list[tuple[Node, Node, Node]] = []
    prefixes: dict[str, str] = {}
    for number, file in enumerate(ontology.files):
        parser = ox.parse(path=str(file), format=ox.RdfFormat.TURTLE)
        blanks: dict[str, BNode] = {}
        for quad in parser:
            s, p, o = (_rdflib_term(term, blanks, number) for term in (quad.subject, quad.predicate, quad.object))
            triples.append((s, p, o))
        prefixes = {**parser.prefixes, **prefixes}
    kept: set[Node] = {URIRef(ONTOLOGY_IRI)}
    kept |= {
        s for s, p, o in triples if str(p) == RDF + "type" and str(o) in DOCUMENTED_TYPES and str(s).startswith(KGO)
    }
    blanks_used = _blank_nodes_under(kept, triples)
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in sorted(prefixes.items()):
        graph.bind(prefix, namespace)
    graph.bind("skos", SKOS)
    for triple in triples:
        if triple[0] in kept or triple[0] in blanks_used:
            graph.add(triple)
    if (URIRef(ONTOLOGY_IRI), URIRef(RDF + "type"), URIRef(OWL + "Ontology")) not in graph:
        # pyLODE needs a titled owl:Ontology: kg.ttl has one, a trimmed copy of the ontology may not.
        graph.add((URIRef(ONTOLOGY_IRI), URIRef(RDF + "type"), URIRef(OWL + "Ontology")))
        graph.add((URIRef(ONTOLOGY_IRI), URIRef(RDFS + "label"), Literal("kgo ontology", lang="en")))
    for name, text in found.items():
        graph.add((URIRef(KGO + name), URIRef(SKOS + "example"), Literal(text)))
    anchors = {str(s): str(s)[len(KGO) :] for s in kept if str(s).startswith(KGO)}
    return graph, anchors


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal, blanks: dict[str, BNode], file: int) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, BNode(f"f{file}b{len(blanks)}"))
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _blank_nodes_under(subjects: set[Node], triples: list[tuple[Node, Node, Node]]) -> set[Node]:
    """The blank nodes reachable from `subjects` (unions, their RDF lists, restrictions)."""
    objects: dict[Node, list[Node]] = {}
    for s, _, o in triples:
        objects.setdefault(s, []).append(o)
    found: set[Node] = set()
    waiting = [o for s in subjects for o in objects.get(s, []) if isinstance(o, BNode)]
    while waiting:
        node = waiting.pop()
        if node not in found:
            found.add(node)
            waiting += [o for o in objects.get(node, []) if isinstance(o, BNode)]
    return found


# ---------------------------------------------------------------------------- pyLODE, put right


def _render(graph: Graph, anchors: dict[str, str]) -> str:
    with _pylode_quiet():
        from dominate.tags import meta, style

        utils, ontpub = _pylode_modules()
        background = _background(utils.RDF_FOLDER, graph, frozenset(map(str, utils.PROPS)))
        with _patched(
            (ontpub, "load_background_onts", lambda: background),
            (ontpub, "load_background_onts_titles", lambda _: _ontology_titles(background)),
            (utils, "intersperse", _sorted_intersperse),
            (ontpub.OntPub, "_make_namespaces", _make_namespaces),
            (utils, "markdown", SimpleNamespace(markdown=_markdown_without_html)),
        ):
            page = ontpub.OntPub(graph)
            page.fids.update(anchors)  # pyLODE makes anchors from labels ("event" for both Event and event)
            page.doc["lang"] = "en"
            # Before pyLODE's own head (its charset comes after 8 kB of style sheet, too late to be seen).
            page.doc.head.add(meta(charset="utf-8"))
            page.doc.head.add(meta(http_equiv="Content-Security-Policy", content=CONTENT_SECURITY_POLICY))
            page.doc.head.add(meta(name="referrer", content="no-referrer"))
            page.doc.head.add(style("pre { white-space: pre-wrap; }"))  # an example's long lines wrap
            html: str = page.make_html()
    return html


_PYLODE_PACKAGES = ("pylode", "pylode.profiles")
_pylode: tuple[ModuleType, ModuleType] | None = None
_pylode_lock = threading.Lock()


def _pylode_modules() -> tuple[ModuleType, ModuleType]:
    """pyLODE's `utils` and `profiles.ontpub`, the two modules the page uses, imported once without the rest
    of pyLODE: its package's `__init__` imports its three profiles, and the Supermodel one imports httpx and
    much else the page never uses.  The real corpus's build waits for this process last: in a process that
    has imported `kg.cli`, as the build's has, these two took 0.07 to 0.11 s of CPU against 0.13 to 0.22 s
    for the package (pyLODE 3.3.4, 6 pairs, `time.process_time`).  The whole build's time is too noisy to
    show it: 1.025 s before, 1.015 s after (medians of 20 alternating pairs, `/usr/bin/time`).

    Where pyLODE is imported whole already, its own modules are used."""
    global _pylode
    with _pylode_lock:  # (the import below changes `sys.modules` for its length)
        if _pylode is None:
            if "pylode" in sys.modules:
                _pylode = importlib.import_module("pylode.utils"), importlib.import_module("pylode.profiles.ontpub")
            else:
                _pylode = _imported_apart()
        return _pylode


def _imported_apart() -> tuple[ModuleType, ModuleType]:
    """The two modules, imported under stand-ins for their packages (made from their specs, without running
    their `__init__`); then every module of pyLODE imported meanwhile is taken out of `sys.modules` again,
    whatever happened, so that an `import pylode` afterwards imports the whole package as usual (its own
    modules, apart from these two)."""
    before = set(sys.modules)
    try:
        for name in _PYLODE_PACKAGES:
            spec = importlib.util.find_spec(name)
            if spec is None:
                raise ModuleNotFoundError(f"No module named '{name}'", name=name)
            sys.modules[name] = importlib.util.module_from_spec(spec)
        return importlib.import_module("pylode.utils"), importlib.import_module("pylode.profiles.ontpub")
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "pylode" and n not in before]:
            del sys.modules[name]


@contextmanager
def _pylode_quiet() -> Iterator[None]:
    """No log line while pyLODE is imported or renders, and the root logger as it was afterwards (importing
    pyLODE calls `logging.basicConfig(level=DEBUG)`)."""
    root = logging.getLogger()
    handlers, level, disabled = root.handlers[:], root.level, logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.disable(disabled)


def _markdown_without_html(text: str) -> str:
    """`text` as Markdown, raw HTML in it escaped: Python-Markdown has no such option since 3.0, so its two
    steps that pass HTML through (blocks and inline tags) are left out.  One converter serves every text, reset
    after each (as Python-Markdown's documentation has it): the ontology's 143 texts took 84 ms with a new one
    each, 52 ms so."""
    converter = _markdown_converter()
    try:
        return converter.convert(text)
    finally:
        converter.reset()


@cache
def _markdown_converter() -> Any:
    import markdown

    converter = markdown.Markdown()
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


@contextmanager
def _patched(*replacements: tuple[ModuleType, str, object]) -> Iterator[None]:
    """Module attributes replaced for the block, then put back."""
    saved = [(module, name, getattr(module, name)) for module, name, _ in replacements]
    try:
        for module, name, value in replacements:
            setattr(module, name, value)
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def _make_namespaces(page: Any) -> None:
    """pyLODE's `OntPub._make_namespaces` (3.3.4), the same HTML, with the namespaces in use found in one
    pass: pyLODE walks every namespace for each term of the graph (88,000 calls of rdflib's namespace
    generator for this ontology).  Rendered in turn with each, in one process, the page came out the same
    and took 0.76 times as long with this one (median of 6 pairs)."""
    from dominate.tags import code, dd, div, dl, dt, h2

    terms = {str(term) for term in chain(page.ont.subjects(), page.ont.predicates(), page.ont.objects())}
    used = {prefix: ns for prefix, ns in page.ont.namespaces() if any(term.startswith(ns) for term in terms)}
    with page.content, div(id="namespaces"):
        h2("Namespaces")
        with dl():
            if page.toc.get("namespaces") is None:
                page.toc["namespaces"] = []
            for prefix, ns in sorted(used.items()):
                shown = prefix if prefix != "" else ":"
                dt(shown, id=shown)
                dd(code(ns))
                page.toc["namespaces"].append(("#" + prefix, prefix))


def _sorted_intersperse(members: Any, separator: Any) -> list[Any]:
    """pyLODE's `intersperse` (a union's members, "or" between them), the members in the order of their
    HTML instead of the order of a set of objects, which changes from one process to the next."""
    ordered = sorted(members, key=lambda member: member.render() if hasattr(member, "render") else str(member))
    joined: list[Any] = []
    for member in ordered:
        joined += [separator, member] if joined else [member]
    return joined


def _background(folder: Path, documented: Graph, listed: frozenset[str]) -> Graph:
    """pyLODE's background ontologies (the titles and descriptions of the standard terms it links to, and of
    their ontologies), as its `load_background_onts` makes them, but only about what the page can name: the
    terms of `documented`, the properties pyLODE lists (`listed`) and the ontologies themselves.

    pyLODE reads all 17,000 triples from a pickle (0.2 s), which it writes inside its own install folder
    (a render killed mid-write leaves it truncated; a read-only install cannot render).  Its Turtle files
    are read here with Oxigraph instead (30 ms), in file-name order, and nothing is written."""
    wanted = {str(term) for triple in documented for term in triple if isinstance(term, URIRef)} | listed
    read = _background_quads(folder)
    ontology_type = ox.NamedNode(OWL + "Ontology")
    wanted |= {
        quad.subject.value
        for _, quad in read
        if quad.predicate.value == RDF + "type"
        and quad.object == ontology_type
        and isinstance(quad.subject, ox.NamedNode | ox.BlankNode)  # (an RDF-star triple has no value)
    }
    graph = Graph(bind_namespaces="core")
    blanks: dict[str, BNode] = {}
    for number, quad in read:
        subject, value = quad.subject, quad.object
        if isinstance(subject, ox.NamedNode) and subject.value in wanted and not isinstance(value, ox.Triple):
            term = partial(_rdflib_term, blanks=blanks, file=number)
            graph.add((term(subject), term(quad.predicate), term(value)))
    # As pyLODE expands them, in its order (the order of the titles decides which one it shows).
    for properties, to in (
        ((DC + "title", RDFS + "label", SKOS + "prefLabel", SCHEMA + "name"), DCTERMS + "title"),
        ((DC + "description", RDFS + "comment", SKOS + "definition", SCHEMA + "description"), DCTERMS + "description"),
    ):
        for s, o in [pair for prop in properties for pair in graph.subject_objects(URIRef(prop))]:
            graph.add((s, URIRef(to), o))
    return graph


@cache
def _background_quads(folder: Path) -> list[tuple[int, ox.Quad]]:
    """Every triple of pyLODE's background ontologies, with the number of its file (in file-name order)."""
    read: list[tuple[int, ox.Quad]] = []
    for number, file in enumerate(sorted(folder.glob("*.ttl"))):
        # lenient: prov.ttl has an IRI Oxigraph's strict parser refuses; relative IRIs resolve as rdflib does
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.as_uri(), lenient=True):
            read.append((number, quad))
    return read


def warm() -> None:
    """What rendering the page needs whatever the ontology and the corpus: pyLODE's modules imported and its
    background ontologies read (0.1 s, rdflib imported already).  A small corpus's build does it in a process
    forked before it loads the sources, which then renders the page as soon as they are loaded
    (`kg.exports.write`)."""
    with _pylode_quiet():
        utils, _ = _pylode_modules()
    _background_quads(utils.RDF_FOLDER)


def _ontology_titles(background: Graph) -> dict[str, str]:
    """pyLODE's `load_background_onts_titles`, computed (it is quick) instead of pickled in its folder:
    ontology IRI → title, by title."""
    titles = {
        str(s): str(o)
        for s in background.subjects(URIRef(RDF + "type"), URIRef(OWL + "Ontology"))
        for o in background.objects(s, URIRef(DCTERMS + "title"))
    }
    return dict(sorted(titles.items(), key=lambda item: item[1]))
