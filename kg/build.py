"""`kg build`: validate, then write every export atomically and deterministically.

All files are first written to temporary names in the output directory; only when every one has
been written are they renamed into place.  A failed build leaves the previous exports untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kg.project import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, Project, load_project
from kg.rdf import DEFAULT_BASE, FORMATS, model_triples, serialize

DEFAULT_OUT = Path("exports")

Writer = Callable[[Path], None]


def export_writers(project: Project, base: str = DEFAULT_BASE) -> dict[str, Writer]:
    """Export file name → function writing that file to a given path."""
    triples = model_triples(project.model, project.ontology, base)
    writers: dict[str, Writer] = {
        name: (lambda path, fmt=fmt: serialize(triples, path, fmt, base)) for name, fmt in FORMATS.items()
    }
    writers["graph.html"] = lambda path: _write_html(project, path)
    return writers


def _write_html(project: Project, path: Path) -> None:
    # Imported here: pyvis and networkx cost ~0.3 s to import, which `kg query` and friends need not pay.
    from kg.html import write_html

    write_html(project, path)


def write_atomically(writers: dict[str, Writer], out: Path) -> list[Path]:
    """Write every file to a temporary sibling, then rename all into place (same filesystem)."""
    out.mkdir(parents=True, exist_ok=True)
    pending: list[tuple[Path, Path]] = []
    try:
        for name, write in writers.items():
            handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            os.close(handle)
            temp = Path(temp_name)
            pending.append((temp, out / name))
            write(temp)
            os.chmod(temp, 0o644)
    except BaseException:
        for temp, _ in pending:
            temp.unlink(missing_ok=True)
        raise
    for temp, final in pending:
        os.replace(temp, final)
    return [final for _, final in pending]


def build(
    sources: Path = DEFAULT_SOURCES,
    ontology_dir: Path = DEFAULT_ONTOLOGY,
    out: Path = DEFAULT_OUT,
    base: str = DEFAULT_BASE,
) -> list[Path]:
    """Validate the sources and write the exports; raises ValidationFailed before writing anything."""
    project = load_project(sources, ontology_dir)
    return write_atomically(export_writers(project, base), out)
