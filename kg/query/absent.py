"""The terms a query names that the graph and its ontology hold nowhere: `kgo:Persn`, `rdfs:lable`, or
`kg:Person` for `kgo:Person`.  Such a query is valid SPARQL and answers "(0 rows)", which reads as "no such
facts"; `kg query` warns instead, with the term meant when one is close.

A term is looked for as a subject, predicate or object of any triple (one ASK each, on Oxigraph's indexes).
Datatypes (`xsd:`) appear in literals only, and IRIs outside the predeclared prefixes may be the user's own:
neither is looked for.
"""

from __future__ import annotations

import difflib
import re

import pyoxigraph as ox

from kg.query.lexical import prefixed_names

_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\"{}|^`\\\x00-\x20]*)>", re.IGNORECASE)
_UNLOOKED = ("xsd",)  # datatypes: in literals only, never a node


_ESCAPED = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")  # a local name's `\-`, `\.`: the character itself
_DECLARING = (  # the classes and properties a vocabulary declares: looked up on the index, not by a scan
    "http://www.w3.org/2002/07/owl#Class",
    "http://www.w3.org/2000/01/rdf-schema#Class",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2002/07/owl#AnnotationProperty",
)
_WELL_KNOWN = (  # used by every graph, declared in none of its files
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2000/01/rdf-schema#domain",
    "http://www.w3.org/2000/01/rdf-schema#range",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)


def absent_terms(store: ox.Store, query: str, prefixes: dict[str, str]) -> list[str]:
    """A warning for each predeclared-prefix term of `query` that no triple of `store` holds, in query order:
    "kg:Person appears nowhere in the graph or the ontology — did you mean kgo:Person?".  Index lookups only
    (a scan of 3 million triples took a second a term, within the query's time bound); a term that is no IRI
    is passed over: a warning never costs the answer."""
    declared = {**prefixes, **{name or "": iri for name, iri in _PREFIX.findall(query)}}
    vocabulary: list[str] = []
    warnings = []
    seen: set[str] = set()
    for name, written_local in prefixed_names(query):
        local = _ESCAPED.sub(r"\1", written_local)
        written = f"{name}:{written_local}"
        if written in seen or not local or name in _UNLOOKED or name not in prefixes or name not in declared:
            continue
        seen.add(written)
        try:
            if declared[name] != prefixes[name] or _holds(store, declared[name] + local):
                continue  # another namespace under a known name is the user's own
            if not vocabulary:
                vocabulary = _vocabulary(store)
            meant = _meant(store, name, local, prefixes, vocabulary)
        except ValueError:  # not an IRI Oxigraph takes: the query itself says so, or answered anyway
            continue
        hint = f" — did you mean {meant}?" if meant else ""
        warnings.append(f"{written} appears nowhere in the graph or the ontology{hint}")
    return warnings


def _holds(store: ox.Store, iri: str) -> bool:
    term = ox.NamedNode(iri)
    return any(
        any(True for _ in store.quads_for_pattern(*pattern))
        for pattern in ((term, None, None), (None, term, None), (None, None, term))
    )


def _vocabulary(store: ox.Store) -> list[str]:
    """Every class and property the graph's ontology declares, and the well-known ones every graph uses."""
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    declared = {
        quad.subject.value
        for declaring in _DECLARING
        for quad in store.quads_for_pattern(None, kind, ox.NamedNode(declaring))
        if isinstance(quad.subject, ox.NamedNode)
    }
    return sorted(declared | set(_WELL_KNOWN))


def _meant(store: ox.Store, name: str, local: str, prefixes: dict[str, str], vocabulary: list[str]) -> str | None:
    """The same local name under another predeclared prefix (`kg:Person` → `kgo:Person`), else the closest
    declared class or property of the same namespace (`rdfs:lable` → `rdfs:label`)."""
    for other, iri in sorted(prefixes.items()):
        if other != name and other not in _UNLOOKED and _holds(store, iri + local):
            return f"{other}:{local}"
    namespace = prefixes[name]
    names = [term[len(namespace) :] for term in vocabulary if term.startswith(namespace)]
    close = difflib.get_close_matches(local, names, n=1, cutoff=0.75)
    return f"{name}:{close[0]}" if close else None
