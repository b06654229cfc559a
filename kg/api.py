"""The library's entry points, re-exported by `kg` (imported from there only when first used: see
`kg.__init__`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.checks.checked import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, check, load_project
from kg.exports.rdf import DEFAULT_BASE, model_triples, rdflib_graph
from kg.exports.write import DEFAULT_OUT as DEFAULT_OUT
from kg.exports.write import FORMATS as FORMATS
from kg.exports.write import build as build
from kg.model import Model
from kg.problems import LocatedProblem
from kg.problems import ValidationFailed as ValidationFailed
from kg.query.ask import Answer as Answer
from kg.query.ask import ask as ask

if TYPE_CHECKING:
    import networkx as nx
    import rdflib


def load(sources: Path = DEFAULT_SOURCES, ontology: Path = DEFAULT_ONTOLOGY) -> Model:
    """The validated model of `sources`; raises ValidationFailed listing every problem."""
    return load_project(Path(sources), Path(ontology)).model


def network(sources: Path = DEFAULT_SOURCES, ontology: Path = DEFAULT_ONTOLOGY) -> nx.MultiDiGraph:
    """The validated model as a networkx MultiDiGraph (see kg.exports.network.to_network for attributes)."""
    from kg.exports.network import to_network  # networkx is imported only when a graph is asked for

    project = load_project(Path(sources), Path(ontology))
    return to_network(project.model, project.ontology)


def rdf_graph(
    sources: Path = DEFAULT_SOURCES, ontology: Path = DEFAULT_ONTOLOGY, base: str = DEFAULT_BASE
) -> rdflib.Graph:
    """The validated graph as an rdflib `Graph` backed by Oxigraph (oxrdflib): what `graph.ttl` holds."""
    project = load_project(Path(sources), Path(ontology))
    return rdflib_graph(model_triples(project.model, project.ontology, base), base)


def validate(sources: Path = DEFAULT_SOURCES, ontology: Path = DEFAULT_ONTOLOGY) -> list[LocatedProblem]:
    """Every problem in the sources, located; empty when they are clean."""
    return check(Path(sources), Path(ontology))[1]
