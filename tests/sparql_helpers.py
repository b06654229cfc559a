"""Helpers shared by the SPARQL tests: run `kg query`, read SPARQL JSON results, find a free port."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from kg.cli import main
from kg.exports.rdf import prefixes

from .conftest import ONTOLOGY

QUERIES = ONTOLOGY / "queries"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_SHORT = sorted(prefixes().items(), key=lambda item: -len(item[1]))

Row = tuple[str, ...]


def competency_queries() -> list[Path]:
    return sorted(QUERIES.glob("*.rq"))


def kg_query(*argv: str) -> tuple[int, str, str]:
    """`kg query ARGV…` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["query", *argv])
    return status, out.getvalue(), err.getvalue()


def kg_query_json(exports: Path, query: Path, ontology: Path = ONTOLOGY) -> dict:
    status, out, err = kg_query("--exports", str(exports), "--ontology", str(ontology), "--format", "json", str(query))
    assert status == 0, err
    return json.loads(out)


def _short(binding: dict[str, str] | None) -> str:
    """A binding as pinned in the tests: `kg:russia`, plain literal text, "" when unbound."""
    if binding is None:
        return ""
    if binding["type"] == "uri":
        for name, namespace in _SHORT:
            if binding["value"].startswith(namespace):
                return f"{name}:{binding['value'][len(namespace) :]}"
    return binding["value"]


def _exact(binding: dict[str, str] | None) -> str:
    """A binding with everything that makes the RDF term: kind, value, language tag, datatype."""
    if binding is None:
        return "UNBOUND"
    if binding["type"] == "uri":
        return f"<{binding['value']}>"
    if binding["type"] == "bnode":
        return "_:"
    language = binding.get("xml:lang", "").lower()
    datatype = binding.get("datatype", XSD_STRING) if not language else ""
    value = binding["value"]
    if datatype == XSD_BOOLEAN:  # Virtuoso writes true as "1": another lexical form of the same value
        value = {"1": "true", "0": "false"}.get(value, value)
    return json.dumps(value, ensure_ascii=False) + (f"@{language}" if language else f"^^{datatype}")


def rows(results: dict, exact: bool = False) -> list[Row] | bool:
    """SPARQL 1.1 JSON results as rows of strings in variable order (or the boolean of an ASK)."""
    if "boolean" in results:
        return bool(results["boolean"])
    form = _exact if exact else _short
    names = results["head"]["vars"]
    return [tuple(form(solution.get(name)) for name in names) for solution in results["results"]["bindings"]]
