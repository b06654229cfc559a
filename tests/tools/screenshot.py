"""Screenshot of the real graph page for the README: builds sources/ and shows Tartus naval base selected.

python -m tests.tools.screenshot [--out tests/screenshots/graph.png]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import kg

from .browser import offline_page, open_graph

ROOT = Path(__file__).resolve().parents[2]
SELECTED = "tartus-naval-base"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "screenshots" / "graph.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, offline_page(width=1600, height=1000) as page:
        kg.build(ROOT / "sources", ROOT / "ontology", Path(folder))
        open_graph(page, Path(folder) / "graph.html")
        page.evaluate("key => window.kg.pick(window.kg.nodeIndex(key))", SELECTED)
        page.evaluate("key => window.kg.network.focus(window.kg.nodeIndex(key), { scale: 0.75 })", SELECTED)
        page.wait_for_timeout(500)
        page.screenshot(path=str(args.out))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
