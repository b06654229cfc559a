"""syria-russia-kg: curated YAML facts → validated knowledge graph (RDF, networkx, interactive HTML).

>>> import kg
>>> model = kg.load()          # validated model of sources/ (raises kg.ValidationFailed)
>>> graph = kg.network()       # networkx MultiDiGraph of the same model
>>> kg.build()                 # write exports/ atomically
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.checks.checked import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, check, load_project
from kg.exports.write import DEFAULT_OUT, build
from kg.model import Model
from kg.problems import LocatedProblem, ValidationFailed

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["DEFAULT_OUT", "LocatedProblem", "ValidationFailed", "build", "load", "network", "validate"]


def load(sources: Path = DEFAULT_SOURCES, ontology: Path = DEFAULT_ONTOLOGY) -> Model:
    """The validated model of `sources`; raises ValidationFailed listing every problem."""
    return load_project(Path(sources), Path(ontology)).model


def network(sources: Path = DEFAULT_SOURCES, ontology: Path = DEFAULT_ONTOLOGY) -> nx.MultiDiGraph:
    """The validated model as a networkx MultiDiGraph (see kg.exports.network.to_network for attributes)."""
    from kg.exports.network import to_network  # networkx is imported only when a graph is asked for

    project = load_project(Path(sources), Path(ontology))
    return to_network(project.model, project.ontology)


def validate(sources: Path = DEFAULT_SOURCES, ontology: Path = DEFAULT_ONTOLOGY) -> list[LocatedProblem]:
    """Every problem in the sources, located; empty when they are clean."""
    return check(Path(sources), Path(ontology))[1]
