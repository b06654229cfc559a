"""The derived view of a checked model, computed once and read by every export (RDF, networkx, the page).

The model holds what curators wrote; the view holds what the exports show of it: nodes with their names,
edges (a claim between two nodes, or an event's role) with the claim or event behind them, literal facts
about a node, conflicts on both sides, attribution chains and display titles.  Each of these is decided
here and nowhere else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cached_property
from typing import NamedTuple

from kg.dates import Date
from kg.model import Claim, Entity, Event, Evidence, Model
from kg.ontology import Modality, Ontology

Record = Claim | Event


class Fact(NamedTuple):
    """A literal about a node: an event's datatype role (no record of its own) or a literal-valued claim."""

    relation: str
    values: tuple[str, ...]
    record: str | None  # the claim's id; None for an event role (the event is the node itself)


class GraphNode(NamedTuple):
    """An entity or an event, as drawn: `date` is an event's date, or the start of its interval.  Named
    tuples, as the other parts of the view: made in C, a third of the time of a frozen dataclass (156,000
    links at 100,000 real-shaped facts)."""

    id: str
    kind: str  # "entity" or "event"
    cls: str
    name: str
    aliases: tuple[str, ...]
    date: str | None
    sources: tuple[str, ...]  # articles of an event's evidence, sorted
    facts: list[Fact]


class GraphEdge(NamedTuple):
    """A link between two nodes, from a claim (key: the claim's id) or an event role (`event#role#value`)."""

    key: str
    source: str
    target: str
    relation: str
    record: str  # the claim or event behind the link
    kind: str  # "claim" or "event"


class View:
    """Nodes, edges, facts, conflicts, titles and attribution chains of `model`, derived once, when first
    asked for (the Turtle writer asks only for names and modalities: the ontology page's examples render a
    few files of a large corpus with it, and would pay for the whole graph)."""

    def __init__(self, model: Model, ontology: Ontology):
        self.model = model
        self.ontology = ontology
        self.records: dict[str, Record] = {record.id: record for record in model.records()}
        self.record_order = {record_id: index for index, record_id in enumerate(self.records)}

    # ------------------------------------------------------------------ derived once

    @property
    def nodes(self) -> dict[str, GraphNode]:
        """Every entity and event, with its literal facts."""
        return self._graph[0]

    @property
    def edges(self) -> list[GraphEdge]:
        return self._graph[1]

    @cached_property
    def _graph(self) -> tuple[dict[str, GraphNode], list[GraphEdge]]:
        nodes = {node.id: _node(node) for node in self.model.nodes()}
        return nodes, self._edges(nodes)

    def _edges(self, nodes: dict[str, GraphNode]) -> list[GraphEdge]:
        """Every link, grouped by source node (in node order), then by target in order of first appearance,
        then in record order: the order networkx keeps for a MultiDiGraph filled in record order."""
        found: list[GraphEdge] = []
        properties = self.ontology.properties
        for event in self.model.events.values():
            nodes[event.id].facts.extend(event_facts(event, self.ontology))
            for role, values in event.roles:
                if not properties[role].is_datatype:
                    found += [GraphEdge(f"{event.id}#{role}#{v}", event.id, v, role, event.id, "event") for v in values]
        for claim in self.model.claims.values():
            if claim.object is None:
                nodes[claim.subject].facts.append(claim_fact(claim))
            else:
                found.append(GraphEdge(claim.id, claim.subject, claim.object, claim.predicate, claim.id, "claim"))
        # Bucketed by source, then by target (dicts keep their keys' first insertion), then read in node order:
        # the order a stable sort by (source's place, target's first appearance) gives, without the sort.
        by_source: dict[str, dict[str, list[GraphEdge]]] = {}
        for edge in found:
            targets = by_source.get(edge.source)
            if targets is None:
                targets = by_source[edge.source] = {}
            same = targets.get(edge.target)
            if same is None:
                targets[edge.target] = [edge]
            else:
                same.append(edge)
        ordered: list[GraphEdge] = []
        for node_id in nodes:
            for same in by_source.get(node_id, {}).values():
                ordered += same
        return ordered

    @cached_property
    def conflicts(self) -> dict[str, list[str]]:
        """Record id → the records it conflicts with, on both sides (YAML states it on one), in record order;
        only records with a conflict are listed (most have none: 100,000 empty lists cost 0.3 s to sort)."""
        found: dict[str, set[str]] = {}
        for record in self.records.values():
            for other in record.conflicts_with:
                found.setdefault(record.id, set()).add(other)
                found.setdefault(other, set()).add(record.id)
        return {key: sorted(others, key=lambda o: self.record_order.get(o, -1)) for key, others in found.items()}

    # ------------------------------------------------------------------ asked for

    def name(self, node_id: str | None) -> str:
        node = self.model.node(node_id or "")
        return node.name if node else str(node_id)

    def title(self, record_id: str) -> str:
        """A claim as 'subject — relation — object' (`claim_title`); an event by its name."""
        record = self.records.get(record_id)
        if isinstance(record, Claim):
            return claim_title(record, self.name, self.ontology)
        return record.name if record else record_id

    def modality(self, evidence: tuple[Evidence, ...]) -> Modality:
        """A record is as firm as its firmest evidence (the ontology ranks the modalities)."""
        return self.ontology.strongest({item.modality for item in evidence})

    def modalities(self, evidence: tuple[Evidence, ...]) -> tuple[str, ...]:
        """The modalities of `evidence`, each once, the firmest first: a claim both asserted and denied is both."""
        named = {item.modality for item in evidence}
        return tuple(m.name for m in self.ontology.modalities if m.name in named)

    def modality_mask(self, evidence: tuple[Evidence, ...]) -> int:
        """The modalities of `evidence` as bits: bit i for the ontology's modality i (firmest first)."""
        bits = self._modality_bits
        mask = 0
        for item in evidence:
            mask |= bits.get(item.modality, 0)
        return mask

    @cached_property
    def _modality_bits(self) -> dict[str, int]:
        return {m.name: 1 << index for index, m in enumerate(self.ontology.modalities)}

    def chain(self, item: Evidence) -> list[str]:
        """Who the quote comes through: the article's outlet (when known), then each source it cites."""
        outlet = self.model.articles[item.article].outlet
        return ([outlet] if outlet else []) + list(item.via)

    def sources(self, record_id: str) -> list[str]:
        """The articles a record's evidence quotes, sorted."""
        return sorted({item.article for item in self.records[record_id].evidence})

    def date(self, record_id: str) -> str | None:
        record = self.records[record_id]
        date = record.date or record.start
        return date.value if date else None


def event_facts(event: Event, ontology: Ontology) -> list[Fact]:
    """An event's literal facts of its own: its datatype roles (the first of its node's facts)."""
    return [Fact(role, values, None) for role, values in event.roles if ontology.properties[role].is_datatype]


def claim_fact(claim: Claim) -> Fact:
    """The fact a literal-valued claim states about its subject."""
    return Fact(claim.predicate, (claim.value or "",), claim.id)


def first_day(record: Record) -> str | None:
    """The first day a record can denote: the time slider shows it from then on (undated: always)."""
    date = record.date or record.start
    return date.earliest_text if date else None


def last_day(record: Record) -> str | None:
    """The last day a record can denote: a day's own, a month's or year's last, an interval's end.  The
    timeline draws a record from `first_day` to here: a point for a day, a span for anything longer.  An
    interval with no end ("from January 2025") is drawn over its start, at the start's precision."""
    date = record.date or record.end or record.start
    return date.latest_text if date else None


def date_text(record: Record) -> str | None:
    """A record's date as curated: a day, month or year (inferred parts named), or an interval."""

    def text(date: Date) -> str:
        return f"{date} ({', '.join(date.inferred)} inferred)" if date.inferred else str(date)

    if record.date:
        return text(record.date)
    if record.start and record.end:
        return f"{text(record.start)} – {text(record.end)}"
    if record.start:
        return f"from {text(record.start)}"
    return f"until {text(record.end)}" if record.end else None


def _node(node: Entity | Event) -> GraphNode:
    if isinstance(node, Event):
        date = node.date or node.start
        day = date.value if date else None
        sources = tuple(sorted({item.article for item in node.evidence}))
        return GraphNode(node.id, "event", node.type, node.name, node.aliases, day, sources, [])
    return GraphNode(node.id, "entity", node.type, node.name, node.aliases, None, (), [])


def stats(model: Model, ontology: Ontology) -> dict[str, dict[str, int]]:
    """Counts of nodes by class and of edges by relation (literal facts included), and totals of the records."""
    view = View(model, ontology)
    classes = Counter(node.cls for node in view.nodes.values())
    relations = Counter(edge.relation for edge in view.edges)
    relations.update(claim.predicate for claim in model.claims.values() if claim.object is None)
    totals = {
        "articles": len(model.articles),
        "entities": len(model.entities),
        "events": len(model.events),
        "claims": len(model.claims),
        "evidence": sum(len(r.evidence) for r in model.records()),
        "nodes": len(view.nodes),
        "edges": len(view.edges),
    }
    return {"totals": totals, "classes": dict(sorted(classes.items())), "relations": dict(sorted(relations.items()))}


def claim_title(claim: Claim, name: Callable[[str], str], ontology: Ontology) -> str:
    """A claim as 'subject — relation — object', the nodes by `name` (the view's, or a reader's that lists
    what it reads): its label in the graph, on the page and in kg diff."""
    other = claim.value if claim.object is None else name(claim.object)
    return f"{name(claim.subject)} — {ontology.label(claim.predicate)} — {other}"
