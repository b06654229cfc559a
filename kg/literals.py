"""The datatypes a relation, role or qualifier to a value may have (its `rdfs:range`), and the values each takes.

A value in YAML is text as printed (`value: "6,600 tons"`); a relation whose range is a number, a boolean, a
date or a URI takes only a value of that form, written to the graph with that datatype, so a numeric FILTER
finds it.  A YAML number (`value: 5`) is taken where the range is a number, a YAML `true` where it is a
boolean; where it is text, the value must be written as printed (`1.10` would read as 1.1).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kg.vocab import RDF, XSD


def _date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None


def _matches(pattern: str) -> Callable[[str], bool]:
    form = re.compile(pattern)
    return lambda text: form.fullmatch(text) is not None


@dataclass(frozen=True)
class Datatype:
    """A datatype a value may have: its prefixed name, what a value of it is (in messages), its lexical forms."""

    name: str
    what: str
    fits: Callable[[str], bool]
    takes: tuple[str, ...] = ("text",)  # the kinds of YAML value it takes: "text", "number", "boolean"

    @property
    def is_text(self) -> bool:
        return self.name in ("xsd:string", "rdf:langString")


TEXT = XSD + "string"
DATATYPES = {
    TEXT: Datatype("xsd:string", "text", lambda text: True),
    RDF + "langString": Datatype("rdf:langString", "text (in English)", lambda text: True),
    XSD + "integer": Datatype("xsd:integer", "a whole number", _matches(r"[+-]?[0-9]+"), ("text", "number")),
    XSD + "decimal": Datatype(
        "xsd:decimal", "a number", _matches(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"), ("text", "number")
    ),
    XSD + "boolean": Datatype("xsd:boolean", "true or false", _matches(r"true|false|1|0"), ("text", "boolean")),
    XSD + "date": Datatype("xsd:date", "a date (YYYY-MM-DD)", _date),
    XSD + "gYear": Datatype("xsd:gYear", "a year (YYYY)", _matches(r"-?[0-9]{4,}")),
    XSD + "anyURI": Datatype("xsd:anyURI", "a URI", _matches(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")),
}
"""The datatypes the builder checks a value against, by IRI: a datatype property used in YAML has one of these
as its range (or none: text)."""


def datatype(prop_range: tuple[str, ...]) -> Datatype:
    """The datatype of a property to a value whose `rdfs:range` is `prop_range` (text when it has none)."""
    return DATATYPES.get(prop_range[0] if prop_range else TEXT, DATATYPES[TEXT])


def yaml_literal(value: object) -> tuple[str, str] | None:
    """A YAML scalar given as a value: its text and its kind ("text", "number", "boolean"); None for another."""
    if isinstance(value, bool):
        return ("true" if value else "false"), "boolean"
    if isinstance(value, int):
        return str(value), "number"
    if isinstance(value, float):  # 1e-07 as 0.0000001: a decimal has no exponent ('nan' fits no number)
        return format(Decimal(repr(value)), "f") if "e" in repr(value) else repr(value), "number"
    if isinstance(value, str):
        return value, "text"
    return None
