"""Benchmark of the graph page: generation time, the size of graph.html (what loads before the first draw)
and of its shards, browser time-to-interactive and click response, for synthetic graphs of 100, 1,000,
5,000 and 20,000 nodes.

    python -m tests.tools.bench_html [--sizes 100 1000 5000 20000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kg.checks.checked import Project
from kg.exports.page import render_page
from kg.ontology import load_ontology

from .browser import offline_page, open_graph
from .synthetic import synthetic_model

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
HUB = """() => {
    const degree = (i) => window.kg.network.getConnectedEdges(i).length;
    const hub = [...window.kg.drawn.keys()].sort((a, b) => degree(b) - degree(a) || a - b)[0];
    window.kg.network.focus(hub, { scale: 1 });
    return window.kg.network.canvasToDOM(window.kg.network.getPositions([hub])[hub]);
}"""


def measure(nodes: int, folder: Path) -> dict[str, float]:
    """Renders a synthetic graph of `nodes` nodes, opens it, clicks its biggest hub."""
    project = Project(synthetic_model(nodes), load_ontology(ONTOLOGY), folder)
    started = time.perf_counter()
    files = render_page(project)
    generation = time.perf_counter() - started
    out = folder / str(nodes)
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    path = out / "graph.html"
    with offline_page() as page:
        interactive = open_graph(page, path)
        point = page.evaluate(HUB)
        box = page.locator("#graph").bounding_box() or {"x": 0, "y": 0}
        started = time.perf_counter()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.locator("#details article").first.wait_for()
        click = time.perf_counter() - started
        edges = page.evaluate("window.kg.data.counts.edges")
    return {
        "edges": edges,
        "generation": generation,
        "megabytes": path.stat().st_size / 1e6,
        "shards": sum(len(text.encode()) for name, text in files.items() if name != "graph.html") / 1e6,
        "interactive": interactive,
        "click": click,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 20000])
    args = parser.parse_args()
    print("| nodes | edges | generation | graph.html | shards beside it | time to interactive | click → details |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            row = measure(size, Path(folder))
            print(
                f"| {size:,} | {row['edges']:,} | {row['generation']:.2f} s | {row['megabytes']:.1f} MB | "
                f"{row['shards']:.1f} MB | {row['interactive']:.2f} s | {row['click']:.2f} s |",
                flush=True,
            )


if __name__ == "__main__":
    main()
