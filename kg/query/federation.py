"""Federated queries (`SERVICE <iri> { … }`) are refused by `kg query` and `kg serve`.

Oxigraph evaluates SERVICE by sending the inner pattern over HTTP to any address, and `kg serve` passed the
remote answer, even an error page, back to whoever asked: on a `--host` other than 127.0.0.1, anyone who can
reach the endpoint could make this machine call addresses of its own network and read the answers.  A query
file from someone else could likewise send what it matched to an address of their choosing.  The graph is
meant to be queried offline; load the exports into a triple store of your own to federate.

Oxigraph has no switch for it (pyoxigraph 0.5 and `oxigraph serve-read-only` alike), so the query text is
looked through for the keyword as a token of its own (`kg.query.lexical.code_of`: what is not a keyword is
blanked out first).
"""

from __future__ import annotations

from kg.query.lexical import bare_words

REFUSED = "SERVICE (a federated query) is refused: only the graph built here is queried"


def service_at(query: str) -> tuple[int, int] | None:
    """The (line, column) of the first SERVICE keyword of `query`, both from 1; None when it has none."""
    return next(((line, column) for word, line, column in bare_words(query) if word.upper() == "SERVICE"), None)
