"""Federated queries (`SERVICE <iri> { … }`) are refused by `kg query` and `kg serve`.

Oxigraph evaluates SERVICE by sending the inner pattern over HTTP to any address, and `kg serve` passed the
remote answer, even an error page, back to whoever asked: on a `--host` other than 127.0.0.1, anyone who can
reach the endpoint could make this machine call addresses of its own network and read the answers.  A query
file from someone else could likewise send what it matched to an address of their choosing.  The graph is
meant to be queried offline; load the exports into a triple store of your own to federate.

Oxigraph has no switch for it (pyoxigraph 0.5 and `oxigraph serve-read-only` alike), so the query text is
looked through for the keyword as a token of its own (`kg.query.lexical.code_of`: what is not a keyword is
blanked out first), and for a prefixed name whose prefix is the word (`SERVICE:{ … }`: Oxigraph reads the
keyword there, and the IRI `:` after it).  Nor does its service description know: `kg serve` takes
`sd:BasicFederatedQuery` out of it (`without_federation`).
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.query.lexical import code_of, place, prefixes_at

REFUSED = "SERVICE (a federated query) is refused: only the graph built here is queried"
SD = "http://www.w3.org/ns/sparql-service-description#"
_FEDERATION = (ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "BasicFederatedQuery"))


def service_at(query: str) -> tuple[int, int] | None:
    """The (line, column) of the first SERVICE keyword of `query`, both from 1; None when it has none (one search
    of its code, not a look at each of its words: a query of a million one-letter words took 3 s)."""
    code = code_of(query)
    found = _SERVICE.search(code)
    starts = [] if found is None else [found.start()]
    # `SERVICE:x { … }` is a prefixed name to SPARQL's grammar (blanked in the code), and to Oxigraph, which finds
    # no triple there, the keyword SERVICE and the IRI `:x`: refused where a group follows (not `{|`, an annotation)
    starts += (start for start, end in prefixes_at(query, "SERVICE") if _GROUP_NEXT.match(code, end))
    return place(code, min(starts)) if starts else None


_SERVICE = re.compile(r"(?<!\w)SERVICE(?!\w)", re.IGNORECASE)
_GROUP_NEXT = re.compile(r"\s*\{(?!\|)")


def without_federation(description: bytes, media_type: str, address: str) -> bytes | None:
    """The engine's service description (served at `address`) less its `sd:feature sd:BasicFederatedQuery`, in
    its own RDF format, every IRI written whole (Oxigraph writes the endpoint `<>`, relative to `address`); None
    for an answer in no RDF format.  SyntaxError or ValueError for a description that cannot be read."""
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        return None
    kept = [
        quad
        for quad in ox.parse(description, rdf_format, base_iri=address)
        if (quad.predicate, quad.object) != _FEDERATION
    ]
    statements = kept if rdf_format.supports_datasets else [quad.triple for quad in kept]
    return ox.serialize(statements, format=rdf_format, prefixes={"sd": SD})
