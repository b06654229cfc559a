"""Benchmark `kg build` on synthetic corpora: python tests/tools/bench_build.py [N_FACTS ...] [--memory]

Writes a corpus of N claims (plus entities, events and one article per 1,000 facts) into a temporary
directory, then times the stages: YAML parse + structure, meaning checks, RDF triples, serialisation.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from kg.checks.checked import Project
from kg.checks.meaning import validate_model
from kg.exports.write import export_writers, write_atomically
from kg.ontology import load_ontology
from kg.problems import locate
from kg.sources.records import load_sources

ROOT = Path(__file__).resolve().parents[2]
FACTS_PER_ARTICLE = 1000


def write_corpus(directory: Path, facts: int) -> None:
    articles = max(1, facts // FACTS_PER_ARTICLE)
    (directory / "articles").mkdir(parents=True)
    (directory / "facts").mkdir()
    entity_lines = ["entities:"]
    entities = max(10, facts // 10)
    for e in range(entities):
        entity_lines.append(f"  - {{id: agent-{e}, type: Country, name: Country {e}, aliases: [C{e}]}}")
        entity_lines.append(f"  - {{id: base-{e}, type: MilitaryBase, name: Base {e}}}")
    (directory / "entities.yaml").write_text("\n".join(entity_lines) + "\n")
    for a in range(articles):
        sentences = [
            f"Country {i} operates Base {i % entities} since {1950 + i % 70}." for i in range(FACTS_PER_ARTICLE)
        ]
        (directory / "articles" / f"art-{a}.txt").write_text(f"Headline {a}\n\n" + "\n".join(sentences) + "\n")
        (directory / "articles" / f"art-{a}.yaml").write_text(
            f"id: art-{a}\ntext: art-{a}.txt\nheadline: Headline {a}\n"
        )
        lines = [f"article: art-{a}", "claims:"]
        for i in range(min(FACTS_PER_ARTICLE, facts - a * FACTS_PER_ARTICLE)):
            e = (a * FACTS_PER_ARTICLE + i) % entities
            lines += [
                f"  - id: c-{a}-{i}",
                f"    subject: agent-{e}",
                "    predicate: operates",
                f"    object: base-{i % entities}",
                f"    start: {1950 + i % 70}",
                "    evidence:",
                f'      - quote: "Country {i} operates Base {i % entities} since"',
                "        via: [agent-1]",
                "        modality: reported",
            ]
        (directory / "facts" / f"art-{a}.yaml").write_text("\n".join(lines) + "\n")


def bench(facts: int) -> None:
    ontology = load_ontology(ROOT / "ontology")
    with tempfile.TemporaryDirectory() as temp:
        sources = Path(temp) / "sources"
        write_corpus(sources, facts)
        measure_memory = "--memory" in sys.argv  # tracemalloc slows Python down: timings are then not comparable
        if measure_memory:
            tracemalloc.start()
        t0 = time.perf_counter()
        loaded = load_sources(sources)
        t1 = time.perf_counter()
        problems = locate(loaded.problems + validate_model(loaded.model, ontology))
        t2 = time.perf_counter()
        assert not problems, problems[:5]
        writers = export_writers(Project(loaded.model, ontology, sources))
        t3 = time.perf_counter()
        write_atomically({k: v for k, v in writers.items() if k != "graph.html"}, Path(temp) / "out")
        t4 = time.perf_counter()
        peak = f"  peak py-heap {tracemalloc.get_traced_memory()[1] / 2**20:7.0f} MiB" if measure_memory else ""
        tracemalloc.stop()
        size = sum(p.stat().st_size for p in (Path(temp) / "out").iterdir()) / 2**20
        print(
            f"{facts:>7} facts: load {t1 - t0:6.2f}s  validate {t2 - t1:6.2f}s  triples {t3 - t2:6.2f}s  "
            f"write ttl+nt+jsonld {t4 - t3:6.2f}s  total {t4 - t0:6.2f}s  exports {size:7.1f} MiB{peak}"
        )


if __name__ == "__main__":
    for n in [int(arg) for arg in sys.argv[1:] if arg.isdigit()] or [1000, 10000]:
        bench(n)
