"""The examples the ontology's documentation (`kg.exports.ontology_doc`) shows for each term: its first use
in the corpus.  A class a record may be typed with, or a property YAML may use, has its first use in the
YAML; the other terms (the provenance layer: kgo:Claim, kgo:hasEvidence, kgo:modality…; the dates' parts)
their first use in the graph built from the corpus, else in the ontology itself.

The graph is read source file by source file, each file's Turtle as the build writes it: rendered afresh
(`rendered_chunks`), or read back from the Turtle the build has just written (`written_chunks`: after a
one-file edit of 100,000 facts, rendering the first 4,000,000 characters again was 0.35 s of the
documentation's 0.39 s of CPU).  Both give the same text, so the same examples.  Nothing here imports
rdflib or pyLODE: a build whose examples are those of the documentation it keeps needs neither.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.checks.checked import Project
from kg.exports.doc_terms import USAGE_WORDS, graph_terms
from kg.exports.rdf import DEFAULT_BASE, prefixes
from kg.exports.turtle import PLAIN_LOCAL, TurtleWriter, turtle_header
from kg.exports.view import View
from kg.model import Claim, Entity, Event, Evidence, SourceRecords
from kg.ontology import Ontology
from kg.vocab import KGO, OWL, RDF

NOT_USED = "not used in the corpus yet"
"""What the example of a term says when no record uses it."""
GRAPH_TEXT_SEARCHED = 4_000_000
"""How many characters of Turtle `graph_examples` reads at most, looking for uses of the terms the builder
writes: the whole graph of a large corpus would cost as much as its build (a term no record uses yet, such as
kgo:inferredEndPart, is looked for until this runs out).  The real corpus's graph is 0.8 MB."""
NOT_MET = f"not met in the first {GRAPH_TEXT_SEARCHED:,} characters of the graph built from the corpus"
QUOTE_CHARS = 200
"""Longer quotes are cut in an example (with an ellipsis): the example shows a use, the evidence is in the graph."""


Chunks = Callable[[SourceRecords, int], tuple[str, bool]]
"""A source file's records and a number of characters → their Turtle, as the build writes it (with
`DEFAULT_BASE`): the whole of it, or its statements within that many characters (`_statements_within`); and
whether it is whole."""
GraphExamples = tuple[dict[str, str], bool]
"""Local name → its example from the graph, and whether the whole graph was read (`graph_examples`)."""


def examples(
    project: Project, graph: GraphExamples | None = None, from_yaml: dict[str, str] | None = None
) -> dict[str, str]:
    """Local name → example text, for every term the page documents: `yaml_examples` (`from_yaml`, when found
    already), then the other terms' first use in the graph built from the corpus (`graph`, when the build
    found them in the Turtle it wrote), else in the ontology."""
    ontology = project.ontology
    found = dict(from_yaml) if from_yaml is not None else yaml_examples(project)
    others = graph_terms(ontology)
    assert not others & found.keys(), "a term's example comes from the YAML or from the graph"
    in_graph, whole_graph_read = graph or graph_examples(project, others, rendered_chunks(project))
    found.update(in_graph)
    found.update(_ontology_examples(ontology, others - found.keys()))
    found.update(dict.fromkeys(others - found.keys(), NOT_USED if whole_graph_read else NOT_MET))
    return found


def yaml_examples(project: Project) -> dict[str, str]:
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
    return found


def _ontology_examples(ontology: Ontology, wanted: set[str]) -> dict[str, str]:
    """Local name → its first use in the ontology itself, for the vocabulary of the ontology (kgo:EventRole,
    kgo:displayColor, the modalities' ranks…), which the graph of the corpus does not use."""
    names = {namespace: prefix for prefix, namespace in prefixes(DEFAULT_BASE).items()}
    found: dict[str, str] = {}
    for file in ontology.files:
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE):
            subject = quad.subject.value
            if quad.predicate.value == OWL + "inverseOf" and subject.startswith(KGO) and subject[len(KGO) :] in wanted:
                inverse = turtle_term(quad.object, names)
                found[subject[len(KGO) :]] = (
                    f"not written in the graph: the inverse of {inverse}, which is; ask for it as ^{inverse}"
                )
                continue
            name = _term_used(quad)
            if name in wanted and name not in found and isinstance(quad.subject, ox.NamedNode):
                found[name] = f"in the ontology ({file.name}):\n  {_shown(quad, names)} ."
    return found


def _term_used(triple: ox.Quad | ox.Triple) -> str:
    """The local name of the kgo term a triple uses: the class it types its subject with, else its property
    ("" for a term of another vocabulary)."""
    used = triple.object if triple.predicate.value == RDF + "type" else triple.predicate
    return used.value[len(KGO) :] if isinstance(used, ox.NamedNode) and used.value.startswith(KGO) else ""


def _shown(triple: ox.Quad | ox.Triple, names: dict[str, str]) -> str:
    """A triple as Turtle shows it, without its final dot."""
    return " ".join(turtle_term(term, names) for term in (triple.subject, triple.predicate, triple.object))


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
    return source_name(project, record.where.file)


def graph_examples(project: Project, wanted: set[str], chunks: Chunks) -> GraphExamples:
    """Local name → its first use in the graph built from the corpus (a triple in Turtle, with the source
    file it comes from), for the `wanted` terms.  The graph is read file by file (`chunks`) until every term
    is met or GRAPH_TEXT_SEARCHED characters have been read; also says whether the whole graph was read (else
    a term not met may still be used further on)."""
    header = turtle_header(DEFAULT_BASE)
    names = {namespace: prefix for prefix, namespace in prefixes(DEFAULT_BASE).items()}
    found: dict[str, str] = {}
    searched = 0
    groups = project.groups
    articles = [group for group in groups if group.articles]
    # The first article, then the files of records, then the other articles: every article file comes
    # first in source order, and each is mostly its mentions, which would use up the budget.
    order = articles[:1] + [group for group in groups if not group.articles] + articles[1:]
    unread = len(order)
    for records in order:
        if not wanted - found.keys() or searched >= GRAPH_TEXT_SEARCHED:
            break
        chunk, whole = chunks(records, GRAPH_TEXT_SEARCHED - searched)
        searched += len(header) + len(chunk)
        if whole:
            unread -= 1
        else:  # the rest of the budget is not for later files: this one may use a term further on
            searched = GRAPH_TEXT_SEARCHED
        # Only the statements naming a term still wanted are parsed, in order, until each is met: most chunks of
        # a large corpus name none of them, and the first statement to name one mostly uses it.
        named = wanted - found.keys()
        origin = source_name(project, records.file)
        for statement in _statements_naming(chunk, named):
            for triple in ox.parse((header + statement).encode("utf-8"), format=ox.RdfFormat.TURTLE):
                if (name := _term_used(triple)) in named:
                    found[name] = f"in the graph built from {origin}:\n  {_shown(triple, names)} ."
                    named.discard(name)
            if not named:
                break
    return found, unread == 0


_PREFIXED = re.compile(rf"kgo:({PLAIN_LOCAL.pattern})")
_IN_FULL = re.compile(rf"<{re.escape(KGO)}([^>]*)>")


def _statements_naming(chunk: str, named: set[str]) -> Iterator[str]:
    """The statements of a chunk of Turtle that name any of the kgo terms in `named` (as `named` is then, each time
    one is asked for), in order: by its prefixed name, as the writer writes a plain local name
    (`kg.exports.turtle.PLAIN_LOCAL`), or by its IRI in full.  Any triple using a term is in one of them, so the
    first use of each is met as in a parse of the whole chunk (of the real corpus's 0.75 MB of Turtle, parsed
    whole: 0.04 s; one pass of each pattern: looking for each wanted term in turn read the 4,000,000 characters
    70 times, 0.07 s)."""
    places = [(found.start(), found[1]) for found in _PREFIXED.finditer(chunk)]
    if KGO in chunk:
        places += [(found.start(), found[1]) for found in _IN_FULL.finditer(chunk)]
    end = 0
    for place, name in sorted(places):
        if place < end or name not in named:
            continue
        before = chunk.rfind(_STATEMENT_END, 0, place)
        start = before + len(_STATEMENT_END) if before >= 0 else 0
        after = chunk.find(_STATEMENT_END, place)
        end = after + len(_STATEMENT_END) if after >= 0 else len(chunk)
        yield chunk[start:end]


_STATEMENT_END = " .\n"
"""How every statement the writer writes ends; nowhere else (a literal's line breaks are escaped)."""


def _statements_within(turtle: str, limit: int) -> tuple[str, bool]:
    """The statements of a file's `turtle` that end within its first `limit` characters, and whether that is
    all of it: a file of 88,000 claims (16 MB of YAML) has 130 MB of Turtle, which read and parsed whole made
    the documentation's process the build's largest (870 MB)."""
    if len(turtle) <= limit:
        return turtle, True
    end = turtle.rfind(_STATEMENT_END, 0, limit)
    return (turtle[: end + len(_STATEMENT_END)] if end >= 0 else ""), False


def rendered_chunks(project: Project) -> Chunks:
    """Each file's Turtle rendered by the build's own writer."""
    model, ontology = project.model, project.ontology
    writer = TurtleWriter(model, ontology, View(model, ontology), DEFAULT_BASE)
    return lambda records, limit: _statements_within(writer.chunk(records).text, limit)


@contextmanager
def written_chunks(turtle: Path, places: dict[Path, tuple[int, int]]) -> Iterator[Chunks]:
    """Each file's Turtle read back from `turtle`, the export just written with `DEFAULT_BASE` (`places`:
    where each file's chunk lies in it, in bytes; `kg.exports.chunks.write_turtle`)."""
    descriptor = os.open(turtle, os.O_RDONLY)

    def chunk(records: SourceRecords, limit: int) -> tuple[str, bool]:
        offset, length = places[records.file]
        if length <= limit:  # no more characters than bytes
            return os.pread(descriptor, length, offset).decode("utf-8"), True
        read = os.pread(descriptor, min(length, 4 * limit), offset)  # `limit` characters of up to 4 bytes each
        end = read.rfind(_STATEMENT_END.encode())  # cut between statements: between whole characters
        text = read[: end + len(_STATEMENT_END)].decode("utf-8") if end >= 0 else ""
        statements, whole = _statements_within(text, limit)
        return statements, whole and len(read) == length

    try:
        yield chunk
    finally:
        os.close(descriptor)


def turtle_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, names: dict[str, str]) -> str:
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
        datatype = turtle_term(term.datatype, names)
        return text if datatype == "xsd:string" else f"{text}^^{datatype}"
    return "[]"


def source_name(project: Project, file: Path) -> str:
    """A source file relative to the sources folder (the same wherever the project lies)."""
    try:
        return file.relative_to(project.sources).as_posix()
    except ValueError:
        return file.name
