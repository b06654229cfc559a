"""The words of a SPARQL query that are its own, not data: keywords and function names.

The IRIs, strings, prefixed names (with their `\\#` and `\\'` escapes), variables, blank nodes, numbers and
comments are blanked out, after undoing the `\\u` escapes that SPARQL undoes before parsing (`\\u0053ERVICE`
is SERVICE).  What is left are the keywords, function names and punctuation, where they were written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import lru_cache

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPE_CHARACTER = r"""\\[_~.\-!$&'()*+,;=/?#@%]"""  # a prefixed name's `\#`, `\'`…: no comment, no string
_LOCAL_CHARACTER = rf"(?:[\w\-:\u00b7]|%[0-9A-Fa-f]{{2}}|{_ESCAPE_CHARACTER})"
_NOT_CODE = re.compile(  # the tokens that may hold the word without being the keyword, in SPARQL's own terms
    # A prefixed name starts where no name goes on (the look behind): tried at every letter of a long word, it
    # read to the word's end from each, and a query of 40,000 letters took 50 s to look through.
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""  # an IRI
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"(?:[^"\\\n\r]|\\.)*"'''
    r"""|'(?:[^'\\\n\r]|\\.)*'"""
    rf"|(?<![\w.\-\u00b7%\\])(?P<prefixed>(?P<prefix>[^\W\d_](?:[\w.\-]*[\w\-])?)?:"
    rf"(?P<local>{_LOCAL_CHARACTER}(?:(?:{_LOCAL_CHARACTER}|\.)*{_LOCAL_CHARACTER})?)?)"
    r"|_:[\w\-.]*"  # a blank node's label
    r"|[?$]\w+"  # a variable
    r"|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"  # a number (`1SERVICE` is 1, then the keyword)
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"  # a language tag
    r"|#[^\n\r]*",  # a comment
    re.DOTALL,
)
_WORD = re.compile(r"\w+")
KEYWORDS = frozenset(
    """
    BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING ORDER ASC DESC
    LIMIT OFFSET VALUES OPTIONAL GRAPH SERVICE SILENT BIND UNDEF MINUS UNION FILTER NOT IN EXISTS LATERAL A TRUE
    FALSE LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH USING DEFAULT ALL INTO TO
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
    ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ
    NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK
    ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR STRLANGDIR HASLANG HASLANGDIR ADJUST
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)
"""SPARQL 1.1's keywords and function names, and those of SPARQL 1.2 and RDF-star that Oxigraph reads."""


def code_of(query: str) -> str:
    """`query` with its escapes undone and everything but keywords, function names and punctuation blanked
    (each character a space; line breaks stay, so a place in it is the same line and column)."""
    return _code(query, " ")


@lru_cache(maxsize=8)  # looked through for each refusal, then for its hints: once a query
def _code(query: str, blank: str) -> str:
    """`code_of`, each blanked character `blank`."""
    return _NOT_CODE.sub(lambda found: re.sub(r"[^\n]", blank, found[0]), _unescaped(query))


def prefixed_names(query: str) -> Iterator[tuple[str, str]]:
    """(prefix, local name) of each prefixed name of `query` (not in a string, an IRI or a comment), in order."""
    for found in _NOT_CODE.finditer(_unescaped(query)):
        if found["prefixed"] is not None:
            yield found["prefix"] or "", found["local"] or ""


def spelled_out(query: str, prefixes: dict[str, str]) -> str:
    """`query` with each prefixed name whose local part holds two dots or more (`kge:article.1.step1`, as the
    graph names evidence and mentions) written as the IRI it stands for, `<…/evidence/article.1.step1>`; the
    query itself when it holds none.  SPARQL allows dots inside a local part, but Oxigraph's parser (0.5) stops
    at the second one ("expected OPTIONAL"), so a name `kg query` printed could not be pasted back.  The prefixes
    are `prefixes` (predeclared) and the query's own PREFIX lines, which win; a name of an unknown prefix is left
    for the engine to report.  No line break is added or removed: an error's line stays the same."""
    unescaped = _unescaped(query)
    dotted = [
        found
        for found in _NOT_CODE.finditer(unescaped)
        if found["prefixed"] is not None and (found["local"] or "").count(".") >= 2
    ]
    if not dotted:
        return query
    declared = {**prefixes, **declared_prefixes(query)}
    pieces, at = [], 0
    for found in dotted:
        namespace = declared.get(found["prefix"] or "")
        if namespace is None:
            continue
        local = _LOCAL_ESCAPE.sub(lambda escape: escape[1], found["local"])
        pieces += [unescaped[at : found.start()], f"<{namespace}{local}>"]
        at = found.end()
    return "".join(pieces) + unescaped[at:] if pieces else query


def declared_prefixes(query: str) -> dict[str, str]:
    """The prefixes `query` declares itself (`PREFIX name: <iri>`, not in a string or a comment): name → IRI."""
    unescaped, code = _unescaped(query), code_of(query)
    return {
        found["name"] or "": found["iri"]
        for found in _DECLARED.finditer(unescaped)
        if code[found.start() : found.start() + 6].upper() == "PREFIX"  # the keyword itself
    }


_DECLARED = re.compile(
    r"PREFIX\s+(?P<name>[^\W\d_](?:[\w.\-]*[\w\-])?)?:\s*<(?P<iri>[^<>\"{}|^`\\\x00-\x20]*)>", re.IGNORECASE
)
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")  # `\.` in a local part is the dot itself


def prefixes_at(query: str, prefix: str) -> Iterator[tuple[int, int]]:
    """Where each prefixed name of `query` whose prefix is `prefix` (case aside) starts and ends, in
    `code_of(query)`'s places."""
    for found in _NOT_CODE.finditer(_unescaped(query)):
        if found["prefixed"] is not None and (found["prefix"] or "").casefold() == prefix.casefold():
            yield found.start(), found.end()


def bare_words(query: str) -> Iterator[tuple[str, int, int]]:
    """Each keyword or function name of `query` (or what stands where one would), with its line and column
    (from 1)."""
    code = code_of(query)
    line, line_start, counted = 1, 0, 0  # the place worked out as the words go (from the start each time: 1 MB
    for found in _WORD.finditer(code):  # of one-letter words took minutes)
        line += code.count("\n", counted, found.start())
        line_start = code.rfind("\n", line_start, found.start()) + 1 or line_start
        counted = found.start()
        yield found.group(), line, found.start() - line_start + 1


def _unescaped(query: str) -> str:
    """`query` with the `\\u` and `\\U` escapes SPARQL undoes before parsing undone."""
    return _ESCAPE.sub(lambda found: chr(int(found[1] or found[2], 16)) if _valid(found) else found[0], query)


def _valid(escape: re.Match[str]) -> bool:
    point = int(escape[1] or escape[2], 16)
    return point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF


def misspelled_keyword(query: str, line: int, column: int) -> tuple[str, str, int, int] | None:
    """(word, what was meant, its line, its column) for the last word of `query` up to (`line`, `column`) that is
    no keyword: the keyword it is close to (`SELEC`, `LIMT`, `OPTINAL`), or the variable it would be (`?date`)
    when it stands, in lower case, where a term ends a pattern (`?e kgo:date date }`: it said "did you mean
    'DATA'"); else None."""
    unknown = None
    for word, at_line, at_column in bare_words(query):
        if (at_line, at_column) > (line, column):
            break
        if word.upper() not in KEYWORDS:
            unknown = word, at_line, at_column
    if unknown is None:
        return None
    word, at_line, at_column = unknown
    offset = sum(len(text) + 1 for text in query.split("\n")[: at_line - 1]) + at_column - 1
    after = query[offset + len(word) :].lstrip()
    if word.islower() and (not after or after[0] in ".;,})"):
        return word, "?" + word, at_line, at_column
    meant = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.8)
    return (word, meant[0], at_line, at_column) if meant else None


_CLOSING = {"{": "}", "(": ")", "[": "]"}


def unmatched_bracket(query: str) -> tuple[str, int, int] | None:
    """(bracket, line, column) of the first bracket of `query` that closes nothing, or of one never closed (`{`,
    `(` or `[`); None when they pair up."""
    code = code_of(query)
    opened: list[int] = []
    for index, character in enumerate(code):
        if character in _CLOSING:
            opened.append(index)
        elif character in _CLOSING.values():
            if all(_CLOSING[code[at]] != character for at in opened):  # `FILTER(?o = 1)) }`
                return (character, *place(code, index))
            if _CLOSING[code[opened[-1]]] != character:
                break  # `FILTER(?o = 1 }`: the one still open is the mistake
            opened.pop()
    return (code[opened[-1]], *place(code, opened[-1])) if opened else None


_NESTING = re.compile(r"<<|>>|[{(\[\]})]|(?:[!+\-]\s*)+")
"""What the engine's parser goes one level deeper for: a bracket, a quoted triple's `<<`, and each operator of a
run of unary ones (`!!!!true`: 20,000 of them stopped the engine as 3,000 braces did)."""


def nested_beyond(query: str, bound: int) -> tuple[int, int] | None:
    """(line, column) of the first bracket of `query` opened inside `bound` others (`{`, `(`, `[` or `<<`), or of
    the unary operator that goes beyond `bound` levels; None when it nests no deeper than `bound`."""
    code = _code(query, "x")  # a value, a variable, a name: "x", so that `?a - ?b - ?c` is no run of operators
    depth = 0
    for found in _NESTING.finditer(code):
        token = found[0]
        if token in _CLOSING or token == "<<":
            depth += 1
        elif token in _CLOSING.values() or token == ">>":
            depth = max(depth - 1, 0)
        else:  # a run of unary operators, a level each (`- -1` too, briefly)
            operators = [index for index, character in enumerate(token) if character in "!+-"]
            if depth + len(operators) > bound:
                return place(code, found.start() + operators[bound - depth])
        if depth > bound:
            return place(code, found.start())
    return None


def place(code: str, index: int) -> tuple[int, int]:
    """The (line, column) of `index` in `code`, both from 1."""
    before = code[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1
