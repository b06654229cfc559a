"""Benchmark of the graph page at 1,000, 10,000 and 100,000 facts (the build benchmark's synthetic corpus):
generation time, what loads before the first draw (graph.html) and the shards beside it, then in a
browser: time to interactive, click → details, search for a node outside the overview, and expanding it.

    python -m tests.tools.bench_html [--facts 1000 10000 100000]

Each figure is one run in one headless Chromium; the build benchmark (tests/tools/bench_build.py) times
whole `kg build` processes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kg.checks.checked import load_project
from kg.exports.page import render_page

from .bench_build import write_corpus
from .browser import offline_page, open_graph

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
HUB = """() => {
    const hub = [...window.kg.drawn.keys()].sort((a, b) => window.kg.drawn.get(b).degree -
                                                           window.kg.drawn.get(a).degree || a - b)[0];
    window.kg.network.focus(hub, { scale: 1 });
    return [hub, window.kg.network.canvasToDOM(window.kg.network.getPositions([hub])[hub])];
}"""
OUTSIDE = """async () => {
    const i = window.kg.data.counts.nodes - 1;  // the last node: the least connected sort last in the overview
    const size = window.kg.data.searchShardSize;  // the search index has shards of its own size
    const rows = await window.kg.shard("search", Math.floor(i / size));
    return window.kg.drawn.has(i) ? null : rows[i % size][1][0];
}"""


def measure(facts: int, folder: Path) -> dict[str, float]:
    """Builds the page of a synthetic corpus of `facts` facts, opens it, clicks its biggest hub, searches
    for a node the overview leaves out and expands it."""
    write_corpus(folder / "sources", facts)
    project = load_project(folder / "sources", ONTOLOGY)
    started = time.perf_counter()
    files = render_page(project)
    generation = time.perf_counter() - started
    out = folder / "exports"
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    path = out / "graph.html"
    with offline_page() as page:
        interactive = open_graph(page, path)
        hub, point = page.evaluate(HUB)
        box = page.locator("#graph").bounding_box() or {"x": 0, "y": 0}
        started = time.perf_counter()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.locator("#details article").first.wait_for()
        click = time.perf_counter() - started
        name = page.evaluate(OUTSIDE) or page.evaluate("i => window.kg.loaded('search', i)[1][0]", hub)
        started = time.perf_counter()
        page.fill("#search-input", name)
        page.locator("#search-results .result").first.wait_for()
        page.press("#search-input", "Enter")
        page.locator("#details h2").filter(has_text=name).wait_for()
        search = time.perf_counter() - started
        chosen = page.evaluate("window.kg.network.getSelectedNodes()[0]")
        started = time.perf_counter()
        page.evaluate("i => window.kg.expand(i, 100)", chosen)
        expand = time.perf_counter() - started
        counts = page.evaluate("[window.kg.data.counts.nodes, window.kg.data.counts.edges]")
    return {
        "nodes": counts[0],
        "edges": counts[1],
        "generation": generation,
        "megabytes": path.stat().st_size / 1e6,
        "shards": sum(len(text.encode()) for name, text in files.items() if name != "graph.html") / 1e6,
        "interactive": interactive,
        "click": click,
        "search": search,
        "expand": expand,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = parser.parse_args()
    print(
        "| facts | nodes | edges | generation | graph.html (before first draw) | shards beside it "
        "| time to interactive | click → details | search outside the overview | expand |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for facts in args.facts:
        with tempfile.TemporaryDirectory() as folder:
            row = measure(facts, Path(folder))
        print(
            f"| {facts:,} | {row['nodes']:,.0f} | {row['edges']:,.0f} | {row['generation']:.2f} s "
            f"| {row['megabytes']:.2f} MB | {row['shards']:.1f} MB | {row['interactive']:.2f} s "
            f"| {row['click']:.2f} s | {row['search']:.2f} s | {row['expand']:.2f} s |",
            flush=True,
        )


if __name__ == "__main__":
    main()
