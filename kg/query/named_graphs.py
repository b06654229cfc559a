"""Split the graph into one named graph per source article (plus the ontology), for `kg push`.

The rule: **a triple goes into the graph of every article that supports it**, so each article graph is
self-contained (typed, labelled, queryable on its own) and the union of all article graphs is exactly
`graph.ttl`.  Support is read from the graph's own provenance, not from the YAML:

* an article supports its own node (metadata, text) and, through `kgo:hasPhoto`, its photos;
* a claim statement, an event or an evidence annotation is supported by the articles it
  `prov:wasDerivedFrom`; the parts of an evidence (`oa:hasTarget`, `oa:hasSelector`,
  `kgo:attribution` steps) go with it;
* a mention of a name is supported by the article it is in (`oa:hasSource`), and its positions
  (`oa:hasSelector`) go with it;
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
from kg.collector import collector_paused
from kg.vocab import KGO, K


def _key(iri: str) -> str:
    """A term as the algorithm handles it: its N-Triples text (a str hashes once; a pyoxigraph term each time)."""
    return str(ox.NamedNode(iri))


_TYPE = _key(v.TYPE)
_ARTICLE = _key(KGO + K.Article)
_DERIVED_FROM = _key(v.DERIVED_FROM)
_IN_ARTICLE = {_DERIVED_FROM, _key(v.HAS_SOURCE)}
_HAS_EVIDENCE = _key(KGO + K.hasEvidence)
_STATEMENT = _key(KGO + K.statement)
_STATEMENT_PARTS = tuple(_key(iri) for iri in (v.SUBJECT, v.PREDICATE, v.OBJECT))
_PARTS = {_key(iri) for iri in (v.HAS_TARGET, v.HAS_SELECTOR, KGO + K.attribution, KGO + K.hasPhoto)}
_IDENTITY = {_key(iri) for iri in (v.TYPE, v.LABEL, v.ALT_LABEL)}

Keyed = tuple[str, str, str]
Support = frozenset[str]
_NONE: Support = frozenset()


def _owners(triples: list[Keyed], articles: set[str]) -> dict[str, Support]:
    """Nodes that belong to articles: the articles, what derives from them, and the parts of those."""
    owners: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        owners[article].add(article)
    parts: dict[str, list[str]] = defaultdict(list)
    for s, p, o in triples:
        if p in _IN_ARTICLE and o in articles:
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
    return {node: frozenset(found) for node, found in owners.items()}


def _asserted(triples: list[Keyed], owners: dict[str, Support]) -> dict[Keyed, Support]:
    """Direct triple (s, p, o) → articles of the claim statements that assert it."""
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    for s, p, o in triples:
        if p in _STATEMENT_PARTS:
            parts[s][p] = o
    asserted: dict[Keyed, set[str]] = defaultdict(set)
    for statement, spo in parts.items():
        if len(spo) == 3:
            asserted[(spo[_STATEMENT_PARTS[0]], spo[_STATEMENT_PARTS[1]], spo[_STATEMENT_PARTS[2]])] |= owners.get(
                statement, _NONE
            )
    return {spo: frozenset(found) for spo, found in asserted.items()}


def article_graphs(triples: list[ox.Triple]) -> tuple[dict[ox.NamedNode, list[ox.Triple]], list[ox.Triple]]:
    """Article node → the triples its graph holds (input order), and the triples no article supports.

    The work is done on the terms' N-Triples texts, and supports are frozensets shared between triples
    (most have one of a few): the 5 million triples of 100,000 facts are split in seconds, not minutes."""
    keyed: list[Keyed] = [(str(s), str(p), str(o)) for s, p, o in triples]
    articles = {s for s, p, o in keyed if p == _TYPE and o == _ARTICLE and s.startswith("<")}
    owners = _owners(keyed, articles)
    asserted = _asserted(keyed, owners)
    alone = {article: frozenset((article,)) for article in articles}
    support: list[Support] = []
    deferred: list[int] = []
    for index, (s, p, o) in enumerate(keyed):
        if p in _IDENTITY:
            found = _NONE
        elif p in (_HAS_EVIDENCE, _STATEMENT):
            found = owners.get(o, _NONE)
        elif p == _DERIVED_FROM and o in alone:
            found = alone[o]
        else:
            claimed = asserted.get((s, p, o))
            found = owners.get(s, _NONE) if claimed is None else claimed
        if not found:
            deferred.append(index)
        support.append(found)

    # Identity triples and facts about shared nodes follow the node into every graph that mentions it;
    # repeat, since such a triple can mention yet another node.  Only the subjects of those triples need
    # their mentions counted.
    wanted = {keyed[index][0] for index in deferred}
    changed = True
    while changed:
        mentions: dict[str, set[str]] = defaultdict(set)
        for (s, _, o), found in zip(keyed, support, strict=True):
            if found:
                if s in wanted:
                    mentions[s] |= found
                if o in wanted:
                    mentions[o] |= found
        changed = False
        for index in deferred:
            subject = keyed[index][0]
            extra = (owners.get(subject, _NONE) | mentions.get(subject, set())) - support[index]
            if extra:
                support[index] = support[index] | extra
                changed = True

    nodes = {article: ox.NamedNode(article[1:-1]) for article in articles}
    graphs: dict[ox.NamedNode, list[ox.Triple]] = {nodes[a]: [] for a in sorted(articles)}  # as `<iri>`
    unsupported: list[ox.Triple] = []
    for triple, found in zip(triples, support, strict=True):
        for article in found:
            graphs[nodes[article]].append(triple)
        if not found:
            unsupported.append(triple)
    return graphs, unsupported


def graphs_for_push(triples: list[ox.Triple], ontology: list[ox.Triple], graph_base: str) -> dict[str, list[ox.Triple]]:
    """Graph IRI → triples: `<base>article/<id>` per article, `<base>ontology`, and `<base>shared` if needed."""
    with collector_paused():  # millions of small objects, no cycles (kg.collector)
        by_article, unsupported = article_graphs(triples)
    graphs = {f"{graph_base}article/{article.value.rsplit('/', 1)[-1]}": part for article, part in by_article.items()}
    graphs[f"{graph_base}ontology"] = ontology
    if unsupported:
        graphs[f"{graph_base}shared"] = unsupported
    return graphs
