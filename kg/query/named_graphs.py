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

The graph of 100,000 real-shaped facts is 5.5 million triples, which the graphs repeat into 6.4 million.  So
the split holds no pyoxigraph object per triple: each triple is read as its N-Triples line, cut into its three
terms, each term interned (held once however often it occurs), and a graph is the positions of its triples.
A graph's body, N-Triples (which is Turtle too), is written only when it is sent.  Holding every triple as a
pyoxigraph `Triple` with its terms' texts beside took 5.8 GB and 46 s there (`kg push --dry-run`), this 1 GB and
21 s (README, "Loading a store")."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import partial

import pyoxigraph as ox

from kg import vocab as v
from kg.collector import collector_paused
from kg.vocab import KGO, K


def _key(iri: str) -> str:
    """An IRI as the split handles it: its N-Triples text, interned like every term read."""
    return sys.intern(str(ox.NamedNode(iri)))


_TYPE = _key(v.TYPE)
_ARTICLE = _key(KGO + K.Article)
_DERIVED_FROM = _key(v.DERIVED_FROM)
_IN_ARTICLE = frozenset({_DERIVED_FROM, _key(v.HAS_SOURCE)})
_HAS_EVIDENCE = _key(KGO + K.hasEvidence)
_STATEMENT = _key(KGO + K.statement)
_STATEMENT_PARTS = tuple(_key(iri) for iri in (v.SUBJECT, v.PREDICATE, v.OBJECT))
_PARTS = frozenset(_key(iri) for iri in (v.HAS_TARGET, v.HAS_SELECTOR, KGO + K.attribution, KGO + K.hasPhoto))
_IDENTITY = frozenset(_key(iri) for iri in (v.TYPE, v.LABEL, v.ALT_LABEL))

Support = frozenset[str]
"""The articles (their terms) that support a triple.  Shared between triples: most have one of a few."""
_NONE: Support = frozenset()


class _Read:
    """Triples as three lists of interned N-Triples terms, and the provenance the split starts from, gathered
    while reading (one pass over millions of triples costs about a second)."""

    def __init__(self) -> None:
        self.subjects: list[str] = []
        self.predicates: list[str] = []
        self.objects: list[str] = []
        self.articles: set[str] = set()
        self.in_article: list[tuple[str, str]] = []  # (node, what it derives from or is in)
        self.parts: dict[str, list[str]] = defaultdict(list)  # node → its parts (`_PARTS`)
        self.statements: dict[str, dict[str, str]] = defaultdict(dict)  # claim statement → rdf:subject…

    def read(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        """Take in `triples` (quads only of the default graph: a parsed Turtle file's)."""
        intern = sys.intern
        subjects, predicates, objects = self.subjects, self.predicates, self.objects
        for triple in triples:
            # The N-Triples line, made by pyoxigraph in one call: a subject or predicate holds no space.
            s, p, o = str(triple).split(" ", 2)
            s, p, o = intern(s), intern(p), intern(o)
            subjects.append(s)
            predicates.append(p)
            objects.append(o)
            if p is _TYPE:
                if o is _ARTICLE and s[0] == "<":
                    self.articles.add(s)
            elif p in _IN_ARTICLE:
                self.in_article.append((s, o))
            elif p in _PARTS:
                self.parts[s].append(o)
            elif p in _STATEMENT_PARTS:
                self.statements[s][p] = o

    def owners(self) -> dict[str, Support]:
        """Nodes that belong to articles: the articles, what derives from them, and the parts of those."""
        owners: dict[str, set[str]] = defaultdict(set)
        for article in self.articles:
            owners[article].add(article)
        for node, source in self.in_article:
            if source in self.articles:
                owners[node].add(source)
        pending = list(owners)
        while pending:
            node = pending.pop()
            for part in self.parts.get(node, ()):
                if not owners[node] <= owners[part]:
                    owners[part] |= owners[node]
                    pending.append(part)
        return {node: frozenset(found) for node, found in owners.items()}

    def asserted(self, owners: dict[str, Support]) -> dict[str, dict[tuple[str, str], Support]]:
        """Subject → (predicate, object) of each direct triple claim statements assert → their articles."""
        found: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
        subject, predicate, object_ = _STATEMENT_PARTS
        for statement, spo in self.statements.items():
            if len(spo) == 3:
                found[spo[subject]][(spo[predicate], spo[object_])] |= owners.get(statement, _NONE)
        return {s: {po: frozenset(articles) for po, articles in by.items()} for s, by in found.items()}


def _supports(read: _Read) -> list[Support]:
    """The articles supporting each triple read (`_NONE`: none, for the `shared` graph)."""
    owners = read.owners()
    asserted = read.asserted(owners)
    alone = {article: frozenset((article,)) for article in read.articles}
    support: list[Support] = []
    deferred: list[int] = []
    for index, (s, p, o) in enumerate(zip(read.subjects, read.predicates, read.objects, strict=True)):
        if p in _IDENTITY:
            found = _NONE
        elif p is _HAS_EVIDENCE or p is _STATEMENT:
            found = owners.get(o, _NONE)
        elif p is _DERIVED_FROM and o in alone:
            found = alone[o]
        else:
            claimed = asserted[s].get((p, o)) if s in asserted else None
            found = owners.get(s, _NONE) if claimed is None else claimed
        if not found:
            deferred.append(index)
        support.append(found)
    _follow_mentions(read, owners, support, deferred)
    return support


def _follow_mentions(read: _Read, owners: dict[str, Support], support: list[Support], deferred: list[int]) -> None:
    """Give the `deferred` triples (a node's class and names, and what nothing else supports) the articles of
    their subject: those it belongs to and those of every triple that mentions it, as subject or object.

    That is a fixpoint: a deferred triple `s p o` (`kg:russia kgo:memberOf kg:csto`) mentions `o` too, so `o`'s
    own class and names go wherever `s`'s go.  Every deferred triple of one subject gets the same articles,
    `reach[s]`: those of the triples not deferred that mention `s`, and its owners, spread along the
    deferred triples from subject to object until nothing changes."""
    subjects, objects = read.subjects, read.objects
    wanted = {subjects[index] for index in deferred}
    reach: dict[str, Support] = {node: owners.get(node, _NONE) for node in wanted}
    for s, o, found in zip(subjects, objects, support, strict=True):
        if found:  # (the two ends written out: a loop over them was a third of this function's time)
            if s in wanted and found is not (have := reach[s]) and not found <= have:
                reach[s] = have | found
            if o in wanted and found is not (have := reach[o]) and not found <= have:
                reach[o] = have | found
    onward: dict[str, set[str]] = defaultdict(set)
    for index in deferred:
        if objects[index] in wanted:
            onward[subjects[index]].add(objects[index])
    pending = [node for node in onward if reach[node]]
    while pending:
        node = pending.pop()
        have = reach[node]
        for later in onward[node]:
            if not have <= reach[later]:
                reach[later] = reach[later] | have
                pending.append(later)
    for index in deferred:
        support[index] = reach[subjects[index]]


class NamedGraphs:
    """The graphs `kg push` sends, in order: each article's (sorted by IRI), the ontology's, and `shared` if
    any triple belongs to no article.  A graph is the positions of its triples among those read (in the order
    read), written out as N-Triples only when asked for (`body`)."""

    def __init__(self, read: _Read, members: dict[str, list[int]]):
        self._read = read
        self._members = members

    @property
    def names(self) -> list[str]:
        return list(self._members)

    def size(self, name: str) -> int:
        """How many triples graph `name` holds."""
        return len(self._members[name])

    def lines(self, name: str) -> Iterator[str]:
        """The N-Triples line of each triple of graph `name`."""
        subjects, predicates, objects = self._read.subjects, self._read.predicates, self._read.objects
        return (f"{subjects[i]} {predicates[i]} {objects[i]} .\n" for i in self._members[name])

    def body(self, name: str) -> bytes:
        """Graph `name` as N-Triples, UTF-8: what a PUT of it sends."""
        return "".join(self.lines(name)).encode("utf-8")

    def quads(self, names: list[str]) -> bytes:
        """Graphs `names` as N-Quads, UTF-8, one after the other: what a POST of them together sends.  A blank
        node is one node across a document's graphs, where each graph PUT alone has its own: so its label is
        made its graph's own here too (`_:b` → `_:g1_b` in the second graph).  The graph holds none today (the
        ontology's graph does), so the relabelling runs only where a body holds a blank node's `_:`."""
        subjects, predicates, objects = self._read.subjects, self._read.predicates, self._read.objects
        bodies = []
        for place, name in enumerate(names):
            members = self._members[name]
            text = "".join(f"{subjects[i]} {predicates[i]} {objects[i]} <{name}> .\n" for i in members)
            if "_:" in text:  # a blank node, or a literal's text
                own = partial(_own_blank_node, f"_:g{place}_")
                text = "".join(f"{own(subjects[i])} {predicates[i]} {own(objects[i])} <{name}> .\n" for i in members)
            bodies.append(text.encode())
        return b"".join(bodies)

    def triples(self, name: str) -> list[ox.Triple]:
        """Graph `name`'s triples as pyoxigraph objects (for a caller that works on them; the push does not)."""
        return [quad.triple for quad in ox.parse(self.body(name), format=ox.RdfFormat.N_TRIPLES)]


def _own_blank_node(prefix: str, term: str) -> str:
    """`term` (N-Triples), a blank node's label after `prefix` (`_:g1_`)."""
    return prefix + term[2:] if term.startswith("_:") else term


def graphs_for_push(
    triples: Iterable[ox.Triple | ox.Quad], ontology: Iterable[ox.Triple | ox.Quad], graph_base: str
) -> NamedGraphs:
    """`<base>article/<id>` per article, `<base>ontology`, and `<base>shared` if needed: `triples` split by
    the rule above (read once, as they come: a parser's stream is never held whole), `ontology` whole."""
    read = _Read()
    with collector_paused():  # millions of small objects, no cycles (kg.collector)
        read.read(triples)
        support = _supports(read)
        by_article: dict[str, list[int]] = {article: [] for article in sorted(read.articles)}
        unsupported: list[int] = []
        for index, found in enumerate(support):
            if found:
                for article in found:
                    by_article[article].append(index)
            else:
                unsupported.append(index)
        first_ontology = len(read.subjects)
        read.read(ontology)  # its terms beside the data's (what it adds to the provenance is not looked at again)
    members = {f"{graph_base}article/{article[1:-1].rsplit('/', 1)[-1]}": part for article, part in by_article.items()}
    members[f"{graph_base}ontology"] = list(range(first_ontology, len(read.subjects)))
    if unsupported:
        members[f"{graph_base}shared"] = unsupported
    return NamedGraphs(read, members)
