"""Load and validate a whole project (ontology + sources) in one call: the entry point of every command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kg.checks.hints import hint_maker
from kg.checks.kept import KeptChecks
from kg.checks.meaning import validate_model
from kg.limits import DEFAULT_LIMITS, Limits
from kg.model import Model, SourceRecords
from kg.ontology import Ontology, OntologyError, load_ontology
from kg.problems import LocatedProblem, ValidationFailed, locate
from kg.sources.kept import read_in_parallel
from kg.sources.records import FileLoader, load_sources
from kg.timings import stage

DEFAULT_SOURCES = Path("sources")
DEFAULT_ONTOLOGY = Path("ontology")


@dataclass
class Project:
    """A validated model together with the ontology that gives it meaning."""

    model: Model
    ontology: Ontology
    sources: Path

    @cached_property
    def groups(self) -> list[SourceRecords]:
        """The model's records by source file (`Model.by_file`), grouped once: the checks, the Turtle and the
        page each read them (0.05 s a time at 100,000 real-shaped facts).  A project's model is not changed
        once loaded."""
        return self.model.by_file()


def check(
    sources: Path = DEFAULT_SOURCES,
    ontology_dir: Path = DEFAULT_ONTOLOGY,
    limits: Limits = DEFAULT_LIMITS,
    read: FileLoader = read_in_parallel,
    on_loaded: Callable[[Project], None] | None = None,
    kept: KeptChecks | None = None,
) -> tuple[Project | None, list[LocatedProblem]]:
    """Load and validate everything; return the project (None if the ontology is unreadable) and all problems.

    `read` reads the source files into records: by default across the machine's cores when there are many;
    the build passes one that keeps records between builds (`kg.sources.kept`).  `on_loaded` is handed the
    project as loaded, before it is checked (the build starts making the page then, in another process).
    `kept`: the results of earlier builds' checks, used where they still hold (`kg.checks.kept`)."""
    try:
        with stage("ontology"):
            ontology = load_ontology(ontology_dir)
    except OntologyError as error:
        return None, error.problems
    with stage("load sources"):
        loaded = load_sources(sources, limits, read)
    project = Project(loaded.model, ontology, sources)
    if on_loaded is not None:
        on_loaded(project)
    with stage("checks"):
        uncovered = frozenset(loaded.unreadable_ignores)
        found = validate_model(loaded.model, ontology, uncovered, kept, loaded.passed_over(), project.groups)
        located = locate(loaded.problems + found, hints=hint_maker(loaded.model))
    return project, located


def load_project(
    sources: Path = DEFAULT_SOURCES,
    ontology_dir: Path = DEFAULT_ONTOLOGY,
    limits: Limits = DEFAULT_LIMITS,
    read: FileLoader = read_in_parallel,
    on_loaded: Callable[[Project], None] | None = None,
    kept: KeptChecks | None = None,
) -> Project:
    """The validated project; raises ValidationFailed (with every located problem) on bad input."""
    project, problems = check(sources, ontology_dir, limits, read, on_loaded, kept)
    if problems or project is None:
        raise ValidationFailed(problems)
    return project
