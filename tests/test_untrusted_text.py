"""Untrusted text, property-based: names and quotes full of markup, quotes and backslashes, quotes with RTL marks.

For random valid sources (Hypothesis), the build succeeds; the Turtle parses in Oxigraph and in rdflib
to the same graph as the N-Triples, with every text intact; and in a real browser every such text is
shown as text (no element is created from it, `window.pwned` stays unset).  Arabic and mixed-direction
names and quotes are followed end to end: YAML → Turtle → page.
"""

from __future__ import annotations

import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import rdflib
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser

import kg
from kg.problems import holds_invisible

from .conftest import ALL_FORMATS, MINI, ONTOLOGY
from .test_html import browser, click_node  # noqa: F401 (browser is a fixture)

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OA_EXACT = "http://www.w3.org/ns/oa#exact"
HOSTILE_PIECES = (
    "<script>window.pwned=1</script>",
    '"><img src=x onerror=window.pwned=1>',
    "</script>",
    "]]>",
    "<!--",
    '"',
    "'",
    "\\",
    "\\n",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2067",  # right-to-left isolate
    "سوريا",
    "&amp;",
    "${x}",
    "`",
)
# Printable text of any script: no controls, surrogates or line/paragraph separators (a quote is one line).
LETTERS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cn"), blacklist_characters="\ufeff")
# A name holds no invisible character (a direction mark is refused in it); a quote holds what its text holds.
NAME_LETTERS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cn", "Cf"))


def hostile(pieces: tuple[str, ...], letters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Texts of a few `pieces` and runs of `letters`, with no space at either end."""
    piece = st.sampled_from(pieces) | st.text(letters, min_size=1, max_size=8)
    return st.lists(piece, min_size=1, max_size=6).map("".join).filter(lambda text: text.strip() == text)


HOSTILE_TEXT = hostile(HOSTILE_PIECES, LETTERS)
HOSTILE_NAME = hostile(tuple(piece for piece in HOSTILE_PIECES if not holds_invisible(piece)), NAME_LETTERS)


def write_sources(root: Path, name: str, alias: str, quote: str) -> Path:
    """The mini corpus plus a person named `name` (alias `alias`) who supports Russia, quoting `quote`."""
    sources = root / "sources"
    shutil.copytree(MINI, sources)
    facts = {
        "article": "mini-article",
        "entities": [{"id": "hostile", "type": "Person", "name": f"X {name}", "aliases": [f"Y {alias}"]}],
        "claims": [
            {"subject": "hostile", "predicate": "supports", "object": "russia", "evidence": [{"quote": f"Q {quote}"}]}
        ],
    }
    (sources / "facts" / "hostile.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    text = sources / "articles" / "mini-article.txt"
    text.write_text(text.read_text(encoding="utf-8") + f"\nQ {quote}\n", encoding="utf-8")
    return sources


def triples(path: Path, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(path=str(path), format=fmt)}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags_of(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE_NAME, alias=HOSTILE_NAME, quote=HOSTILE_TEXT)
def test_hostile_text_builds_round_trips_and_stays_text(browser: Browser, name: str, alias: str, quote: str) -> None:  # noqa: F811
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        sources = write_sources(root, name, alias, quote)
        out = root / "exports"
        kg.build(sources, ONTOLOGY, out, formats=ALL_FORMATS)

        # The Turtle is the same graph as the N-Triples, in Oxigraph and in rdflib; the texts are intact.
        in_turtle = triples(out / "graph.ttl", ox.RdfFormat.TURTLE)
        assert in_turtle == triples(out / "graph.nt", ox.RdfFormat.N_TRIPLES)
        by_rdflib = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
        assert set(by_rdflib) == set(rdflib.Graph().parse(out / "graph.nt", format="nt"))
        literals = {t.object.value for t in in_turtle if isinstance(t.object, ox.Literal)}
        assert {f"X {name}", f"Y {alias}", f"Q {quote}"} <= literals
        assert {str(o) for o in by_rdflib.objects(None, rdflib.RDFS.label)} >= {f"X {name}"}

        # The page holds exactly the elements of a page without hostile text: none comes from the data.
        html = (out / "graph.html").read_text(encoding="utf-8")
        assert tags_of(html) == clean_tags()

        context = browser.new_context()
        try:
            page = context.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())  # fmt: skip
            page.goto((out / "graph.html").as_uri())
            page.wait_for_selector("body[data-ready=true]", state="attached")
            click_node(page, "hostile")
            assert page.locator("#details h2").text_content() == f"X {name}"
            assert f"Y {alias}" in (page.locator("#details .aliases").text_content() or "")
            assert f"Q {quote}" in (page.locator("#details").text_content() or "")
            assert page.evaluate("typeof window.pwned") == "undefined"
            assert page.evaluate("document.querySelectorAll('#details img, #details script').length") == 0
        finally:
            context.close()


_CLEAN: list[str] = []


def clean_tags() -> list[str]:
    """The tags of the page built from the same sources with harmless text (computed once)."""
    if not _CLEAN:
        with tempfile.TemporaryDirectory() as temp:
            sources = write_sources(Path(temp), "plain", "plain", "plain")
            kg.build(sources, ONTOLOGY, Path(temp) / "exports")
            _CLEAN.extend(tags_of((Path(temp) / "exports" / "graph.html").read_text(encoding="utf-8")))
    return _CLEAN


ARABIC_NAME = "أحمد الشرع"
MIXED_QUOTE = "قال الشرع إن Russia ستبقى في طرطوس (Tartus) حتى 2025"


def test_arabic_and_mixed_direction_text_goes_end_to_end(browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    sources = write_sources(tmp_path, ARABIC_NAME, "الشرع", MIXED_QUOTE)
    out = tmp_path / "exports"
    kg.build(sources, ONTOLOGY, out)
    turtle = (out / "graph.ttl").read_text(encoding="utf-8")
    assert f'"X {ARABIC_NAME}"' in turtle  # written as UTF-8 text, not escaped
    graph = triples(out / "graph.ttl", ox.RdfFormat.TURTLE)
    assert f"Q {MIXED_QUOTE}" in {t.object.value for t in graph if str(t.predicate) == f"<{OA_EXACT}>"}
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((out / "graph.html").as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached")
        page.fill("#search-input", "الشرع")
        assert page.locator("#search-results .name").first.text_content() == f"X {ARABIC_NAME}"
        page.press("#search-input", "Enter")
        assert page.locator("#details h2").text_content() == f"X {ARABIC_NAME}"
        assert f"Q {MIXED_QUOTE}" in (page.locator("#details").text_content() or "")
    finally:
        context.close()
