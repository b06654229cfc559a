"""Benchmark `kg build` as a user runs it: whole processes, against the cost of parsing the YAML.

    python -m tests.tools.bench_build [--synthetic N ...] [--real-shaped N ...] [--corpus DIR] [--runs R]

For each corpus (synthetic: N uniform claims; real-shaped: the real sources replicated to about N facts;
or a corpus of your own) it measures, in one run and as separate processes:
  - the floor: parsing every YAML file with PyYAML's C loader, single process (interpreter included);
  - `kg validate`;
  - a cold `kg build` (no exports, no cache), with the time of each stage (`kg build --timings`);
  - a rebuild with nothing changed, and a rebuild after editing one source file (a modality toggled
    between "reported" and "asserted": a change of meaning, not a comment);
and prints seconds (median of R runs), facts/s, the ratio to the floor and the peak RSS of each, and the
peak PSS of its whole process tree, from one more run (sampling memory holds the run up: not timed).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from kg import load

from .measure import Measured, run_measured
from .replicate import replicate

ROOT = Path(__file__).resolve().parents[2]
FACTS_PER_ARTICLE = 1000
FLOOR = """
import sys, yaml
from pathlib import Path

for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""


def write_corpus(directory: Path, facts: int) -> None:
    """A synthetic corpus of `facts` reported, attributed claims: one article (and file) per 1,000 (the last
    holds the rest), each claim citing its own sentence."""
    articles = max(1, -(-facts // FACTS_PER_ARTICLE))
    (directory / "articles").mkdir(parents=True)
    (directory / "facts").mkdir()
    entity_lines = ["entities:"]
    entities = max(10, facts // 10)
    for e in range(entities):
        entity_lines.append(f"  - {{id: agent-{e}, type: Country, name: Country {e}, aliases: [C{e}]}}")
        entity_lines.append(f"  - {{id: base-{e}, type: MilitaryBase, name: Base {e}}}")
    (directory / "entities.yaml").write_text("\n".join(entity_lines) + "\n")
    for a in range(articles):
        claims = min(FACTS_PER_ARTICLE, facts - a * FACTS_PER_ARTICLE)
        sentences = [f"Country {i} operates Base {i % entities} since {1950 + i % 70}." for i in range(claims)]
        (directory / "articles" / f"art-{a}.txt").write_text(f"Headline {a}\n\n" + "\n".join(sentences) + "\n")
        (directory / "articles" / f"art-{a}.yaml").write_text(
            f"id: art-{a}\ntext: art-{a}.txt\nheadline: Headline {a}\n"
        )
        lines = [f"article: art-{a}", "claims:"]
        for i in range(claims):
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


def kg_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args, "--sources", "sources", "--ontology", "ontology"]


def median_run(
    command: list[str], workdir: Path, runs: int, timeout: float, before: Callable[[], None] | None = None
) -> list[Measured]:
    """`runs` timed runs of `command` (each after `before`), then one more whose process tree's memory is
    sampled (sampling holds a run up: `tests.tools.measure`), its peak set on each; exits on a failed run."""
    results = []
    for sampled in [False] * runs + [True]:
        if before is not None:
            before()
        result = run_measured(command, workdir, timeout, sample_tree=sampled)
        if result.status != 0:
            sys.exit(f"{' '.join(command)} failed ({result.status}):\n{result.stderr[-2000:]}")
        results.append(result)
    tree = results.pop().tree_mb
    for result in results:
        result.tree_mb = tree
    return results


def bench(name: str, workdir: Path, facts: int, runs: int, timeout: float) -> None:
    exports = workdir / "exports"
    facts_files = sorted((workdir / "sources").rglob("*.yaml"))
    # One file in the middle of the corpus that states a modality: each edit toggles its first one between
    # "reported" and "asserted", a change of meaning that reaches the Turtle, the page and the checks.
    with_modality = [f for f in facts_files if _MODALITY.search(f.read_text(encoding="utf-8"))]
    edited = with_modality[len(with_modality) // 2]

    def cold() -> None:
        shutil.rmtree(exports, ignore_errors=True)
        shutil.rmtree(workdir / ".kg-cache", ignore_errors=True)  # the build cache lives beside sources/

    def edit() -> None:
        text = edited.read_text(encoding="utf-8")
        found = _MODALITY.search(text)
        assert found is not None
        toggled = "asserted" if found[1] == "reported" else "reported"
        edited.write_text(text[: found.start(1)] + toggled + text[found.end(1) :], encoding="utf-8")

    build = kg_command("build", "--out", "exports", "--timings")
    rows = {
        "floor (PyYAML C loader)": median_run([sys.executable, "-c", FLOOR, "sources"], workdir, runs, timeout),
        "kg validate": median_run(kg_command("validate"), workdir, runs, timeout),
        "kg build, cold": median_run(build, workdir, runs, timeout, before=cold),
        "kg build, nothing changed": median_run(build, workdir, runs, timeout),
        "kg build, one file edited": median_run(build, workdir, runs, timeout, before=edit),
    }
    floor = statistics.median(r.seconds for r in rows["floor (PyYAML C loader)"])
    size = sum(p.stat().st_size for p in exports.rglob("*") if p.is_file()) / 2**20
    print(f"\n## {name}: {facts:,} facts, exports {size:,.1f} MiB, median of {runs} run(s)\n")
    cold = statistics.median(r.seconds for r in rows["kg build, cold"])
    print(
        "| measure | seconds | facts/s | × floor | × cold build | peak RSS, largest process | peak PSS, all processes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, results in rows.items():
        seconds = statistics.median(r.seconds for r in results)
        peak, tree = max(r.peak_mb for r in results), max(r.tree_mb for r in results)
        print(
            f"| {label} | {seconds:.2f} | {facts / seconds:,.0f} | {seconds / floor:.2f} | {seconds / cold:.2f} "
            f"| {peak:,.0f} MiB | {tree:,.0f} MiB |"
        )
    for label in ("kg build, cold", "kg build, one file edited"):
        stages = _stages(rows[label][-1].stderr)
        if stages:
            print(f"\nstages ({label}, last run): " + ", ".join(f"{n} {s:.2f} s" for n, s in stages.items()))


_MODALITY = re.compile(r"^ *modality: (\w+)$", re.MULTILINE)


def _stages(stderr: str) -> dict[str, float]:
    return {m[1].strip(): float(m[2]) for m in re.finditer(r"^  (.+?)\s+([\d.]+) s\b", stderr, re.M)}


def add_corpus_options(options: argparse.ArgumentParser) -> None:
    """The corpora a benchmark runs on (`corpora`)."""
    options.add_argument("--synthetic", type=int, nargs="*", default=[], metavar="FACTS")
    options.add_argument("--real-shaped", type=int, nargs="*", default=[], metavar="FACTS")
    options.add_argument("--corpus", type=Path, help="a sources/ folder of your own (the real one: sources)")


def corpora(args: argparse.Namespace, temp: Path) -> Iterator[tuple[str, Path, int]]:
    """Each corpus `add_corpus_options` asked for, in a folder of its own under `temp` (its sources, and a copy
    of the ontology): its name, the folder and its facts.  The folder is removed when the next is asked for."""
    plans: list[tuple[str, int]] = [("corpus", 0)] if args.corpus else []
    plans += [("synthetic", n) for n in args.synthetic] + [("real-shaped", n) for n in args.real_shaped]
    for kind, facts in plans:
        workdir = temp / f"{kind}-{facts}"
        sources = workdir / "sources"
        shutil.copytree(ROOT / "ontology", workdir / "ontology")
        if kind == "corpus":
            shutil.copytree(args.corpus, sources)
            name = f"corpus {args.corpus}"
            facts = count_facts(sources)
        elif kind == "synthetic":
            write_corpus(sources, facts)
            name = "synthetic"
        else:
            facts = replicate(ROOT / "sources", max(1, round(facts / count_facts(ROOT / "sources"))), sources)
            name = "real-shaped (the real sources replicated)"
        yield name, workdir, facts
        shutil.rmtree(workdir)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_options(options)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--timeout", type=float, default=1800, help="seconds one process may take")
    args = options.parse_args()
    if not (args.synthetic or args.real_shaped or args.corpus):
        args.corpus, args.synthetic = ROOT / "sources", [1000, 10_000]
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as temp:
        for name, workdir, facts in corpora(args, Path(temp)):
            bench(name, workdir, facts, args.runs, args.timeout)


def count_facts(sources: Path) -> int:
    """Claims and events (the 'facts') of a valid sources folder."""
    model = load(sources, ROOT / "ontology")
    return len(model.claims) + len(model.events)


if __name__ == "__main__":
    main()
