"""Screenshots of the real graph page for the README: builds sources/, then shows
  - graph.png: the overview with Tartus naval base selected;
  - timeline.png: the story timeline, the Feb. 12 call picked in the graph and selected on it;
  - reader.png: an article in the reader, with a cited passage clicked.

python -m tests.tools.screenshot [--out tests/screenshots]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import kg

from .browser import offline_page, open_graph

ROOT = Path(__file__).resolve().parents[2]
SELECTED = "tartus-naval-base"
CALL = "putin-sharaa-call-2025-02-12"
ARTICLE = "ki-bloomberg-russia-deal-near"
PASSAGE = "first official phone conversation"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        kg.build(ROOT / "sources", ROOT / "ontology", Path(folder))
        page_path = Path(folder) / "graph.html"
        with offline_page(width=1600, height=1000) as page:
            open_graph(page, page_path)
            page.evaluate("key => window.kg.pick(window.kg.nodeIndex(key))", SELECTED)
            page.evaluate("key => window.kg.network.focus(window.kg.nodeIndex(key), { scale: 0.75 })", SELECTED)
            page.wait_for_timeout(800)
            page.screenshot(path=str(args.out / "graph.png"))
        with offline_page(width=1600, height=1000) as page:
            open_graph(page, page_path)
            page.evaluate("window.kg.timeline().setWindow('2024-11-20', '2025-04-30', { animation: false })")
            page.evaluate("key => window.kg.pick(window.kg.nodeIndex(key))", CALL)  # selects its item too
            page.wait_for_timeout(800)
            page.screenshot(path=str(args.out / "timeline.png"))
        with offline_page(width=1600, height=1000) as page:
            open_graph(page, page_path)
            page.evaluate("id => window.kg.openArticle(window.kg.data.articles.findIndex(a => a.id === id))", ARTICLE)
            page.locator("#reader mark.cited", has_text=PASSAGE).first.click()
            page.locator("#details h2", has_text="The passage").wait_for()
            page.wait_for_timeout(800)
            page.screenshot(path=str(args.out / "reader.png"))
    print(f"wrote {args.out}/graph.png, timeline.png, reader.png")


if __name__ == "__main__":
    main()
