"""Federated queries (`SERVICE <iri> { … }`) are refused by `kg query` and `kg serve`.

Oxigraph evaluates SERVICE by sending the inner pattern over HTTP to any address, and `kg serve` passed the
remote answer, even an error page, back to whoever asked: on a `--host` other than 127.0.0.1, anyone who can
reach the endpoint could make this machine call addresses of its own network and read the answers.  A query
file from someone else could likewise send what it matched to an address of their choosing.  The graph is
meant to be queried offline; load the exports into a triple store of your own to federate.

Oxigraph has no switch for it (pyoxigraph 0.5 and `oxigraph serve-read-only` alike), so the query text is
looked through for the keyword as a token of its own: the IRIs, strings, prefixed names (with their `\\#`
and `\\'` escapes), variables, blank nodes, numbers and comments are blanked out first, after undoing the
`\\u` escapes that SPARQL undoes before parsing (`\\u0053ERVICE` is SERVICE).
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPE_CHARACTER = r"""\\[_~.\-!$&'()*+,;=/?#@%]"""  # a prefixed name's `\#`, `\'`…: no comment, no string
_LOCAL_CHARACTER = rf"(?:[\w\-:\u00b7]|%[0-9A-Fa-f]{{2}}|{_ESCAPE_CHARACTER})"
_NOT_CODE = re.compile(  # the tokens that may hold the word without being the keyword, in SPARQL's own terms
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""  # an IRI
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"(?:[^"\\\n\r]|\\.)*"'''
    r"""|'(?:[^'\\\n\r]|\\.)*'"""
    rf"|(?:[^\W\d_](?:[\w.\-]*[\w\-])?)?:(?:{_LOCAL_CHARACTER}(?:(?:{_LOCAL_CHARACTER}|\.)*{_LOCAL_CHARACTER})?)?"
    r"|_:[\w\-.]*"  # a blank node's label
    r"|[?$]\w+"  # a variable
    r"|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"  # a number (`1SERVICE` is 1, then the keyword)
    r"|#[^\n\r]*",  # a comment
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<!\w)SERVICE(?!\w)", re.IGNORECASE)
REFUSED = "SERVICE (a federated query) is refused: only the graph built here is queried"


def service_at(query: str) -> tuple[int, int] | None:
    """The (line, column) of the first SERVICE keyword of `query`, both from 1; None when it has none."""
    text = _ESCAPE.sub(lambda found: chr(int(found[1] or found[2], 16)) if _valid(found) else found[0], query)
    code = _NOT_CODE.sub(lambda found: re.sub(r"[^\n]", " ", found[0]), text)
    keyword = _SERVICE.search(code)
    if keyword is None:
        return None
    before = code[: keyword.start()]
    return before.count("\n") + 1, keyword.start() - (before.rfind("\n") + 1) + 1


def _valid(escape: re.Match[str]) -> bool:
    point = int(escape[1] or escape[2], 16)
    return point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF
