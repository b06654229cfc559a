"""The package shows the pipeline, names say what they are, and the vocabulary has one home.

    kg.sources (YAML → model) → kg.checks → kg.exports (RDF, network, page, ontology doc) → kg.query (query, serve,
    push) → kg.curation (the curator's loop: new, watch, diff, timeline, conflicts)

with the shared core (model, dates, problems, limits, vocab, ontology; timings, pickling, the collector,
the cache shelf, what kept results read, and worker processes) below them and the CLI on top.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.checks.meaning import validate_model
from kg.model import Article, Claim, Entity, Evidence, Model
from kg.ontology import OntologyError, load_ontology
from kg.problems import locate
from kg.vocab import KGO, KGO_TERMS, STANDARD_TERMS

from .conftest import ONTOLOGY, ROOT, extended_ontology

CORE = {
    *("kg.model", "kg.dates", "kg.problems", "kg.limits", "kg.vocab", "kg.ontology", "kg.ontology_checks"),
    *("kg.timings", "kg.literals", "kg.yaml_positions"),
    *("kg.pickling", "kg.shelf", "kg.reads", "kg.workers", "kg.collector"),
}
STAGES = ["core", "kg.sources", "kg.checks", "kg.exports", "kg.query", "kg.curation", "top"]


def stage(module: str) -> int:
    if module in CORE:
        return 0
    for index, package in enumerate(STAGES[1:-1], start=1):
        if module == package or module.startswith(package + "."):
            return index
    return len(STAGES) - 1  # kg, kg.api, kg.cli, kg.launch, kg.__main__


def modules() -> list[str]:
    return sorted(
        ["kg", *(m.name for m in pkgutil.walk_packages(kg.__path__, "kg.") if not m.name.endswith("__main__"))]
    )


def imports_of(module: str) -> set[str]:
    """Every kg module `module` imports, at the top or inside a function."""
    spec = importlib.util.find_spec(module)
    assert spec and spec.origin
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg"):
            for alias in node.names:  # `from kg import vocab` imports kg.vocab, `from kg.x import f` kg.x
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in set(modules()) else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("kg")}
    return {name for name in found if name in set(modules())}


@pytest.mark.parametrize("module", modules())
def test_no_import_runs_back_up_the_pipeline(module: str) -> None:
    backwards = {imported for imported in imports_of(module) if stage(imported) > stage(module)}
    assert not backwards, f"{module} ({STAGES[stage(module)]}) imports later stages: {sorted(backwards)}"


def test_every_module_belongs_to_a_stage_and_the_core_is_what_it_says() -> None:
    assert set(modules()) >= CORE
    for module in modules():
        assert stage(module) < len(STAGES) - 1 or module in {"kg", "kg.api", "kg.cli", "kg.launch"}, module


def test_no_attribute_shadows_a_submodule() -> None:
    """`import kg.exports.write as w` gives the module, never a function of the same name."""
    for module in modules():
        package = importlib.import_module(module)
        if not hasattr(package, "__path__"):
            continue
        for sub in pkgutil.iter_modules(package.__path__):
            if sub.name.startswith("__"):
                continue  # __main__ runs the CLI
            importlib.import_module(f"{module}.{sub.name}")
            value = getattr(package, sub.name)
            assert value.__name__ == f"{module}.{sub.name}", f"{module}.{sub.name} is shadowed by {value!r}"


def test_the_public_api_is_small_and_documented() -> None:
    assert sorted(kg.__all__) == sorted(
        [
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
    )
    for name in kg.__all__:
        assert getattr(kg, name).__doc__, name


# ---------------------------------------------------------------------------- one vocabulary


def test_every_term_in_the_graph_is_declared(built: Path) -> None:
    """Every predicate and class of graph.ttl is declared (typed) in ontology/: kgo terms in kg.ttl, standard
    ones in imports.ttl, which holds exactly the standard terms kg.vocab says the code writes."""
    ontology = [
        q for path in sorted(ONTOLOGY.glob("*.ttl")) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]
    declared = {q.subject.value for q in ontology if q.predicate.value.endswith("#type")}
    imports = list(ox.parse(path=str(ONTOLOGY / "imports.ttl"), format=ox.RdfFormat.TURTLE))
    imported = {
        q.subject.value
        for q in imports
        if q.predicate.value.endswith("#type") and not q.subject.value.endswith("/imports")
    }
    assert imported == STANDARD_TERMS
    used = set()
    for triple in ox.parse(path=str(built / "graph.ttl"), format=ox.RdfFormat.TURTLE):
        used.add(triple.predicate.value)
        if triple.predicate.value.endswith("22-rdf-syntax-ns#type"):
            used.add(triple.object.value)
    assert used - declared == set()
    assert {KGO + name for name in KGO_TERMS} <= declared


def _code_strings_and_vocabulary_names() -> tuple[dict[str, set[str]], set[str]]:
    """Every `kgo:Name` the package spells in a string that is not a docstring (name → where), and every
    `K.<name>` it reads (outside `kg/vocab.py`, which lists them)."""
    spelled: dict[str, set[str]] = {}
    read: set[str] = set()
    for path in sorted(set((ROOT / "kg").rglob("*.py")) - {ROOT / "kg" / "vocab.py"}):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                for name in re.findall(r"(?<![\w/#])kgo:([A-Za-z]\w*)", node.value):
                    spelled.setdefault(name, set()).add(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "K":
                read.add(node.attr)
    return spelled, read


def test_every_kgo_term_the_code_spells_is_listed_in_vocab_and_every_listed_one_is_used() -> None:
    """`kg.vocab.K` is the list the ontology is checked against at load: a term the code writes as a string
    (`"kgo:outletNote"` in the Turtle writer, a SPARQL query in kg diff) must be on it, or renaming it in
    kg.ttl would go unnoticed until a build emitted it; and a term on it that no code uses is a stale entry
    that makes every ontology declare something nothing needs."""
    spelled, read = _code_strings_and_vocabulary_names()
    assert {name: sorted(where) for name, where in spelled.items() if name not in KGO_TERMS} == {}
    assert sorted(KGO_TERMS - read - set(spelled)) == []
    assert read <= KGO_TERMS


@pytest.mark.parametrize("term", ["ignoredPassage", "dateNote", "outletNote"])
def test_a_term_the_code_uses_missing_from_the_ontology_fails_loudly(term: str, tmp_path: Path) -> None:
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    text = (folder / "kg.ttl").read_text(encoding="utf-8")
    (folder / "kg.ttl").write_text(text.replace(f"kgo:{term} ", f"kgo:{term}Renamed "), encoding="utf-8")
    with pytest.raises(OntologyError, match=f"kgo:{term} not declared, but the code uses them"):
        load_ontology(folder)
    problems = kg.validate(ROOT / "sources", folder)
    assert [(p.file, p.line, p.message) for p in problems] == [
        (str(folder / "kg.ttl"), 1, f"kgo:{term} not declared, but the code uses them")
    ]  # in the file of the kgo terms: nothing else can say where the term should be


@pytest.mark.parametrize(
    ("turtle", "circle"),
    [
        ("kgo:Agent rdfs:subClassOf kgo:Person .", "kgo:Agent → kgo:Person → kgo:Agent"),
        ("kgo:Thing rdfs:subClassOf kgo:City .", "kgo:Thing → kgo:City → kgo:Place → kgo:Thing"),
    ],
)
def test_a_circle_of_subclasses_is_named_not_a_hundred_errors_about_classes(
    turtle: str, circle: str, tmp_path: Path
) -> None:
    """Every entity was "of an unknown class" or "not an Agent" (101 errors), and the circle was not named."""
    folder = extended_ontology(tmp_path / "ontology", "\n" + turtle + "\n")
    last = len((folder / "kg.ttl").read_text(encoding="utf-8").splitlines())
    assert [str(p) for p in kg.validate(ROOT / "sources", folder)] == [
        f"{folder / 'kg.ttl'}:{last}:{turtle.index(circle.split(' → ')[1]) + 1}: "
        f"rdfs:subClassOf goes round in a circle: {circle}"
    ]  # at the parent that closes it
    itself = extended_ontology(tmp_path / "self", "\nkgo:Agent rdfs:subClassOf kgo:Agent .\n")  # OWL: no circle
    assert kg.validate(ROOT / "sources", itself) == []


# ---------------------------------------------------------------------------- records built in Python


def test_records_built_in_python_are_checked_like_yaml_ones() -> None:
    """No `where`: errors are still reported (at '<built in Python>'), never dropped, never a crash."""
    ontology = load_ontology(ONTOLOGY)
    model = Model()
    model.articles["a"] = Article("a", "a.txt", "Russia operates the base.", "A headline not in the text")
    model.entities["russia"] = Entity("russia", "Country", "Russia")
    model.entities["base"] = Entity("base", "MilitaryBase", "The base")
    model.claims["c"] = Claim(
        "c", "russia", "operates", "base", evidence=(Evidence("a", "a quote that is not there", via=("nobody",)),)
    )
    messages = [str(p) for p in locate(validate_model(model, ontology))]
    assert any("quote not found verbatim in article 'a'" in m for m in messages), messages
    assert any("headline not found verbatim" in m for m in messages), messages
    assert any("unknown entity 'nobody'" in m for m in messages), messages
    assert all(m.startswith("<built in Python>:1:1: ") for m in messages), messages


# ---------------------------------------------------------------------------- one derived view


def test_conflicts_are_on_both_sides_of_the_network(built: Path) -> None:
    graph = kg.network(ROOT / "sources", ONTOLOGY)
    conflicts = {data.get("claim") or data.get("event"): set(data["conflicts"]) for *_, data in graph.edges(data=True)}
    stated = [(r.id, other) for r in kg.load(ROOT / "sources", ONTOLOGY).records() for other in r.conflicts_with]
    assert stated
    for one, other in stated:
        if one in conflicts:
            assert other in conflicts[one]
        if other in conflicts:
            assert one in conflicts[other], f"{other} does not show its conflict with {one}"


# ---------------------------------------------------------------------------- each command imports what it uses

OTHER_COMMANDS_MODULES = (
    *("kg.query.sparql", "kg.query.store", "kg.query.push", "kg.query.serve", "kg.query.named_graphs"),
    *("kg.query.absent", "kg.query.bounded", "kg.query.federation", "kg.checks.lint", "kg.curation.diff"),
    *("kg.curation.watch", "kg.curation.scaffold", "kg.curation.entity", "kg.curation.timeline", "getpass"),
    *("kg.exports.page", "kg.exports.ontology_doc", "rdflib", "pylode", "pyvis", "networkx"),
)
"""Modules of other commands (queries, pushing, serving, linting, the curator's tools), or of parts of the build
made by its other processes (the page, the ontology's page): none is imported before `kg build` starts, which
every command pays for (the parser is built for all of them)."""


def test_the_command_line_imports_no_module_of_another_command() -> None:
    code = "import sys, kg.cli; print('\\n'.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "kg.cli" in loaded and "kg.exports.write" in loaded
    assert [name for name in OTHER_COMMANDS_MODULES if name in loaded] == []
