"""Three independent parsers (rdflib, Oxigraph, Apache Jena's riot) read the same graph from graph.ttl.

Each parser's result is written as N-Triples and read back by Oxigraph, so all three compare as RDF
terms (escaping and formatting differences vanish, term differences do not).  The export has no blank
nodes, so plain set equality is graph isomorphism.

Jena comes from Debian's libapache-jena-java.  That package moves Jena's bundled Xerces classes to the
package `xerces.*` but leaves their message bundles under `org/apache/jena/ext/xerces/`, so datatype
initialisation dies with "internal error" (and `/usr/share/java/*` as class path also clashes on SLF4J
bindings).  The fixture below copies the bundles to where the classes look for them and builds a class
path of the Jena jars and their dependencies only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

JAVA = shutil.which("java")
JARS = Path("/usr/share/java")
JENA = ("jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-iri")
# Jena's dependencies as Debian names their jars (see `apt-cache depends libapache-jena-java`).
DEPENDENCIES = (
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
    "dexx.collection", "gson", "guava", "httpclient", "httpcore", "jackson-annotations", "jackson-core",
    "jackson-databind", "jsonld-java", "protobuf", "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld",
)  # fmt: skip
IN_CI = os.environ.get("CI", "").lower() == "true"


def _n_triples(data: bytes) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


@pytest.fixture(scope="module")
def jena_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    jars = [JARS / f"{name}.jar" for name in (*JENA, *DEPENDENCIES)]
    missing = [jar.name for jar in jars if not jar.is_file()]
    if JAVA is None or missing:
        if IN_CI:
            pytest.fail(f"CI=true: java and libapache-jena-java must be installed (missing: {missing or 'java'})")
        pytest.skip(f"Apache Jena not installed (missing: {missing or 'java'})")
    bundles = tmp_path_factory.mktemp("jena-xerces-bundles")
    with zipfile.ZipFile(JARS / "jena-core.jar") as core:
        for name in core.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = bundles / "xerces" / name.removeprefix("org/apache/jena/ext/xerces/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(core.read(name))
    return os.pathsep.join([str(bundles), *map(str, jars)])


def riot(classpath: str, path: Path) -> tuple[set[ox.Triple], str]:
    """Parse with Jena's riot (strict Turtle) and return its triples and its warnings."""
    done = subprocess.run(
        [str(JAVA), "-cp", classpath, "riotcmd.riot", "--strict", "--syntax=turtle", "--output=ntriples", str(path)],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return _n_triples(done.stdout), done.stderr.decode()


def test_rdflib_oxigraph_and_jena_read_the_same_graph(built: Path, jena_classpath: str) -> None:
    turtle = built / "graph.ttl"
    oxigraph = {quad.triple for quad in ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)}
    rdflib_graph = rdflib.Graph().parse(str(turtle), format="turtle")
    from_rdflib = _n_triples(rdflib_graph.serialize(format="nt", encoding="utf-8"))
    from_jena, warnings = riot(jena_classpath, turtle)
    assert warnings == ""
    assert len(oxigraph) == len(rdflib_graph) > 5000
    assert from_rdflib == oxigraph
    assert from_jena == oxigraph
    assert not any(isinstance(term, ox.BlankNode) for triple in oxigraph for term in triple)


def test_jena_reads_the_n_triples_export_as_the_same_graph(built: Path, jena_classpath: str) -> None:
    from_turtle, _ = riot(jena_classpath, built / "graph.ttl")
    done = subprocess.run(
        [str(JAVA), "-cp", jena_classpath, "riotcmd.riot", "--strict", "--output=ntriples", str(built / "graph.nt")],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    assert _n_triples(done.stdout) == from_turtle
