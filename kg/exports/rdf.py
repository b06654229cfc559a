"""The graph in RDF: Turtle text from `kg.exports.turtle`, the other formats and Python objects from it.

The Turtle writer is the one place that decides which triples the graph holds.  N-Triples and JSON-LD
are streamed from the Turtle export by Oxigraph's parser and serialisers (no list of triples is held), and
the triples as pyoxigraph or rdflib objects are parsed from Turtle too, so every form holds the same graph.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.exports.turtle import DEFAULT_BASE, graph_text, prefixes
from kg.exports.view import View
from kg.model import Model
from kg.ontology import Ontology

if TYPE_CHECKING:
    import rdflib

__all__ = ["DEFAULT_BASE", "RDF_FORMATS", "convert_turtle", "model_triples", "prefixes", "rdflib_graph"]

RDF_FORMATS = {  # format name → (export file, serialisation)
    "ttl": ("graph.ttl", ox.RdfFormat.TURTLE),
    "nt": ("graph.nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("graph.jsonld", ox.RdfFormat.JSON_LD),
}


class _TextStream(io.RawIOBase):
    """The pieces of a text as one readable UTF-8 byte stream, encoded a piece at a time."""

    def __init__(self, pieces: Iterable[str]):
        self._pieces: Iterator[str] = iter(pieces)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._pending = memoryview(piece.encode("utf-8"))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def parse_turtle(pieces: Iterable[str]) -> Iterator[ox.Triple]:
    """The triples of Turtle text given in pieces, as the parser reads them."""
    for quad in ox.parse(io.BufferedReader(_TextStream(pieces)), format=ox.RdfFormat.TURTLE):
        yield quad.triple


def convert_turtle(turtle: Path, path: Path, rdf_format: ox.RdfFormat, base: str = DEFAULT_BASE) -> None:
    """Write the graph in the Turtle file `turtle` to `path` in `rdf_format`, streaming."""
    named_prefixes = prefixes(base) if rdf_format != ox.RdfFormat.N_TRIPLES else None
    quads = ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)
    ox.serialize((quad.triple for quad in quads), str(path), rdf_format, prefixes=named_prefixes)


def model_triples(
    model: Model, ontology: Ontology, base: str = DEFAULT_BASE, view: View | None = None
) -> list[ox.Triple]:
    """Every triple of the graph, in the order of the Turtle export."""
    return list(parse_turtle(graph_text(model, ontology, base, view)))


def rdflib_graph(triples: list[ox.Triple], base: str = DEFAULT_BASE) -> rdflib.Graph:
    """The triples as an rdflib `Graph` stored in Oxigraph (oxrdflib): rdflib's API for the Python RDF
    ecosystem (pySHACL, notebooks), with Oxigraph parsing, storing and answering SPARQL."""
    import rdflib  # imported on demand: 0.3 s that `kg build` need not pay

    graph = rdflib.Graph(store="Oxigraph")
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="ox-nt")
    for prefix, namespace in prefixes(base).items():
        graph.bind(prefix, namespace)
    return graph
