"""Ontology + model → `ontology.html`: the kgo vocabulary documented by pyLODE, each term a curator writes
in YAML (a class used as a `type:`, an event role, a claim relation, a qualifier) with its first use in the
corpus as its example.

pyLODE (3.3.x) renders one self-contained page: inline CSS, `data:` icons, a JSON-LD block and no script.
The page adds a security policy that lets nothing load or run, so that even a text from the corpus that
pyLODE forgot to escape could do nothing.  Three of pyLODE's ways are put right for the length of a render:

- it lists the members of a union ("event or claim") from a `set` of elements, in another order in each
  process: they are sorted by their HTML (`_sorted_intersperse`), so that the page is the same bytes for
  the same inputs;
- it keeps its background ontologies (the titles of the standard terms it links to) pickled inside its own
  package folder, written in place on first use: a render killed meanwhile, or two at once, leave a
  truncated pickle, and a read-only install cannot render at all.  They are read from its Turtle files
  instead, only what the page can name (`_background`);
- importing it configures the root logger at DEBUG, and it logs as it renders: none of that reaches
  `kg build`'s output or outlasts the call (`_pylode_quiet`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, partial
from itertools import chain
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.checks.checked import Project
from kg.exports.rdf import DEFAULT_BASE, prefixes
from kg.exports.turtle import TurtleWriter
from kg.exports.view import View
from kg.model import Claim, Entity, Event, Evidence
from kg.ontology import Ontology
from kg.vocab import DCTERMS, KGO, OWL, RDF, RDFS, SCHEMA, SKOS

NOT_USED = "not used in the corpus yet"
"""What the example of a term says when no record uses it."""

DOCUMENTED_TYPES = frozenset(
    OWL + kind for kind in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")
)
"""The kgo terms the page documents: its classes and properties (not the individuals, nor the SHACL shapes)."""

ONTOLOGY_IRI = KGO.rstrip("#")
DC = "http://purl.org/dc/elements/1.1/"
QUOTE_CHARS = 200
"""Longer quotes are cut in an example (with an ellipsis): the example shows a use, the evidence is in the graph."""

USAGE_WORDS = {"role": "as an event role", "relation": "as a claim relation", "qualifier": "as a claim qualifier"}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
"""pyLODE's page needs its inline style sheet and its `data:` icons, nothing else: no script may run (its
JSON-LD block is data), nothing may be fetched."""


def ontology_html(ontology: Ontology, found: dict[str, str]) -> str:
    """The documentation page of the ontology, with the `examples` found in the corpus."""
    graph, anchors = documented_graph(ontology, found)
    return _render(graph, anchors)


# ---------------------------------------------------------------------------- examples from the corpus


def examples(project: Project) -> dict[str, str]:
    """Local name → example text, for every class usable as a `type:` and every property usable in YAML.

    A class: the first entity or event of that type, in source order; when there is none, the first of a
    narrower class, said so.  A property: for each way YAML may use it (event role, claim relation, claim
    qualifier), the first event or claim using it that way, with its first evidence quote; `NOT_USED` for a
    way no record uses yet.  Every example starts with a word of ours, so that none is taken for a link
    (pyLODE links a text that starts with "http").  One pass over the model."""
    ontology, model = project.ontology, project.model
    found: dict[str, str] = {}
    for kind, nodes, classes in (
        ("entity", list[Entity | Event](model.entities.values()), ontology.entity_classes),
        ("event", list[Entity | Event](model.events.values()), ontology.event_classes),
    ):
        exact: dict[str, Entity | Event] = {}
        of_class: dict[str, Entity | Event] = {}
        for node in nodes:
            if node.type not in exact:  # a later node of a type met before is first of no class
                exact[node.type] = node
                for cls in ontology.ancestors(node.type):
                    of_class.setdefault(cls, node)
        for cls in classes:
            if cls in exact:
                found[cls] = _node_example(project, exact[cls])
            elif cls in of_class:
                narrower = of_class[cls]
                found[cls] = (
                    f"no {kind} is typed {cls} itself; the first of a narrower class, "
                    f"{ontology.label(narrower.type)}:\n{_node_example(project, narrower)}"
                )
            else:
                found[cls] = NOT_USED
    first = _first_uses(project)
    for prop in ontology.properties.values():
        usages = [usage for usage in USAGE_WORDS if usage in prop.usages]
        if usages:
            found[prop.name] = "\n\n".join(
                _property_example(project, prop.name, usage, first.get((usage, prop.name))) for usage in usages
            )
    others = _documented_terms(ontology) - found.keys()
    in_graph, whole_graph_read = _graph_examples(project, others)
    found.update(in_graph)
    found.update(_ontology_examples(ontology, others - found.keys()))
    found.update(dict.fromkeys(others - found.keys(), NOT_USED if whole_graph_read else NOT_MET))
    return found


def _documented_terms(ontology: Ontology) -> set[str]:
    """The local names of the kgo terms the page documents (DOCUMENTED_TYPES)."""
    return {
        quad.subject.value[len(KGO) :]
        for file in ontology.files
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE)
        if quad.predicate.value == RDF + "type"
        and quad.object.value in DOCUMENTED_TYPES
        and isinstance(quad.subject, ox.NamedNode)
        and quad.subject.value.startswith(KGO)
    }


GRAPH_TEXT_SEARCHED = 4_000_000
"""How many characters of Turtle `_graph_examples` renders and reads at most, looking for uses of the terms
the builder writes: the whole graph of a large corpus would cost as much as its build (a term no record uses
yet, such as kgo:inferredEndPart, is looked for until this runs out).  The real corpus's graph is 0.8 MB."""
NOT_MET = f"not met in the first {GRAPH_TEXT_SEARCHED:,} characters of the graph built from the corpus"


def _graph_examples(project: Project, wanted: set[str]) -> tuple[dict[str, str], bool]:
    """Local name → its first use in the graph built from the corpus (a triple in Turtle, with the source
    file it comes from), for the terms no YAML field names: the provenance layer (Claim, Evidence,
    kgo:modality, kgo:hasEvidence…) and the dates' parts.  The graph is rendered file by file (the build's
    own writer) until every term is met or GRAPH_TEXT_SEARCHED characters have been read; also says whether
    the whole graph was read (else a term not met may still be used further on)."""
    model, ontology = project.model, project.ontology
    writer = TurtleWriter(model, ontology, View(model, ontology), DEFAULT_BASE)
    names = {namespace: prefix for prefix, namespace in prefixes(DEFAULT_BASE).items()}
    found: dict[str, str] = {}
    searched = 0
    groups = model.by_file()
    articles = [group for group in groups if group.articles]
    # The first article, then the files of records, then the other articles: every article file comes
    # first in source order, and each is mostly its mentions, which would use up the budget.
    order = articles[:1] + [group for group in groups if not group.articles] + articles[1:]
    unread = len(order)
    for records in order:
        if not wanted - found.keys() or searched >= GRAPH_TEXT_SEARCHED:
            break
        unread -= 1
        text = writer.header() + writer.chunk(records).text
        searched += len(text)
        # Parsed only if it names a term still wanted: the writer writes a kgo term by its prefixed name
        # (the IRI in full is looked for too), and most chunks of a large corpus name none of them.
        if not any(f"kgo:{name}" in text or f"{KGO}{name}>" in text for name in wanted - found.keys()):
            continue
        origin = _relative(project, records.file)
        for triple in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE):
            used = triple.object if triple.predicate.value == RDF + "type" else triple.predicate
            name = used.value[len(KGO) :] if isinstance(used, ox.NamedNode) and used.value.startswith(KGO) else ""
            if name in wanted and name not in found:
                shown = " ".join(
                    _turtle_term(term, names) for term in (triple.subject, triple.predicate, triple.object)
                )
                found[name] = f"in the graph built from {origin}:\n  {shown} ."
    return found, unread == 0


def _ontology_examples(ontology: Ontology, wanted: set[str]) -> dict[str, str]:
    """Local name → its first use in the ontology itself, for the vocabulary of the ontology (kgo:EventRole,
    kgo:displayColor, the modalities' ranks…), which the graph of the corpus does not use."""
    names = {namespace: prefix for prefix, namespace in prefixes(DEFAULT_BASE).items()}
    found: dict[str, str] = {}
    for file in ontology.files:
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE):
            subject = quad.subject.value
            if quad.predicate.value == OWL + "inverseOf" and subject.startswith(KGO) and subject[len(KGO) :] in wanted:
                inverse = _turtle_term(quad.object, names)
                found[subject[len(KGO) :]] = (
                    f"not written in the graph: the inverse of {inverse}, which is; ask for it as ^{inverse}"
                )
                continue
            used = quad.object if quad.predicate.value == RDF + "type" else quad.predicate
            name = used.value[len(KGO) :] if isinstance(used, ox.NamedNode) and used.value.startswith(KGO) else ""
            if name in wanted and name not in found and isinstance(quad.subject, ox.NamedNode):
                shown = " ".join(_turtle_term(term, names) for term in (quad.subject, quad.predicate, quad.object))
                found[name] = f"in the ontology ({file.name}):\n  {shown} ."
    return found


def _turtle_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, names: dict[str, str]) -> str:
    """A term as Turtle shows it: an IRI by its prefixed name where one fits, a literal in double quotes."""
    if isinstance(term, ox.NamedNode):
        for namespace, prefix in names.items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and local and all(c.isalnum() or c in "-_." for c in local):
                return "a" if term.value == RDF + "type" else f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = json.dumps(
            term.value if len(term.value) <= QUOTE_CHARS else term.value[: QUOTE_CHARS - 1] + "…", ensure_ascii=False
        )
        if term.language:
            return f"{text}@{term.language}"
        datatype = _turtle_term(term.datatype, names)
        return text if datatype == "xsd:string" else f"{text}^^{datatype}"
    return "[]"


Use = tuple[Event | Claim, tuple[str, ...]]
"""A record using a property, and the values it gives it (none for a claim's relation)."""


def _first_uses(project: Project) -> dict[tuple[str, str], Use]:
    """(usage, property name) → its first use in source order."""
    first: dict[tuple[str, str], Use] = {}
    for event in project.model.events.values():
        for role, values in event.roles:
            first.setdefault(("role", role), (event, values))
    for claim in project.model.claims.values():
        first.setdefault(("relation", claim.predicate), (claim, ()))
        for qualifier, values in claim.qualifiers:
            first.setdefault(("qualifier", qualifier), (claim, values))
    return first


def _node_example(project: Project, node: Entity | Event) -> str:
    kind = "event" if isinstance(node, Event) else "entity"
    text = f"{kind} {node.id} ({_file(project, node)}): {node.name}"
    if isinstance(node, Event) and node.evidence:
        text += "\n  " + _evidence(node.evidence[0])
    return text


def _property_example(project: Project, name: str, usage: str, use: Use | None) -> str:
    heading = USAGE_WORDS[usage]
    if use is None:
        return f"{heading}: {NOT_USED}"
    record, values = use
    label = project.ontology.label(name)
    if isinstance(record, Event):
        line = f"{record.name} —{label}→ {_values(project, values)}"
    else:
        line = _claim_line(project, record)
        if usage == "qualifier":
            line += f"; {label}: {_values(project, values)}"
    return _record_example(project, heading, record, line)


def _record_example(project: Project, heading: str, record: Event | Claim, line: str) -> str:
    kind = "event" if isinstance(record, Event) else "claim"
    text = f"{heading}: {kind} {record.id} ({_file(project, record)})\n  {line}"
    return text + ("\n  " + _evidence(record.evidence[0]) if record.evidence else "")


def _claim_line(project: Project, claim: Claim) -> str:
    other = _values(project, (claim.object,)) if claim.object is not None else f"“{claim.value}”"
    return f"{_values(project, (claim.subject,))} —{project.ontology.label(claim.predicate)}→ {other}"


def _values(project: Project, values: tuple[str, ...]) -> str:
    """Node ids by their names; other values (a quantity, a condition) quoted as written."""
    shown = []
    for value in values:
        node = project.model.node(value)
        shown.append(node.name if node is not None else f"“{value}”")
    return ", ".join(shown)


def _evidence(evidence: Evidence) -> str:
    quote = evidence.quote if len(evidence.quote) <= QUOTE_CHARS else evidence.quote[: QUOTE_CHARS - 1] + "…"
    return f"evidence: “{quote}” ({evidence.article})"


def _file(project: Project, record: Entity | Event | Claim) -> str:
    """The record's source file, relative to the sources folder (the same wherever the project lies)."""
    return _relative(project, record.where.file)


def _relative(project: Project, file: Path) -> str:
    try:
        return file.relative_to(project.sources).as_posix()
    except ValueError:
        return file.name


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
        from pylode import utils
        from pylode.profiles import ontpub

        background = _background(utils.RDF_FOLDER, graph, frozenset(map(str, utils.PROPS)))
        with _patched(
            (ontpub, "load_background_onts", lambda: background),
            (ontpub, "load_background_onts_titles", lambda _: _ontology_titles(background)),
            (utils, "intersperse", _sorted_intersperse),
            (ontpub.OntPub, "_make_namespaces", _make_namespaces),
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


@contextmanager
def _patched(*replacements: tuple[ModuleType, str, Callable[..., Any]]) -> Iterator[None]:
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
    """What rendering the page needs whatever the ontology and the corpus: pyLODE imported and its background
    ontologies read (0.2 s).  A small corpus's build does it in a process forked before it loads the sources,
    which then renders the page as soon as they are loaded (`kg.exports.write`)."""
    with _pylode_quiet():
        from pylode import utils
        from pylode.profiles import ontpub  # noqa: F401 (imported now, not at the render)

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
