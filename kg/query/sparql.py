"""Run SPARQL 1.1 queries with Oxigraph and format the results.

Oxigraph (pyoxigraph) is the engine: rdflib's SPARQL took minutes on a 5-pattern query over reified
statements where Oxigraph took 0.15 s, and once answered wrong.  Results come out as an aligned text
table (IRIs shortened with the project prefixes), as the standard SPARQL 1.1 CSV, TSV or JSON results
formats, or, for CONSTRUCT and DESCRIBE, as Turtle or N-Triples.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import IO, Any, cast

import pyoxigraph as ox

from kg.limits import MAX_ANSWER_BYTES, MIB
from kg.ontology import Term
from kg.problems import escaped
from kg.query.defaults import RESULT_FORMATS
from kg.query.lexical import declared_prefixes, misspelled_keyword, place, spelled_out, unmatched_bracket
from kg.query.refusal import refusal

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

SOLUTION_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
if ("table", *SOLUTION_FORMATS, *GRAPH_FORMATS) != RESULT_FORMATS:  # (listed apart for the command line)
    raise ImportError("kg.query.defaults.RESULT_FORMATS does not list the formats kg.query.sparql writes")

_LOCATION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_ALTERNATIVE = re.compile(r'"(?:[^"\\]|\\.)*"|[^,"]+')  # one of the parser's alternatives: a token or a sentence
_EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z][A-Za-z_]*')
_CHAR_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")  # ['A' ..= 'Z' | '\u{00C0}'..='\u{00D6}' …]
_NAME_CHARACTERS = re.compile(r"[\w.:%-]*")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%-]*")
_DOTTED_NAME = re.compile(r"([A-Za-z][\w.-]*)?:[\w%-]*\.[\w.%-]*")
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*|#[^\n]*\n\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


@dataclass
class QueryError(Exception):
    """A query that cannot run, located in the query text when the parser says where."""

    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return self.message

    def report(self, name: str, query: str) -> str:
        """`name:line:col: message`, then the offending line and a caret under the column."""
        if self.line is None or self.column is None:
            return f"{name}: {self.message}"
        lines = query.splitlines() or [""]
        text = lines[self.line - 1] if self.line <= len(lines) else ""
        shown, caret = _around(text, self.column - 1)
        return f"{name}:{self.line}:{self.column}: {self.message}\n  {shown}\n  {' ' * caret}^"


SHOWN_AROUND = 60
"""How many characters of the offending line a message shows on each side of the column (a query of one line
of 100,000 characters was printed whole)."""


def _around(line: str, index: int) -> tuple[str, int]:
    """The part of `line` a message shows around `index` (with "…" where it is cut), escaped for a terminal,
    and where `index` falls in it."""
    start, end = max(0, index - SHOWN_AROUND), index + SHOWN_AROUND
    before = ("…" if start else "") + escaped(line[start:index])
    after = escaped(line[index:end]) + ("…" if end < len(line) else "")
    return before + after, len(before)


def _shorten_expected(message: str) -> str:
    """Oxigraph lists every acceptable character class too; keep the readable tokens only.  Among them may be a
    sentence of its own ("The query limit should be a non negative integer", "SELECT * is not authorized with
    GROUP BY"): that is the message, as written (its words were listed as tokens: "expected one of The, query…")."""
    head, sep, alternatives = message.partition("expected one of ")
    if not sep:
        return message
    alternatives = _CHAR_CLASS.sub("", alternatives.replace("Prefix not found", ""))
    items = [item.strip() for item in _ALTERNATIVE.findall(alternatives)]
    if sentences := [item for item in items if " " in item and not item.startswith('"')]:
        said = sentences[0]
        return head + (said[0].lower() + said[1:] if said[1:2].islower() else said)
    tokens = list(dict.fromkeys(_EXPECTED_ITEM.findall(alternatives)))
    shown = tokens[:10]
    return head + "expected one of " + ", ".join(shown) + (", …" if len(tokens) > len(shown) else "")


def parse_error(error: SyntaxError, query: str, prefixes: dict[str, str], reader: str = "kg query") -> QueryError:
    """Turn Oxigraph's `error at L:C: …` into a QueryError with a message a person can act on; `reader` is who
    takes no Update (`kg query`, `this endpoint`)."""
    match = _LOCATION.match(str(error))
    if not match:
        return QueryError(str(error))
    line, column, message = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = query.splitlines()
    before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    # The prefixed name the column ends: one of an unknown prefix, or `zz:a.b.c` (the engine stops at its second
    # dot before it looks the prefix up, `expected OPTIONAL`).
    start, name = _name_ending(before)
    unknown = _PREFIXED.fullmatch(name) if "Prefix not found" in message else _DOTTED_NAME.fullmatch(name)
    if unknown and (prefix := unknown.group(1) or "") not in {**prefixes, **declared_prefixes(query)}:
        known = f"predeclared: {', '.join(sorted(prefixes))}" if prefixes else f"declare it: PREFIX {prefix}: <…>"
        return QueryError(f"unknown prefix '{prefix}:' ({known})", line, start + 1)
    if (misspelled := misspelled_keyword(query, line, column)) is not None:
        word, meant, at_line, at_column = misspelled
        hint = f"a variable is written '{meant}'" if meant.startswith("?") else f"did you mean '{meant}'?"
        return QueryError(f"'{word}' is no SPARQL keyword — {hint}", at_line, at_column)
    if (unmatched := unmatched_bracket(query)) is not None:
        bracket, at_line, at_column = unmatched
        wrong = "closes nothing" if bracket in ")]}" else "is never closed"
        return QueryError(f"this '{bracket}' {wrong}", at_line, at_column)
    if (update := _UPDATE.match(query)) is not None:  # the engine places every Update at 1:10: shown at its keyword
        return QueryError(
            f"this is a SPARQL Update; {reader} only reads (SELECT, ASK, CONSTRUCT, DESCRIBE)",
            *place(query, update.start(1)),
        )
    return QueryError(_shorten_expected(message), line, column)


def _name_ending(text: str) -> tuple[int, str]:
    """Where the run of name characters that `text` ends with starts, and that run.  Matched backwards, once: a
    `$`-anchored search tried every place of a line of a million letters, to the next space each time (90 s
    for 100,000)."""
    found = _NAME_CHARACTERS.match(text[::-1])
    length = found.end() if found else 0
    return len(text) - length, text[len(text) - length :]


def run(store: ox.Store, query: str, prefixes: dict[str, str]) -> Result:
    """Evaluate `query` with `prefixes` predeclared (the query's own PREFIX lines win); a federated or too deeply
    nested one is refused (`kg.query.refusal`)."""
    if (refused := refusal(query)) is not None:
        raise QueryError(*refused)
    try:
        return store.query(spelled_out(query, prefixes), prefixes=prefixes)
    except SyntaxError as error:
        raise parse_error(error, query, prefixes) from None
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"query failed: {error}") from None


def compact(term: Term | None, prefixes: dict[str, str]) -> str:
    """A term as a person reads it in a table: `kg:russia`, `2025-01-28`, `Bashar al-Assad`."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = max(
            ((name, iri) for name, iri in prefixes.items() if term.value.startswith(iri)),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best and re.fullmatch(r"[\w.-]*", local := term.value[len(best[1]) :]) and not local.endswith("."):
            return f"{best[0]}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return escaped(term.value.replace("\r", "").replace("\n", "⏎"))  # an ESC cleared the terminal
    return str(term)


def table(result: ox.QuerySolutions, prefixes: dict[str, str]) -> str:
    """Aligned columns under the variable names, then `(N rows)`; QueryError beyond MAX_TABLE_ROWS."""
    names = [variable.value for variable in result.variables]
    rows: list[list[str]] = []
    for solution in result:
        if len(rows) == MAX_TABLE_ROWS:
            raise QueryError(
                f"more than {MAX_TABLE_ROWS:,} rows to align: ask for fewer (LIMIT), or use --format csv, tsv or json"
            )
        rows.append([compact(solution[name], prefixes) for name in names])
    widths = [max([_width(name), *(_width(row[i]) for row in rows)]) for i, name in enumerate(names)]
    lines = [
        "  ".join(_padded(name, width) for name, width in zip(names, widths, strict=True)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    lines += ["  ".join(_padded(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """The columns `text` takes in a terminal: two for a wide character (Chinese, Japanese, Korean), none for a
    mark set on the character before it (Mn, Me: vowel signs, variation selectors) or one no one sees (Cf)."""
    if text.isascii():
        return len(text)
    return sum(
        _ZERO_WIDTH.get(unicodedata.category(c), 2 if unicodedata.east_asian_width(c) in "WF" else 1) for c in text
    )


_ZERO_WIDTH = {"Mn": 0, "Me": 0, "Cf": 0}


def _padded(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _too_large() -> QueryError:
    return QueryError(f"the answer is larger than {MAX_ANSWER_BYTES // MIB} MB: ask for less (LIMIT, fewer variables)")


class _Bounded(io.RawIOBase):
    """Where Oxigraph serialises an answer: bytes up to MAX_ANSWER_BYTES, then OSError (a cross join grew the
    answer by 350 MB a second until the process was killed, with a Rust backtrace)."""

    def __init__(self) -> None:
        super().__init__()
        self.written = io.BytesIO()  # held once: a list of the pieces, then their join, held it twice
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        if self.size > MAX_ANSWER_BYTES:
            raise OSError("the answer is too large")
        return self.written.write(data)


MAX_TABLE_ROWS = 100_000
"""The most rows `--format table` aligns (it holds them all to size the columns: 256 MB of cells took 34 s
and 1 GB); csv, tsv and json go to MAX_ANSWER_BYTES."""
MAX_GRAPH_TRIPLES = 250_000
"""The most triples a CONSTRUCT or DESCRIBE answers (held to be written once each: 780 MB at a million);
the whole real graph is 14,573 triples, and `kg build --format nt` writes any graph whole."""


def _serialized(write: Callable[[IO[bytes]], object]) -> str:
    """What `write` writes into a `_Bounded` output, as text; QueryError when it outgrows it."""
    return _serialized_bytes(write).decode()


def _serialized_bytes(write: Callable[[IO[bytes]], object]) -> bytes:
    """What `write` writes into a `_Bounded` output; QueryError when it outgrows it."""
    output = _Bounded()
    try:
        write(cast(IO[bytes], output))
    except OSError:
        if output.size > MAX_ANSWER_BYTES:
            raise _too_large() from None
        raise
    return output.written.getvalue()


def csv_answer(solutions: ox.QuerySolutions) -> bytes:
    """`solutions` in the SPARQL 1.1 CSV results format, as `render` writes them, in UTF-8; QueryError beyond
    MAX_ANSWER_BYTES."""
    return _serialized_bytes(partial(_write_csv, solutions))


def _write_csv(solutions: ox.QuerySolutions, output: IO[bytes]) -> None:
    """The SPARQL 1.1 CSV results format, written here: Oxigraph's quotes a literal holding a comma or a quote,
    but not an IRI (`http://example.org/kg,v2/russia` was two fields)."""
    text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
    rows = csv.writer(text, lineterminator="\r\n")
    variables = solutions.variables
    rows.writerow([variable.value for variable in variables])
    for solution in solutions:
        rows.writerow([_csv_field(solution[variable]) for variable in variables])
    text.detach()  # the output stays open: it is read after


def _csv_field(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as the CSV results format writes it: an IRI or a literal's lexical form bare, a blank node as
    `_:label`, nothing for an unbound variable."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _distinct_triples(result: ox.QueryTriples) -> list[ox.Triple]:
    """The triples of a CONSTRUCT or DESCRIBE (which can repeat some), each once, in order; QueryError
    beyond MAX_GRAPH_TRIPLES."""
    triples: dict[ox.Triple, None] = {}
    for triple in result:
        if triple not in triples:
            if len(triples) == MAX_GRAPH_TRIPLES:
                raise QueryError(
                    f"more than {MAX_GRAPH_TRIPLES:,} triples: ask for fewer (LIMIT), or build the graph whole"
                    " (kg build --format nt)"
                )
            triples[triple] = None
    return list(triples)


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes some IRI of the graph starts with, in a stable order."""
    iris = {term.value for triple in triples for term in triple if isinstance(term, ox.NamedNode)}
    iris |= {term.datatype.value for triple in triples for term in triple if isinstance(term, ox.Literal)}
    return {name: ns for name, ns in sorted(prefixes.items()) if any(iri.startswith(ns) for iri in iris)}


def written_format(result: Result, fmt: str) -> str:
    """The format `render` writes `result` in when asked for `fmt`: a graph asked for as a table is Turtle."""
    return "turtle" if isinstance(result, ox.QueryTriples) and fmt == "table" else fmt


def render(result: Result, fmt: str, prefixes: dict[str, str]) -> str:
    """Serialise a result in `fmt` (one of RESULT_FORMATS); a QueryError when the format does not fit the result,
    when the answer is larger than MAX_ANSWER_BYTES, or when the engine fails while it evaluates the query (which
    it does as the answer is read)."""
    try:
        return _render(result, fmt, prefixes)
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryError(f"query failed: {error}") from None


def _render(result: Result, fmt: str, prefixes: dict[str, str]) -> str:
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return _serialized(partial(result.serialize, format=ox.QueryResultsFormat.JSON)) + "\n"
        if fmt in GRAPH_FORMATS:
            raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; an ASK answers true or false")
        return ("true" if result else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        if fmt in SOLUTION_FORMATS:
            raise QueryError(f"--format {fmt} is for SELECT and ASK; use turtle or ntriples for a graph")
        rdf_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        triples = _distinct_triples(result)
        used = _used_prefixes(triples, prefixes) if rdf_format == ox.RdfFormat.TURTLE else None
        return _serialized(lambda output: ox.serialize(triples, output, rdf_format, prefixes=used))
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; use table, csv, tsv or json for SELECT")
    if fmt == "table":
        return table(result, prefixes)
    if fmt == "csv":
        return csv_answer(result).decode()
    text = _serialized(partial(result.serialize, format=SOLUTION_FORMATS[fmt]))
    return text if text.endswith("\n") else text + "\n"
