"""Split the graph into one named graph per source article (plus the ontology), for `kg push`.

The rule: **a triple goes into the graph of every article that supports it**, so each article graph is
self-contained (typed, labelled, queryable on its own) and the union of all article graphs is exactly
`graph.ttl`.  Support is read from the graph's own provenance, not from the YAML:

* an article supports its own node (metadata, text) and, through `kgo:hasPhoto`, its photos;
* a claim statement, an event or an evidence annotation is supported by the articles it
  `prov:wasDerivedFrom`; the parts of an evidence (`oa:hasTarget`, `oa:hasSelector`,
  `kgo:attribution` steps) go with it;
* `?x kgo:hasEvidence ?e` goes with the evidence's article only, `?x prov:wasDerivedFrom ?article`
  with that article, `?x kgo:statement ?claim` and the direct triple a claim asserts (`kg:russia
  kgo:operates kg:tartus-naval-base`) with the claim's articles: a claim quoted by two articles is in both
  graphs, each with its own evidence;
* everything else said about a node, in particular the class and names of entities shared by articles
  (Russia, Reuters…), goes into every article graph that mentions the node.

Triples no article supports (an entity no article mentions) go to a separate `shared` graph, so nothing
is lost.  Repeated triples across graphs are intended: dropping one article's graph leaves the others whole.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from kg import vocab as v
from kg.ontology import Term
from kg.vocab import KGO, K

_TYPE = ox.NamedNode(v.TYPE)
_ARTICLE = ox.NamedNode(KGO + K.Article)
_DERIVED_FROM = ox.NamedNode(v.DERIVED_FROM)
_HAS_EVIDENCE = ox.NamedNode(KGO + K.hasEvidence)
_STATEMENT = ox.NamedNode(KGO + K.statement)
_STATEMENT_PARTS = tuple(ox.NamedNode(iri) for iri in (v.SUBJECT, v.PREDICATE, v.OBJECT))
_PARTS = {ox.NamedNode(iri) for iri in (v.HAS_TARGET, v.HAS_SELECTOR, KGO + K.attribution, KGO + K.hasPhoto)}
_IDENTITY = {ox.NamedNode(iri) for iri in (v.TYPE, v.LABEL, v.ALT_LABEL)}

Support = frozenset[ox.NamedNode]


def _owners(triples: list[ox.Triple], articles: set[ox.NamedNode]) -> dict[Term, set[ox.NamedNode]]:
    """Nodes that belong to articles: the articles, what derives from them, and the parts of those."""
    owners: dict[Term, set[ox.NamedNode]] = defaultdict(set)
    for article in articles:
        owners[article].add(article)
    parts: dict[Term, list[Term]] = defaultdict(list)
    for s, p, o in triples:
        if p == _DERIVED_FROM and isinstance(o, ox.NamedNode) and o in articles:
            owners[s].add(o)
        elif p in _PARTS:
            parts[s].append(o)
    pending = list(owners)
    while pending:
        node = pending.pop()
        for part in parts.get(node, ()):
            if not owners[node] <= owners[part]:
                owners[part] |= owners[node]
                pending.append(part)
    return owners


def _asserted(triples: list[ox.Triple], owners: dict[Term, set[ox.NamedNode]]) -> dict[tuple, set[ox.NamedNode]]:
    """Direct triple (s, p, o) → articles of the claim statements that assert it."""
    parts: dict[Term, dict[ox.NamedNode, Term]] = defaultdict(dict)
    for s, p, o in triples:
        if p in _STATEMENT_PARTS:
            parts[s][p] = o
    asserted: dict[tuple, set[ox.NamedNode]] = defaultdict(set)
    for statement, spo in parts.items():
        if len(spo) == 3:
            asserted[tuple(spo[p] for p in _STATEMENT_PARTS)] |= owners.get(statement, set())
    return asserted


def article_graphs(triples: list[ox.Triple]) -> tuple[dict[ox.NamedNode, list[ox.Triple]], list[ox.Triple]]:
    """Article node → the triples its graph holds (input order), and the triples no article supports."""
    articles = {s for s, p, o in triples if p == _TYPE and o == _ARTICLE and isinstance(s, ox.NamedNode)}
    owners = _owners(triples, articles)
    asserted = _asserted(triples, owners)
    support: list[set[ox.NamedNode]] = []
    deferred: list[int] = []
    for index, (s, p, o) in enumerate(triples):
        if p in _IDENTITY:
            found = set()
        elif p in (_HAS_EVIDENCE, _STATEMENT):
            found = set(owners.get(o, ()))
        elif p == _DERIVED_FROM and isinstance(o, ox.NamedNode) and o in articles:
            found = {o}
        elif (s, p, o) in asserted:
            found = set(asserted[(s, p, o)])
        else:
            found = set(owners.get(s, ()))
        if not found:
            deferred.append(index)
        support.append(found)

    # Identity triples and facts about shared nodes follow the node into every graph that mentions it;
    # repeat, since such a triple can mention yet another node.
    changed = True
    while changed:
        mentions: dict[Term, set[ox.NamedNode]] = defaultdict(set)
        for (s, _, o), found in zip(triples, support, strict=True):
            mentions[s] |= found
            mentions[o] |= found
        changed = False
        for index in deferred:
            subject = triples[index].subject
            extra = (owners.get(subject, set()) | mentions[subject]) - support[index]
            if extra:
                support[index] |= extra
                changed = True

    graphs: dict[ox.NamedNode, list[ox.Triple]] = {article: [] for article in sorted(articles, key=str)}
    unsupported: list[ox.Triple] = []
    for triple, found in zip(triples, support, strict=True):
        for article in found:
            graphs[article].append(triple)
        if not found:
            unsupported.append(triple)
    return graphs, unsupported


def graphs_for_push(triples: list[ox.Triple], ontology: list[ox.Triple], graph_base: str) -> dict[str, list[ox.Triple]]:
    """Graph IRI → triples: `<base>article/<id>` per article, `<base>ontology`, and `<base>shared` if needed."""
    by_article, unsupported = article_graphs(triples)
    graphs = {f"{graph_base}article/{article.value.rsplit('/', 1)[-1]}": part for article, part in by_article.items()}
    graphs[f"{graph_base}ontology"] = ontology
    if unsupported:
        graphs[f"{graph_base}shared"] = unsupported
    return graphs
