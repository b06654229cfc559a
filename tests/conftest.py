"""Shared fixtures: the real corpus built once per session, and a small valid corpus to break on purpose."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.checks.checked import Project, load_project
from kg.query.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
ONTOLOGY = ROOT / "ontology"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
ALL_FORMATS = tuple(kg.FORMATS)


@pytest.fixture(scope="session")
def project() -> Project:
    """The real corpus, loaded and validated."""
    return load_project(SOURCES, ONTOLOGY)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kg build` of the real corpus into a private directory; returns that directory."""
    out = tmp_path_factory.mktemp("exports")
    kg.build(SOURCES, ONTOLOGY, out, formats=ALL_FORMATS)
    return out


@pytest.fixture(scope="module")
def graph_store(built: Path) -> tuple[ox.Store, dict[str, str]]:
    """The built real corpus with the ontology in an Oxigraph store, and the prefixes `kg query` predeclares."""
    return open_store(built, ONTOLOGY)


def select(store: tuple[ox.Store, dict[str, str]], query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT over `graph_store`, each value as text ("" when unbound)."""
    found = store[0].query(query, prefixes=store[1])
    assert isinstance(found, ox.QuerySolutions)
    names = [variable.value for variable in found.variables]
    return [tuple(str(row[name].value) if row[name] is not None else "" for name in names) for row in found]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A private copy of the small valid test corpus (tests/fixtures/mini), safe to edit."""
    target = tmp_path / "sources"
    shutil.copytree(MINI, target)
    return target


def edit(sources: Path, relative: Path, old: str, new: str) -> Path:
    """Replace the first `old` in the file `relative` under `sources` by `new`; the file's path."""
    path = sources / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def extended_ontology(folder: Path, turtle: str) -> Path:
    """A copy of the ontology in `folder`, with `turtle` (kgo declarations) added to kg.ttl."""
    shutil.copytree(ONTOLOGY, folder)
    with open(folder / "kg.ttl", "a", encoding="utf-8") as stream:
        stream.write(turtle)
    return folder


def run_kg(*args: str, cwd: Path | None = None, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m kg ARGS` in a fresh interpreter, as a user would; never raises on a non-zero exit (but
    TimeoutExpired after `timeout` seconds: a guard against a hang, not a measure of speed)."""
    command = [sys.executable, "-m", "kg", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout)


@pytest.fixture
def nobodys() -> Iterator[Path]:
    """A folder that user nobody owns, in a folder that user can reach (pytest's are its owner's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="kg-nobody-"))
    os.chown(folder, 65534, 65534)
    yield folder
    shutil.rmtree(folder)
