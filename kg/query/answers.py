"""The engine's answers where its writers break their formats' rules, mended before `kg serve` passes them on.

Oxigraph's server writes a carriage return in a literal as it is in XML (the SPARQL XML results, RDF/XML), where
every XML reader takes it for a line break of the document: "a\\r\\nb" is read back "a\\nb".  Its CSV quotes a
literal holding a comma but not an IRI, so a row with `http://example.org/kg,v2/russia` has more fields than the
header names (`kg query` writes its own CSV: `kg.query.sparql`).  And it tells of a query it cannot read only
what it expected where it stopped (`expected CONSTRUCT` of `SELEC`), with its character classes.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from kg.query.sparql import csv_answer, parse_error, render

CSV = "text/csv"
TSV = "text/tab-separated-values"
_XML = frozenset({"application/sparql-results+xml", "application/rdf+xml"})


def media_type(content_type: str) -> str:
    """`text/csv` of `text/csv; charset=utf-8`."""
    return content_type.partition(";")[0].strip().lower()


def xml_mended(data: bytes, content_type: str) -> bytes:
    """An XML answer with each carriage return written `&#13;`, which a reader keeps; other answers as they are.
    The writers put one nowhere but in a literal's text (an IRI, a tag, their layout hold none)."""
    return data.replace(b"\r", b"&#13;") if media_type(content_type) in _XML else data


def csv_fits(data: bytes) -> bool:
    """Whether every row of a CSV answer has no more fields than its header: an IRI holding a comma, written
    unquoted, is the only field that splits (a literal holding one is quoted).  With no field quoted, no line
    breaks inside one, and every line has as many commas as the header only when the commas add up (50 MB read
    as CSV took 2 s)."""
    header = data.partition(b"\n")[0]
    if b'"' not in data:
        return data.count(b",") == header.count(b",") * data.count(b"\n")
    # Decoded as it is read: the whole answer as text (up to 256 MB) in a StringIO held it five times over.
    rows = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=""))
    width = len(next(rows, []))
    return all(len(row) <= width for row in rows)


def csv_of(data: bytes) -> bytes:
    """The SPARQL TSV results `data` (as long as the CSV, give or take its brackets and quotes) in the CSV results
    format, as `kg query --format csv` writes it; `kg.query.sparql.QueryError` when it outgrows the answer's
    bound, SyntaxError for what is no TSV results."""
    solutions = ox.parse_query_results(io.BytesIO(data), ox.QueryResultsFormat.TSV)  # as bytes, it was copied whole
    if isinstance(solutions, ox.QuerySolutions):
        return csv_answer(solutions)
    return render(solutions, "csv", {}).encode("utf-8")


def reworded(data: bytes, query: str) -> bytes:
    """The engine's `error at L:C: …` for `query` as `kg query` words it (`kg.query.sparql.parse_error`: the
    misspelled keyword, the bracket left open, the prefix not declared), then where; other answers as they are."""
    error = parse_error(SyntaxError(data.decode("utf-8", "replace").strip()), query, {}, "this endpoint")
    if error.line is None:
        return data
    return f"{error.message} (line {error.line}, column {error.column})\n".encode()
