"""syria-russia-kg: curated YAML facts → validated knowledge graph (RDF, networkx, interactive HTML).

>>> import kg
>>> model = kg.load()          # validated model of sources/ (raises kg.ValidationFailed)
>>> problems = kg.validate()   # every problem, located; [] when the sources are clean
>>> graph = kg.network()       # networkx MultiDiGraph of the same model
>>> rdf = kg.rdf_graph()       # rdflib Graph (stored in Oxigraph) of what graph.ttl holds
>>> kg.build()                 # write exports/ atomically
>>> kg.ask("SELECT ?b WHERE { ?b a kgo:MilitaryBase }").text  # what `kg query` prints, from exports/

The package follows the pipeline: `kg.sources` (YAML → model) → `kg.checks` → `kg.exports` (RDF,
network, page) → `kg.query` (SPARQL, serve, push), over a core of `kg.model`, `kg.ontology`, `kg.vocab`;
`kg.curation` holds the curator's commands on top of them (new article and entity, watch, diff, timeline,
conflicts, terms).

The names above live in `kg.api` and are imported from there when first used: importing `kg` (as every
`kg.x` import does first) costs nothing, so that the `kg` command can take Ctrl-C quietly from its start
(`kg.launch`) and a module such as `kg.limits` comes without the whole builder.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing`'s: importing it was the first 20 ms of every command (Ctrl-C: a traceback)
if TYPE_CHECKING:
    from typing import Any

    from kg.api import (
        DEFAULT_OUT,
        FORMATS,
        Answer,
        LocatedProblem,
        ValidationFailed,
        ask,
        build,
        load,
        network,
        rdf_graph,
        validate,
    )

__all__ = [
    "DEFAULT_OUT",
    "FORMATS",
    "Answer",
    "LocatedProblem",
    "ValidationFailed",
    "ask",
    "build",
    "load",
    "network",
    "rdf_graph",
    "validate",
]


def __getattr__(name: str) -> Any:
    """`kg.load` and the rest of `__all__`, from `kg.api` (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    from kg import api

    value = getattr(api, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
