"""Benchmark `kg push` into real stores: whole processes, in triples per second.

    python -m tests.tools.bench_push [--synthetic N ...] [--real-shaped N ...] [--corpus DIR] [--at-once K ...]
                                     [--ways put quads] [--no-virtuoso]

For each corpus (as `tests.tools.bench_build` makes them) it builds the exports once, then measures, each as a
separate `kg push` process:
  - the split alone (`--dry-run`): seconds and peak RSS;
  - the push into a new writable `oxigraph serve` through its bulk loader (`/store?no_transaction`), for each
    `--at-once` given, a PUT per graph and with `--quads` (runs of graphs POSTed as N-Quads), as `--ways` says;
  - the push into a new Virtuoso 7 (Digest credentials, `NumberOfBuffers` 170,000), where `virtuoso-t` is
    installed;
and checks that each store holds every triple sent (a COUNT over the pushed graphs).  The stores run on the
same machine as the client: on two cores they share them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from .bench_build import ROOT, add_corpus_options, corpora, kg_command
from .measure import Measured, run_measured
from .stores import VIRTUOSO, oxigraph_store, virtuoso_store

PASSWORD = "bench-Secret-1"
COUNT = """SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{base}")) }}"""
GRAPH_BASE = "https://w3id.org/syria-russia-kg/id/graph/"
_PUSHED = re.compile(r"pushed (\d+) graphs \(([\d,]+) triples\)")


def push(workdir: Path, endpoint: str, *options: str, password: str | None = None) -> Measured:
    command = [
        sys.executable,
        "-m",
        "kg",
        "push",
        "--exports",
        "exports",
        "--ontology",
        "ontology",
        "--endpoint",
        endpoint,
    ]
    command += options
    environment = {"KG_PUSH_PASSWORD": password} if password else {}
    result = run_measured(command, workdir, timeout=7200, sample_tree=False, environment=environment)
    if result.status != 0:
        sys.exit(f"{' '.join(command)} failed ({result.status}):\n{result.stderr[-2000:]}")
    return result


def stored(query_url: str) -> int:
    """How many triples the store holds in the pushed graphs."""
    url = query_url + "?" + urllib.parse.urlencode({"query": COUNT.format(base=GRAPH_BASE)})
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return int(response.read().decode().splitlines()[1].strip().strip('"'))


def report(label: str, result: Measured, query_url: str | None = None) -> None:
    found = _PUSHED.search(result.stdout)
    if found is None:
        print(f"  {label:40s} {result.seconds:8.1f} s   peak {result.peak_mb:6.0f} MB")
        return
    graphs, triples = int(found.group(1)), int(found.group(2).replace(",", ""))
    held = stored(query_url) if query_url else triples
    check = "" if held == triples else f"   STORE HOLDS {held:,}"
    print(
        f"  {label:40s} {result.seconds:8.1f} s   {triples / result.seconds:9,.0f} triples/s   "
        f"{graphs:,} graphs, {triples:,} triples   peak {result.peak_mb:6.0f} MB{check}"
    )


WAYS = {"put": (), "quads": ("--quads",)}
"""How `kg push` may send the graphs to Oxigraph: a PUT per graph, or runs of graphs as N-Quads."""


def bench(name: str, workdir: Path, at_once: list[int], ways: list[str], virtuoso: bool) -> None:
    built = run_measured(kg_command("build"), workdir, timeout=7200, sample_tree=False)
    if built.status != 0:
        sys.exit(f"kg build failed:\n{built.stderr[-2000:]}")
    print(f"{name}: exports {sum(f.stat().st_size for f in (workdir / 'exports').rglob('*') if f.is_file()):,} B")
    report("split only (--dry-run)", push(workdir, "http://127.0.0.1:9/store", "--dry-run"))
    for count in at_once:
        for way in ways:
            store = workdir / f"oxigraph-{way}-{count}"
            with oxigraph_store(store) as url:
                result = push(workdir, url + "/store?no_transaction", "--at-once", str(count), *WAYS[way])
                report(f"oxigraph serve, bulk, {way}, {count} at once", result, url + "/query")
            shutil.rmtree(store)
    if virtuoso:
        (workdir / "virtuoso").mkdir()
        with virtuoso_store(workdir / "virtuoso", PASSWORD, buffers=170_000) as url:
            result = push(workdir, url + "/sparql-graph-crud-auth", "--user", "dba", password=PASSWORD)
            report("Virtuoso 7, Digest, 2 at once", result, url + "/sparql")
        shutil.rmtree(workdir / "virtuoso")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_options(options)
    options.add_argument("--at-once", type=int, nargs="*", default=[2], metavar="K", help="graphs sent at once")
    options.add_argument(
        "--ways", nargs="+", choices=WAYS, default=list(WAYS), help="into Oxigraph: a PUT per graph, --quads, or both"
    )
    options.add_argument("--no-virtuoso", action="store_true", help="only Oxigraph")
    args = options.parse_args()
    if not (args.synthetic or args.real_shaped or args.corpus):
        args.corpus = ROOT / "sources"
    virtuoso = not args.no_virtuoso and VIRTUOSO is not None
    with tempfile.TemporaryDirectory(prefix="kg-bench-push-") as temp:
        for name, workdir, facts in corpora(args, Path(temp)):
            bench(f"{name}, {facts:,} facts", workdir, args.at_once, args.ways, virtuoso)


if __name__ == "__main__":
    main()
