"""Model → networkx MultiDiGraph: entities and events as nodes, claims and event roles as edges."""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.exports.view import View
from kg.model import Model
from kg.ontology import Ontology


def to_network(model: Model, ontology: Ontology, view: View | None = None) -> nx.MultiDiGraph:
    """Nodes carry `kind`, `cls`, `label`, `aliases` and `facts` (events also `date` and `sources`); edges
    carry `relation`, `label`, `date`, `sources` (article ids), `modality`, `conflicts` (on both sides) and
    the `claim` or `event` id.  Literal values (an event's datatype roles, literal-valued claims such as
    holdsPosition) are `facts` of their node, as (relation, values) pairs."""
    view = view or View(model, ontology)
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for node in view.nodes.values():
        attrs: dict[str, Any] = {"kind": node.kind, "cls": node.cls, "label": node.name, "aliases": list(node.aliases)}
        if node.kind == "event":
            attrs.update(date=node.date, sources=list(node.sources))
        graph.add_node(node.id, **attrs, facts=[(fact.relation, fact.values) for fact in node.facts])
    for edge in view.edges:
        record = view.records[edge.record]
        graph.add_edge(
            edge.source,
            edge.target,
            key=edge.key,
            relation=edge.relation,
            label=ontology.label(edge.relation),
            date=view.date(edge.record),
            sources=view.sources(edge.record),
            modality=view.modality(record.evidence).name,
            conflicts=view.conflicts.get(edge.record, []),
            **{edge.kind: edge.record},
        )
    return graph
