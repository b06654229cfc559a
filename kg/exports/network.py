"""Model → networkx MultiDiGraph: entities and events as nodes, claims and event roles as edges."""

from __future__ import annotations

import networkx as nx

from kg.model import Model
from kg.ontology import Ontology


def to_network(model: Model, ontology: Ontology) -> nx.MultiDiGraph:
    """Nodes carry `kind`, `cls`, `label`, `aliases` (events also `date`); edges carry `relation`,
    `label`, `date`, `sources` (article ids), `modality`, `conflicts` and the `claim` or `event` id.
    Literal-valued claims (e.g. holdsPosition) become `facts` on their subject node."""
    graph = nx.MultiDiGraph()
    for entity in model.entities.values():
        graph.add_node(
            entity.id, kind="entity", cls=entity.type, label=entity.name, aliases=list(entity.aliases), facts=[]
        )
    for event in model.events.values():
        date = event.date or event.start
        graph.add_node(
            event.id,
            kind="event",
            cls=event.type,
            label=event.name,
            aliases=list(event.aliases),
            date=date.value if date else None,
            facts=[],
            sources=sorted({e.article for e in event.evidence}),
        )
    for event in model.events.values():
        sources = sorted({e.article for e in event.evidence})
        date = event.date or event.start
        for role, values in event.roles:
            if ontology.properties[role].is_datatype:
                graph.nodes[event.id]["facts"].append((role, values))
                continue
            for value in values:
                graph.add_edge(
                    event.id,
                    value,
                    key=f"{event.id}#{role}#{value}",
                    relation=role,
                    label=ontology.label(role),
                    date=date.value if date else None,
                    sources=sources,
                    modality=ontology.strongest({e.modality for e in event.evidence}).name,
                    conflicts=list(event.conflicts_with),
                    event=event.id,
                )
    for claim in model.claims.values():
        sources = sorted({e.article for e in claim.evidence})
        date = claim.date or claim.start
        if claim.object is None:
            graph.nodes[claim.subject]["facts"].append((claim.predicate, (claim.value,)))
            continue
        graph.add_edge(
            claim.subject,
            claim.object,
            key=claim.id,
            relation=claim.predicate,
            label=ontology.label(claim.predicate),
            date=date.value if date else None,
            sources=sources,
            modality=ontology.strongest({e.modality for e in claim.evidence}).name,
            conflicts=list(claim.conflicts_with),
            claim=claim.id,
        )
    return graph


def stats(model: Model, ontology: Ontology) -> dict[str, dict[str, int]]:
    """Counts of nodes by class and of edges by relation, plus totals of the curated records."""
    graph = to_network(model, ontology)
    classes: dict[str, int] = {}
    for _, cls in graph.nodes(data="cls"):
        classes[cls] = classes.get(cls, 0) + 1
    relations: dict[str, int] = {}
    for _, _, relation in graph.edges(data="relation"):
        relations[relation] = relations.get(relation, 0) + 1
    for claim in model.claims.values():
        if claim.object is None:
            relations[claim.predicate] = relations.get(claim.predicate, 0) + 1
    evidence = sum(len(r.evidence) for r in (*model.events.values(), *model.claims.values()))
    totals = {
        "articles": len(model.articles),
        "entities": len(model.entities),
        "events": len(model.events),
        "claims": len(model.claims),
        "evidence": evidence,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
    }
    return {"totals": totals, "classes": dict(sorted(classes.items())), "relations": dict(sorted(relations.items()))}
