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


def absent_terms(store: ox.Store, query: str, prefixes: dict[str, str]) -> list[str]:
    """A warning for each predeclared-prefix term of `query` that no triple of `store` holds, in query order:
    "kg:Person appears nowhere in the graph or the ontology — did you mean kgo:Person?"."""
    declared = {**prefixes, **{name or "": iri for name, iri in _PREFIX.findall(query)}}
    warnings = []
    seen: set[str] = set()
    for name, local in prefixed_names(query):
        written = f"{name}:{local}"
        if written in seen or not local or name in _UNLOOKED or name not in prefixes or name not in declared:
            continue
        seen.add(written)
        if declared[name] != prefixes[name] or _holds(store, declared[name] + local):
            continue  # another namespace under a known name is the user's own
        meant = _meant(store, name, local, prefixes)
        hint = f" — did you mean {meant}?" if meant else ""
        warnings.append(f"{written} appears nowhere in the graph or the ontology{hint}")
    return warnings


def _holds(store: ox.Store, iri: str) -> bool:
    term = ox.NamedNode(iri)
    return (
        any(True for _ in store.quads_for_pattern(term, None, None))
        or any(True for _ in store.quads_for_pattern(None, term, None))
        or any(True for _ in store.quads_for_pattern(None, None, term))
    )


def _meant(store: ox.Store, name: str, local: str, prefixes: dict[str, str]) -> str | None:
    """The same local name under another predeclared prefix (`kg:Person` → `kgo:Person`), else the closest
    predicate or class of the same namespace (`rdfs:lable` → `rdfs:label`)."""
    for other, iri in sorted(prefixes.items()):
        if other != name and other not in _UNLOOKED and _holds(store, iri + local):
            return f"{other}:{local}"
    namespace = prefixes[name]
    vocabulary = {
        str(term.value)[len(namespace) :]
        for query in ("SELECT DISTINCT ?t { ?s ?t ?o }", "SELECT DISTINCT ?t { ?s a ?t }")
        for solution in store.query(query)  # type: ignore[union-attr]
        if isinstance(term := solution["t"], ox.NamedNode) and term.value.startswith(namespace)
    }
    close = difflib.get_close_matches(local, sorted(vocabulary), n=1, cutoff=0.75)
    return f"{name}:{close[0]}" if close else None
