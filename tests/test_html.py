"""The interactive graph page, `exports/graph.html`: offline, explorable, safe with hostile text, fast.

Browser tests drive Debian's Chromium through Playwright with every request but file:// blocked and
recorded; a console error, a page error or a blocked request fails the test that caused it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

import kg
from kg.checks.checked import Project, load_project
from kg.exports.network import to_network
from kg.exports.page import render_html, render_page, script_json
from kg.exports.page_data import page_data, story_dates
from kg.exports.page_layout import node_positions
from kg.exports.view import View
from kg.model import Model
from kg.ontology import load_ontology

from .conftest import ONTOLOGY, SOURCES, edit
from .tools.bench_build import write_corpus
from .tools.browser import ARGS as CHROMIUM_ARGS
from .tools.browser import CHROMIUM as BROWSER_PATH
from .tools.replicate import replicate
from .tools.synthetic import synthetic_model

CHROMIUM = Path(BROWSER_PATH)
PHONE_CALL = "putin-sharaa-call-2025-02-12"
HOSTILE = "<img src=x onerror=window.pwned=1>"

Opener = Callable[..., Page]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Opener]:
    """Opens a page offline and waits until the graph is drawn; afterwards asserts it stayed clean."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    blocked: list[str] = []

    def only_files(route: Route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    def opener(path: Path, fragment: str = "") -> Page:
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri() + fragment)
        page.wait_for_selector("body[data-ready=true]", state="attached")
        page.evaluate("window.kg.linked")  # a deep link has been followed
        return page

    context.route("**/*", only_files)
    yield opener
    context.close()
    assert errors == [], "console errors"
    assert blocked == [], "requests that would have left the machine"


@pytest.fixture
def real_page(built: Path, open_page: Opener) -> Page:
    return open_page(built / "graph.html")


@pytest.fixture(scope="module")
def real_graph(project: Project) -> nx.MultiDiGraph:
    return to_network(project.model, project.ontology)


# ---------------------------------------------------------------------------- helpers driving the page


def node_index(page: Page, key: str) -> int:
    index = page.evaluate("key => window.kg.nodeIndex(key)", key)
    assert index is not None, f"no node {key} on the page"
    return index


def node_hidden(page: Page, key: str) -> bool:
    return bool(page.evaluate("key => window.kg.nodes.get(window.kg.nodeIndex(key)).hidden", key))


def shown_counts(page: Page) -> tuple[int, int]:
    status = page.locator("#status")
    return int(status.get_attribute("data-nodes") or -1), int(status.get_attribute("data-edges") or -1)


def node_on_screen(page: Page, key: str) -> tuple[float, float]:
    """Centres the view on a node and returns its position in page coordinates."""
    point = page.evaluate(
        """key => {
        const i = window.kg.nodeIndex(key);
        window.kg.network.focus(i, { scale: 1.3 });
        return window.kg.network.canvasToDOM(window.kg.network.getPositions([i])[i]);
    }""",
        key,
    )
    box = page.locator("#graph").bounding_box()
    assert box is not None
    return box["x"] + point["x"], box["y"] + point["y"]


def click_node(page: Page, key: str) -> None:
    """Click a node; the network selects it when it has handled the click (on a busy machine, after the
    click's events are sent: waited for, not read at once)."""
    x, y = node_on_screen(page, key)
    page.mouse.click(x, y)
    index = node_index(page, key)
    page.wait_for_function("i => window.kg.network.getSelectedNodes().includes(i)", arg=index)
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [index]


def record_quotes(model: Model, record_id: str) -> list[str]:
    record = model.claims.get(record_id) or model.events[record_id]
    return [item.quote for item in record.evidence]


def overlapping_pairs(positions: list[tuple[float, float]], boxes: list[tuple[float, float]]) -> int:
    return sum(
        1
        for i, (xi, yi) in enumerate(positions)
        for j, (xj, yj) in enumerate(positions[:i])
        if abs(xi - xj) < boxes[i][0] + boxes[j][0] and abs(yi - yj) < boxes[i][1] + boxes[j][1]
    )


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


# ---------------------------------------------------------------------------- the file


def test_graph_html_is_written_by_kg_build_and_names_no_remote_url(built: Path) -> None:
    text = (built / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", text, re.IGNORECASE)
    assert not re.search(r"""url\(\s*(?!["']?data:)""", text)
    assert not re.search(r"""@import|\b(fetch|XMLHttpRequest|WebSocket|EventSource)\s*\(""", text)
    parser = _Elements()
    parser.feed(text)
    tags = {tag for tag, _ in parser.found}
    assert not tags & {"link", "iframe", "object", "embed", "base", "img", "form"}
    # Nothing loads from anywhere; the one link is the legend's, to the ontology's documentation beside the page.
    assert [attrs for _, attrs in parser.found if {"src", "href", "srcset", "action"} & attrs.keys()] == [
        {"href": "ontology.html"}
    ]
    policy = next(
        attrs["content"]
        for tag, attrs in parser.found
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert policy is not None
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_page_is_byte_identical_from_one_render_to_the_next(mini: Path) -> None:
    assert render_html(load_project(mini, ONTOLOGY)) == render_html(load_project(mini, ONTOLOGY))


def test_embedded_json_round_trips_and_cannot_close_its_script() -> None:
    data = {"quote": "</script><!-- <script>alert(1)</script> & \u2028\u2029 see https://example.org/x"}
    text = script_json(data)
    assert json.loads(text) == data
    assert not re.search("[<>&\u2028\u2029]", text)
    assert "://" not in text


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.integers(-(10**8), 10**8).map(lambda n: round(n / 10, 1))  # the layout's coordinates
    | st.text(st.characters(blacklist_categories=("Cs",))),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5) | st.integers(0, 10**6), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(JSON_VALUES)
def test_embedded_json_is_what_the_standard_library_writes_escaped(data: object) -> None:
    """The page's JSON comes from orjson; it must be the text `json` would write (integer keys as text) on
    the kinds of values the page holds."""
    expected = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("/", "\\/")):
        expected = expected.replace(character, escaped)
    expected = expected.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    assert script_json(data) == expected


def test_the_slider_walks_the_story_and_keeps_older_dates_as_background() -> None:
    dates = ["1971-01-01", "2017-01-01", "2024-01-01", "2024-12-05", "2025-01-28", "2025-04-23"]
    assert story_dates(dates) == ["2024-12-05", "2025-01-28", "2025-04-23"]
    assert story_dates(["2025-01-01"]) == ["2025-01-01"]
    assert story_dates([]) == []


def test_the_layout_is_deterministic_and_keeps_nodes_apart() -> None:
    graph = to_network(synthetic_model(300), load_ontology(ONTOLOGY))
    index = {node: i for i, node in enumerate(graph.nodes)}
    links = [(index[u], index[v]) for u, v in graph.edges()]
    boxes = [(40.0 + 20 * (i % 5), 12.0) for i in range(len(index))]
    positions = node_positions(boxes, links)
    assert positions == node_positions(boxes, links)
    assert overlapping_pairs(positions, boxes) <= len(boxes) // 100


# ---------------------------------------------------------------------------- the real graph in the browser


def test_the_page_shows_every_node_and_edge_of_the_graph(real_page: Page, real_graph: nx.MultiDiGraph) -> None:
    expected = (real_graph.number_of_nodes(), real_graph.number_of_edges())
    assert real_page.evaluate("[window.kg.nodes.length, window.kg.edges.length]") == list(expected)
    assert shown_counts(real_page) == expected


def test_no_two_nodes_of_the_real_graph_overlap_as_drawn(real_page: Page) -> None:
    """The layout pushes overlapping boxes apart, but where they are crowded (a hub's ring of neighbours) pushing one
    pair apart pushed others together: 19 labels of the real graph overlapped others (and two lone nodes with wide
    labels, placed by their centres)."""
    boxes = real_page.evaluate(
        "window.kg.nodes.getIds().map(id => [id, window.kg.network.getBoundingBox(id)])"
        ".map(([id, b]) => [id, b.left, b.top, b.right, b.bottom])"
    )
    assert len(boxes) > 150
    overlapping = [
        (a[0], b[0])
        for index, a in enumerate(boxes)
        for b in boxes[:index]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert overlapping == []


def test_the_alias_julani_finds_al_sharaa(real_page: Page) -> None:
    real_page.fill("#search-input", "Julani")
    first = real_page.locator("#search-results li").first
    assert first.locator(".name").text_content() == "Ahmad al-Sharaa"
    assert "Julani" in (first.locator(".alias").text_content() or "")
    real_page.press("#search-input", "Enter")
    assert real_page.evaluate("window.kg.network.getSelectedNodes()") == [node_index(real_page, "ahmad-al-sharaa")]
    assert real_page.locator("#details h2").text_content() == "Ahmad al-Sharaa"
    assert real_page.locator("#search-results").is_hidden()


@pytest.mark.parametrize("query", ["al sharaa", "Al\u2011Sharaa", "AL \u2013 SHARAA", "ahmad  al-sharaa"])
def test_search_takes_a_space_or_any_dash_for_a_hyphen(real_page: Page, query: str) -> None:
    """A name printed "al-Sharaa" is typed "al Sharaa", or pasted with a non-breaking hyphen or a dash."""
    real_page.fill("#search-input", query)
    first = real_page.locator("#search-results li").first
    first.locator(".name").wait_for()
    assert first.locator(".name").text_content() == "Ahmad al-Sharaa"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("al-Shar'a", "Ahmad al-Sharaa"),  # an apostrophe for the ayn, typed or printed
        ("Ahmad al-Shar\u2019a", "Ahmad al-Sharaa"),
        ("al-Shar\u02bfa", "Ahmad al-Sharaa"),  # the ayn's own letter
        ("Hay'at Tahrir al-Sham", "Hayat Tahrir al-Sham"),
        ("Sharaa Ahmad", "Ahmad al-Sharaa"),  # every word, in another order
    ],
)
def test_search_takes_names_with_or_without_apostrophes_and_words_in_any_order(
    real_page: Page, query: str, found: str
) -> None:
    """ "al-Shar'a" and "Hay'at Tahrir al-Sham", common spellings, found nothing: an apostrophe had to match."""
    real_page.fill("#search-input", query)
    first = real_page.locator("#search-results li").first
    first.locator(".name").wait_for()
    assert first.locator(".name").text_content() == found


def test_back_in_a_search_holding_text_enter_picks_and_a_click_shows_the_results_again(real_page: Page) -> None:
    """The results close when the focus leaves; back in the search, Enter picked nothing and nothing reopened them."""
    real_page.fill("#search-input", "Tartus naval")
    expect(real_page.locator("#search-results .result").first).to_be_visible()
    real_page.locator("#graph canvas").click(position={"x": 5, "y": 5})  # the focus leaves: the results close
    expect(real_page.locator("#search-results")).to_be_hidden()
    real_page.click("#search-input")
    expect(real_page.locator("#search-results .result").first).to_have_text(re.compile("Tartus naval base"))
    real_page.locator("#graph canvas").click(position={"x": 5, "y": 5})
    real_page.focus("#search-input")
    real_page.press("#search-input", "Enter")
    expect(real_page.locator("#details h2")).to_have_text("Tartus naval base")


def test_a_search_for_dashes_alone_matches_nothing(real_page: Page) -> None:
    """A dash is taken for a space in names: a query of a dash alone matched every name holding a space."""
    real_page.fill("#search-input", " \u2013 ")
    expect(real_page.locator("#search-results li.none")).to_have_text("no match")
    assert real_page.locator("#search-results .result").count() == 0


def test_search_says_how_many_matched_and_finds_an_id(real_page: Page) -> None:
    real_page.fill("#search-input", "a")
    real_page.locator("#search-results li.none").wait_for()
    said = re.fullmatch(
        r"12 of (\d+) matches: type more to narrow", real_page.locator("#search-results li.none").text_content() or ""
    )
    assert said and int(said[1]) > 12
    assert real_page.locator("#search-results .result").count() == 12
    real_page.fill("#search-input", "tartus-naval-base")  # an id, as a link or the YAML writes it
    real_page.locator("#search-results .result").first.wait_for()
    assert real_page.locator("#search-results .result .name").first.text_content() == "Tartus naval base"
    assert real_page.get_attribute("#search-input", "aria-activedescendant") == "search-result-0"


def test_the_search_results_close_when_the_focus_leaves_the_search(real_page: Page) -> None:
    real_page.fill("#search-input", "Tartus")
    real_page.locator("#search-results .result").first.wait_for()
    real_page.keyboard.press("Tab")  # to the first result: still open
    assert real_page.locator("#search-results").is_visible()
    real_page.click("#classes-all")  # elsewhere
    assert real_page.locator("#search-results").is_hidden()


def test_a_long_article_list_can_be_searched_and_all_applies_to_what_it_shows(
    tmp_path: Path, open_page: Opener
) -> None:
    page = open_page(large_page_five_thousand_nodes(tmp_path))
    articles = page.evaluate("window.kg.data.articles.map((a) => (a.outlet || 'unknown outlet') + ' ' + a.headline)")
    assert len(articles) > 12
    words = articles[7].split()[-2:]
    page.fill("#articles-find", " ".join(words).upper())  # any case, the words in any place
    shown = page.locator("#articles li:not([hidden])")
    assert shown.count() == sum(all(w.lower() in a.lower() for w in words) for a in articles) >= 1
    assert (
        page.locator("#articles-found").text_content()
        == f"{shown.count()} article{'s' if shown.count() > 1 else ''} of {len(articles)}"
    )
    page.click("#articles-none")  # the articles shown only
    assert page.locator("#articles input:not(:checked)").count() == shown.count()
    page.fill("#articles-find", "")
    assert page.locator("#articles li:not([hidden])").count() == len(articles)


def test_the_class_filter_hides_and_shows_a_class(real_page: Page, real_graph: nx.MultiDiGraph) -> None:
    people = [node for node, cls in real_graph.nodes(data="cls") if cls == "Person"]
    assert people
    total_nodes, total_edges = shown_counts(real_page)
    real_page.locator('#classes input[data-class="Person"]').uncheck()
    assert all(node_hidden(real_page, person) for person in people)
    assert shown_counts(real_page)[0] == total_nodes - len(people)
    assert shown_counts(real_page)[1] < total_edges
    real_page.locator('#classes input[data-class="Person"]').check()
    assert not any(node_hidden(real_page, person) for person in people)
    assert shown_counts(real_page) == (total_nodes, total_edges)


def test_the_relation_filter_hides_and_shows_one_relations_links(real_page: Page, real_graph: nx.MultiDiGraph) -> None:
    """A page of 100,000 facts draws thousands of links: the analyst keeps the relations asked about."""
    by_relation = Counter(relation for _, _, relation in real_graph.edges(data="relation"))
    relations = real_page.evaluate("window.kg.data.relations")
    assert {r["name"]: r["count"] for r in relations} == dict(by_relation)  # every relation drawn, with its links
    relation, links = by_relation.most_common(1)[0]
    label = real_page.evaluate("name => window.kg.data.relations.find((r) => r.name === name).label", relation)
    total_nodes, total_edges = shown_counts(real_page)
    real_page.locator(f'#relations input[data-relation="{relation}"]').uncheck()
    assert shown_counts(real_page) == (total_nodes, total_edges - links)  # its links only: every node stays
    shown_labels = real_page.evaluate("""() => [...window.kg.drawnEdges].filter(([j]) => !window.kg.edges.get(j).hidden)
        .map(([, meta]) => meta.relation)""")
    assert label not in shown_labels and len(shown_labels) == total_edges - links
    assert real_page.evaluate("location.hash") == f"#relations=-{relation}"
    real_page.click("#relations-none")
    assert shown_counts(real_page) == (total_nodes, 0)
    real_page.locator(f'#relations input[data-relation="{relation}"]').check()
    assert shown_counts(real_page) == (total_nodes, links)
    assert real_page.evaluate("location.hash") == f"#relations={relation}"  # the fewer names: the one shown
    real_page.click("#relations-all")
    assert shown_counts(real_page) == (total_nodes, total_edges)
    assert real_page.evaluate("location.hash") == ""


def test_the_modality_filter_keeps_links_with_evidence_of_a_modality(
    real_page: Page, real_graph: nx.MultiDiGraph, project: Project, built: Path, open_page: Opener
) -> None:
    """What is only speculation? The analyst keeps the hedged links; a claim both asserted and hedged is
    hedged too, and stays with either."""
    modalities = {
        record.id: {item.modality for item in record.evidence}
        for record in [*project.model.claims.values(), *project.model.events.values()]
    }
    of_edges = [modalities[data.get("claim") or data["event"]] for _, _, data in real_graph.edges(data=True)]
    hedged = sum("hedged" in found for found in of_edges)
    mixed = sum("hedged" in found and len(found) > 1 for found in of_edges)
    assert hedged > mixed > 0  # hedged alone, and beside a firmer modality
    listed = real_page.evaluate("window.kg.data.modalities.map((m) => [m.name, m.count])")
    assert [name for name, _ in listed] == ["asserted", "reported", "hedged", "denied"]  # the firmest first
    assert dict(listed) == {name: sum(name in found for found in of_edges) for name, _ in listed}
    total_nodes, total_edges = shown_counts(real_page)
    real_page.click("#modalities-none")
    assert shown_counts(real_page) == (total_nodes, 0)
    real_page.locator('#modalities input[data-modality="hedged"]').check()
    assert shown_counts(real_page) == (total_nodes, hedged)
    assert real_page.evaluate("location.hash") == "#modalities=hedged"
    real_page.locator('#modalities input[data-modality="denied"]').check()
    assert shown_counts(real_page)[1] == sum(bool(found & {"hedged", "denied"}) for found in of_edges) > hedged
    real_page.click("#modalities-all")
    assert shown_counts(real_page) == (total_nodes, total_edges)
    assert real_page.evaluate("location.hash") == ""
    linked = open_page(built / "graph.html", "#modalities=-asserted,-reported")  # a view shared as a link
    assert shown_counts(linked)[1] == sum(bool(found & {"hedged", "denied"}) for found in of_edges)
    assert linked.locator("#modalities input:checked").count() == 2
    meaning = real_page.locator('#modalities input[data-modality="reported"]').get_attribute("aria-description")
    assert meaning and meaning.startswith("Presented as hearsay")  # the ontology's word for it


def test_a_source_lists_the_claims_and_events_that_cite_it(built: Path, open_page: Opener, project: Project) -> None:
    """An outlet or an anonymous source is linked to no record: its panel said "Claims and events (0)", read as
    "says nothing"; it lists what cites it, as outlet, source in `via`, or whom a source said it to."""
    model = project.model

    def citing(node: str) -> set[str]:
        return {
            record.id
            for record in [*model.claims.values(), *model.events.values()]
            for item in record.evidence
            if node in (model.articles[item.article].outlet, *item.via, item.said_to)
        }

    for node in ("kyiv-post", "radio-liberty", "reuters-syrian-source"):
        expected = citing(node)
        assert expected
        page = open_page(built / "graph.html", f"#node={node}")
        heading = page.locator("#details h3", has_text="Cited as a source")
        assert heading.text_content() == f"Cited as a source ({len(expected)})"
        listed = heading.locator("xpath=..").locator("article.entry")
        shown = {listed.nth(k).get_attribute("data-record") for k in range(listed.count())}
        assert shown <= expected and len(shown) == min(len(expected), 20)  # a page of them at first
        if len(expected) > 20:  # the next page, a click away
            heading.locator("xpath=..").locator("button.more").click()
            page.wait_for_function(
                "n => document.querySelectorAll('#details section:last-child article.entry').length === n",
                arg=min(len(expected), 40),
            )


def test_a_link_naming_relations_shows_their_links_only(built: Path, open_page: Opener, project: Project) -> None:
    graph = to_network(project.model, project.ontology)
    by_relation = Counter(relation for _, _, relation in graph.edges(data="relation"))
    first, second = (relation for relation, _ in by_relation.most_common(2))
    page = open_page(built / "graph.html", f"#relations={first},{second},operatez")
    assert shown_counts(page)[1] == by_relation[first] + by_relation[second]
    checked = page.locator("#relations input:checked")
    assert sorted(checked.nth(i).get_attribute("data-relation") or "" for i in range(checked.count())) == sorted(
        [first, second]
    )
    assert page.locator("#details .link-note").text_content() == "The link names no relation operatez."
    assert page.evaluate("location.hash") == f"#relations={first},{second}"
    doc = page.locator(f'#relations input[data-relation="{first}"]').locator("xpath=../..").locator("a.doc")
    assert doc.get_attribute("href") == f"ontology.html#{first}"  # the relation's entry in the documentation
    assert (built / "ontology.html").read_text(encoding="utf-8").count(f'id="{first}"') == 1


def test_the_article_filter_keeps_what_one_article_supports(real_page: Page, project: Project) -> None:
    article = "ki-bloomberg-russia-deal-near"
    real_page.click("#articles-none")
    assert shown_counts(real_page) == (0, 0)
    real_page.locator(f'#articles input[data-article="{article}"]').check()
    assert not node_hidden(real_page, PHONE_CALL)  # its evidence is in this article
    hidden = real_page.evaluate("""() => [...window.kg.drawnEdges].filter(([j, meta]) =>
        !window.kg.edges.get(j).hidden && !meta.articles.includes(window.kg.data.articles.findIndex(
            a => a.id === "ki-bloomberg-russia-deal-near"))).length""")
    assert hidden == 0
    real_page.click("#articles-all")
    assert shown_counts(real_page)[0] == len(project.model.entities) + len(project.model.events)


def panel_records(page: Page, heading: str) -> set[str]:
    """The records listed in the open panel's section whose title starts with `heading` (every page of it)."""
    part = page.locator("#details section", has=page.locator("h3", has_text=heading))
    while part.locator("button.more").count():
        part.locator("button.more").click()
    entries = part.locator("article.entry")
    return {entries.nth(k).get_attribute("data-record") or "" for k in range(entries.count())}


def test_a_nodes_panel_lists_apart_what_the_filters_and_the_date_hide(built: Path, open_page: Opener) -> None:
    """The panel listed every claim of a node whatever the filters: with one article kept, Tartus's panel gave
    claims the graph hid, as if that article said them.  It lists apart those the graph hides, and follows the
    filters and the date as they change."""
    node = "tartus-naval-base"
    page = open_page(built / "graph.html", f"#node={node}")
    page.locator("#details h3", has_text="Claims and events").wait_for()
    every = panel_records(page, "Claims and events")
    assert len(every) > 5 and not page.locator("#details .filtered-out").count()

    def lists_what_the_graph_shows(settled: str | re.Pattern[str]) -> set[str]:
        """The records listed as hidden, once the panel is listed again (its hidden section says `settled`),
        having checked that those listed as shown are those of the node's links the graph shows."""
        expect(page.locator("#details section.filtered-out h3")).to_have_text(settled)
        seen = page.evaluate(
            """key => {
            const i = window.kg.nodeIndex(key);
            return [...window.kg.drawnEdges].filter(([j, e]) => (e.from === i || e.to === i) &&
                !window.kg.edges.get(j).hidden).map(([, e]) => window.kg.loaded("records", e.record).id);
        }""",
            node,
        )
        shown, hidden = panel_records(page, "Claims and events"), panel_records(page, "Hidden by the filters")
        assert shown == set(seen) and shown | hidden == every and not shown & hidden
        heading = page.locator("#details h3", has_text="Claims and events").text_content()
        assert heading == f"Claims and events ({len(shown)} of {len(every)})"
        return hidden

    page.click("#articles-none")
    page.locator('#articles input[data-article="ki-bloomberg-russia-deal-near"]').check()
    hidden = lists_what_the_graph_shows(re.compile(r"Hidden by the filters or the date \(\d+\)"))
    assert 0 < len(hidden) < len(every)
    page.click("#articles-all")
    expect(page.locator("#details section.filtered-out")).to_have_count(0)
    expect(page.locator("#details h3", has_text="Claims and events")).to_have_text(f"Claims and events ({len(every)})")
    page.fill("#date", "2025-01-31")
    later = lists_what_the_graph_shows(re.compile(r"Hidden by the filters or the date \(\d+\)"))
    assert 0 < len(later) < len(every)


@pytest.mark.parametrize("control", ["slider", "date box"])
def test_the_time_slider_shows_the_graph_as_known_up_to_a_date(real_page: Page, control: str) -> None:
    call_edges = (
        "key => [...window.kg.drawnEdges].filter(([, m]) => window.kg.loaded('records', m.record).id === key)"
        ".map(([j]) => window.kg.edges.get(j).hidden)"
    )

    def show_until(date: str) -> None:
        if control == "date box":
            real_page.fill("#date", date)
        else:
            stops = real_page.evaluate("window.kg.data.stops")
            real_page.locator("#slider").fill(str(max(i for i, stop in enumerate(stops) if stop <= date)))

    show_until("2025-01-31")
    assert node_hidden(real_page, PHONE_CALL)
    assert all(real_page.evaluate(call_edges, PHONE_CALL))
    show_until("2025-02-28")
    assert not node_hidden(real_page, PHONE_CALL)
    assert not any(real_page.evaluate(call_edges, PHONE_CALL))


def test_the_story_runs_from_december_2024_to_april_2025_and_plays_forward(real_page: Page) -> None:
    assert real_page.locator("#story-empty").is_hidden()
    stops = real_page.evaluate("window.kg.data.stops")
    assert stops[0].startswith("2024-12") and stops[-1].startswith("2025-04")
    real_page.locator("#slider").fill("0")
    real_page.click("#play")
    deadline = time.monotonic() + 10
    while real_page.locator("#slider").input_value() in ("0", "1") and time.monotonic() < deadline:
        real_page.wait_for_timeout(100)
    assert int(real_page.locator("#slider").input_value()) >= 2
    real_page.click("#play")
    assert real_page.locator("#play").text_content() == "▶"


def test_clicking_tartus_lists_its_claims_with_their_quotes(real_page: Page, project: Project) -> None:
    key = "tartus-naval-base"
    model = project.model
    click_node(real_page, key)
    details = real_page.locator("#details")
    assert details.locator("h2").text_content() == "Tartus naval base"
    records = [c.id for c in model.claims.values() if key in (c.subject, c.object)]
    records += [e.id for e in model.events.values() if any(key in values for _, values in e.roles)]
    assert len(records) >= 5
    for record in records:
        block = details.locator(f'article[data-record="{record}"]')
        assert block.count() == 1, record
        text = block.text_content() or ""
        for quote in record_quotes(model, record):
            assert quote in text, (record, quote)
        assert "The Kyiv Independent" in text or "Kyiv Post" in text or "unknown outlet" in text


def test_a_click_highlights_the_neighbourhood_and_hover_tells_a_one_line_summary(real_page: Page) -> None:
    click_node(real_page, "ahmad-al-sharaa")
    opacity = real_page.evaluate("""() => {
        const i = window.kg.nodeIndex("ahmad-al-sharaa");
        const near = new Set([i, ...window.kg.network.getConnectedNodes(i)]);
        const all = window.kg.nodes.get();
        return [all.filter(n => near.has(n.id)).every(n => n.opacity !== 0.18),
                all.filter(n => !near.has(n.id)).every(n => n.opacity === 0.18)];
    }""")
    assert opacity == [True, True]
    x, y = node_on_screen(real_page, "tartus-naval-base")
    real_page.mouse.move(x, y)
    tooltip = real_page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert (tooltip.text_content() or "").startswith("Tartus naval base · military base · ")


# ---------------------------------------------------------------------------- the story timeline


def story_item(page: Page, key: str) -> dict[str, object]:
    """The timeline item of event `key`, with its drawn box's width in pixels (a point has none)."""
    item = page.evaluate(
        """key => {
        const id = "n" + window.kg.nodeIndex(key);
        const item = window.kg.story.get(id);
        if (!item) return null;
        const box = [...document.querySelectorAll("#story-timeline .vis-item")].find(
            (element) => element.textContent.includes(item.content.textContent));
        return { id, start: item.start, end: item.end || null, type: item.type, className: item.className,
                 width: box ? box.getBoundingClientRect().width : null, text: item.content.textContent };
    }""",
        key,
    )
    assert item is not None, f"{key} is not on the timeline"
    return item


def test_the_timeline_draws_a_day_as_a_point_and_a_month_as_a_span(real_page: Page) -> None:
    call = story_item(real_page, PHONE_CALL)
    assert (call["start"], call["end"], call["type"]) == ("2025-02-12", None, "point")
    assert "inferred" in str(call["className"]) and str(call["text"]).startswith("≈ ")  # its year is inferred
    appointed = story_item(real_page, "sharaa-appointed-interim-president")  # "January", year inferred
    assert (appointed["start"], appointed["end"], appointed["type"]) == ("2025-01-01", "2025-02-01", "range")
    real_page.evaluate("id => window.kg.timeline().focus(id, { animation: false })", appointed["id"])
    real_page.wait_for_timeout(200)
    drawn = story_item(real_page, "sharaa-appointed-interim-president")
    assert drawn["width"] is not None and float(str(drawn["width"])) > 100  # a month, drawn as a wide bar
    items = real_page.evaluate("window.kg.story.get().map(i => i.className)")
    assert any("conflicting" in c for c in items)  # conflicting claims and events are marked
    # an event in conflict, drawn in the overview, was never outlined (its items were made not conflicting)
    assert "conflicting" in str(story_item(real_page, "sybiha-statement-shared-views")["className"])
    assert "conflicting" not in str(story_item(real_page, "sybiha-visit-damascus-2024-12-30")["className"])
    # a dated claim with a literal value (no edge) is an item too: al-Sharaa holds the post from January
    # 2025 (its year inferred), drawn over the month it starts in
    facts = real_page.evaluate(
        "window.kg.story.get().filter(i => i.id[0] === 'f').map(i => [i.content.textContent, i.start, i.end])"
    )
    assert ["≈ Ahmad al-Sharaa", "2025-01-01", "2025-02-01"] in [[t.split(" — ")[0], s, e] for t, s, e in facts]


def test_the_timeline_shows_once_its_first_range_change_ends_with_no_redraw_after_it(
    built: Path, open_page: Opener
) -> None:
    """vis-timeline shows itself on the first redraw after its first range change: where none followed (a deep
    link's items added before the change ended, about one load in ten), the axis stayed blank."""
    page = open_page(built / "graph.html", "#node=sybiha-statement-shared-views")
    page.evaluate("""() => {
        const timeline = window.kg.timeline();
        timeline.initialDrawDone = false;  // as left where no redraw followed the first range change
        timeline.itemSet.initialDrawDone = false;
        timeline.dom.root.style.visibility = "hidden";
        timeline.dom.root.appendChild(timeline.dom.loadingScreen);
        timeline.emit("rangechanged", {});
    }""")
    page.wait_for_function("window.kg.timeline().dom.root.style.visibility === 'visible'", timeout=3000)


def test_clicking_the_call_on_the_timeline_selects_it_in_the_graph(real_page: Page) -> None:
    call = story_item(real_page, PHONE_CALL)
    real_page.evaluate("id => window.kg.timeline().focus(id, { animation: false })", call["id"])
    real_page.wait_for_timeout(200)
    box = real_page.locator("#story-timeline .vis-item", has_text="First official phone call").first
    box.click()
    index = node_index(real_page, PHONE_CALL)
    real_page.locator("#details h2").filter(has_text="First official phone call").wait_for()
    assert real_page.evaluate("window.kg.network.getSelectedNodes()") == [index]
    # and the other way round: picking a node in the graph selects its item on the timeline
    real_page.evaluate("key => window.kg.pick(window.kg.nodeIndex(key))", "sharaa-appointed-interim-president")
    selected = real_page.evaluate("window.kg.timeline().getSelection()")
    assert selected == ["n" + str(node_index(real_page, "sharaa-appointed-interim-president"))]


def test_the_slider_drives_the_timeline_too(real_page: Page) -> None:
    real_page.locator("#date").fill("2025-01-31")
    real_page.locator("#date").dispatch_event("change")
    shown = real_page.evaluate("window.kg.story.get().filter(i => i.shown !== false).map(i => i.since)")
    assert shown and max(shown) <= "2025-01-31"
    assert real_page.evaluate("window.kg.story.get().some(i => i.shown === false)")  # later ones left the axis


# ---------------------------------------------------------------------------- the article reader


def test_the_article_reader_highlights_every_cited_passage(real_page: Page, project: Project) -> None:
    article_id = "ki-bloomberg-russia-deal-near"
    article = project.model.articles[article_id]
    row = real_page.locator("#articles li", has=real_page.locator(f'input[data-article="{article_id}"]'))
    row.locator("button.read").click()
    real_page.locator(f'body[data-reader="{article_id}"]').wait_for(state="attached")
    reader = real_page.locator("#reader .article-text")
    assert reader.text_content() == article.text  # the whole text, nothing added, nothing lost
    runs = reader.evaluate("text => [...text.childNodes].map(n => [n.textContent, n.nodeName === 'MARK'])")
    cited, position = set(), 0
    for run, is_mark in runs:
        if is_mark:
            cited.update(range(position, position + len(run)))
        position += len(run)
    quotes = [item.quote for record in project.model.records() for item in record.evidence
              if item.article == article_id]  # fmt: skip
    assert quotes
    for quote in quotes:  # every character of each quote (where coverage counts it: its first occurrence)
        start = article.text.index(quote)
        assert set(range(start, start + len(quote))) <= cited, quote
    ignored = reader.locator(".ignored")
    assert ignored.count() >= len(article.ignore) and all(ignored.nth(i).get_attribute("data-reason")
                                                            for i in range(ignored.count()))  # fmt: skip


def test_clicking_a_passage_lists_its_claims_and_focuses_the_graph(real_page: Page, project: Project) -> None:
    real_page.evaluate(
        "window.kg.openArticle(window.kg.data.articles.findIndex(a => a.id === 'ki-bloomberg-russia-deal-near'))"
    )
    passage = real_page.locator("#reader mark.cited", has_text="first official phone conversation").first
    passage.click()
    real_page.locator("#details h2", has_text="The passage").wait_for()
    listed = real_page.locator("#details article[data-record]")
    records = {listed.nth(i).get_attribute("data-record") for i in range(listed.count())}
    assert PHONE_CALL in records
    assert node_index(real_page, PHONE_CALL) in real_page.evaluate("window.kg.network.getSelectedNodes()")
    # each under its title: the blocks showed dates, modality and quotes, and not what they said
    titles = real_page.locator("#details article[data-record] > p.relation")
    assert titles.count() == len(records)
    call = real_page.locator(f"#details article[data-record='{PHONE_CALL}'] > p.relation")
    assert call.text_content() == "First official phone call between Putin and al-Sharaa"
    # the evidence that quotes this passage is marked: a record's quotes from other articles came first, alike
    marked = real_page.locator(f"#details article[data-record='{PHONE_CALL}'] li.evidence.this-passage blockquote")
    assert marked.count() == 1 and "first official phone conversation" in (marked.text_content() or "")
    real_page.evaluate(
        "window.kg.openArticle(window.kg.data.articles.findIndex(a => a.id === 'kp-abu-qasra-russian-bases'))"
    )
    real_page.locator("#reader mark.cited", has_text="with The Washington Post").first.click()
    interview = real_page.locator("#details article[data-record='abu-qasra-wapo-interview'] li.evidence")
    interview.first.wait_for()
    mine = real_page.locator("#details article[data-record='abu-qasra-wapo-interview'] li.evidence.this-passage")
    assert interview.count() > 4 and mine.count() == 1  # eight quotes from three articles: this one marked
    assert "with The Washington Post" in (mine.locator("blockquote").text_content() or "")


def test_a_passage_opened_by_the_keyboard_leaves_the_keyboard_in_its_panel(real_page: Page) -> None:
    """Enter on a passage opened its panel and left the focus on the passage: 69 presses of Tab away."""
    real_page.evaluate(
        "window.kg.openArticle(window.kg.data.articles.findIndex(a => a.id === 'ki-bloomberg-russia-deal-near'))"
    )
    passage = real_page.locator("#reader mark.cited", has_text="first official phone conversation").first
    passage.focus()
    real_page.keyboard.press("Enter")
    real_page.locator("#details h2", has_text="The passage").wait_for()
    real_page.wait_for_function("document.querySelector('#details').contains(document.activeElement)")
    real_page.keyboard.press("Escape")
    expect(real_page.locator("#details")).to_be_hidden()
    assert real_page.evaluate("document.activeElement.matches('#reader mark.cited')")  # back where it was


# ---------------------------------------------------------------------------- deep links


def test_a_deep_link_opens_focused_on_tartus(built: Path, open_page: Opener) -> None:
    page = open_page(built / "graph.html", "#node=tartus-naval-base")
    index = node_index(page, "tartus-naval-base")
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [index]
    assert page.locator("#details h2").text_content() == "Tartus naval base"
    # the view glides there (350 ms), centred on it, at least at its natural size
    page.wait_for_function(
        """i => {
        const network = window.kg.network, at = network.getViewPosition(), node = network.getPositions([i])[i];
        return network.getScale() >= 0.999 && Math.abs(at.x - node.x) < 5 && Math.abs(at.y - node.y) < 5;
    }""",
        arg=index,
        timeout=5000,
    )


def test_deep_links_open_an_article_and_a_date_and_picking_writes_the_link(built: Path, open_page: Opener) -> None:
    page = open_page(built / "graph.html", "#article=kp-abu-qasra-russian-bases&date=2025-01-28")
    assert page.locator("body").get_attribute("data-reader") == "kp-abu-qasra-russian-bases"
    assert page.locator("#date").input_value() == "2025-01-28"
    page.evaluate("key => window.kg.pick(window.kg.nodeIndex(key))", "russia")
    page.wait_for_function("location.hash.includes('node=russia')")
    assert page.evaluate("location.hash") == "#article=kp-abu-qasra-russian-bases&date=2025-01-28&node=russia"


def test_of_two_quick_picks_the_last_one_shows_everywhere(tmp_path: Path, open_page: Opener) -> None:
    """The first pick, still loading a node not drawn, went on after the second: its panel, selection and view
    over the second's, or the second's panel under the first's address."""
    page = open_page(large_page_five_thousand_nodes(tmp_path))
    far, near = page.evaluate("""() => {
        const undrawn = [...Array(window.kg.data.counts.nodes).keys()].filter((i) => !window.kg.drawn.has(i));
        return [undrawn[undrawn.length - 1], [...window.kg.drawn.keys()][0]];
    }""")  # the last node's shard is not loaded yet; the first drawn node's is
    page.evaluate("([a, b]) => Promise.all([window.kg.pick(a), window.kg.pick(b)])", [far, near])
    page.wait_for_timeout(500)  # the glide, and any late answer for the first
    name, key = page.evaluate("i => [window.kg.drawn.get(i).name, window.kg.loaded('nodes', i).key]", near)
    assert page.locator("#details h2").text_content() == name
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [near]
    assert page.evaluate("location.hash") == f"#node={key}"


@pytest.mark.parametrize("date", ["2025-13-01", "2025-02-30", "2025-00-10"])
def test_a_link_with_a_date_that_is_no_day_still_opens_its_node_and_says_so(
    built: Path, open_page: Opener, date: str
) -> None:
    """`#date=2025-13-01&node=russia` threw (RangeError: Invalid time value) and never opened the node."""
    page = open_page(built / "graph.html", f"#date={date}&node=russia")
    assert page.locator("#details h2").text_content() == "Russia"
    assert page.locator("#details .link-note").text_content() == f"The link names no date {date}."
    assert page.locator("#timeline-note").text_content().startswith("2024-")  # every date shown, as it opens
    assert page.evaluate("location.hash") == "#node=russia"


def test_a_link_to_no_node_says_so(built: Path, open_page: Opener) -> None:
    page = open_page(built / "graph.html", "#node=tartus-base")
    assert page.locator("#details h2").text_content() == "Not in this graph"
    assert page.locator("#details .link-note").text_content() == "The link names no node tartus-base."


def test_the_address_follows_clicks_and_closing_and_an_edited_link_is_the_whole_view(
    built: Path, open_page: Opener
) -> None:
    page = open_page(built / "graph.html", "#article=kp-abu-qasra-russian-bases&date=2025-01-28&node=syria")
    click_node(page, "russia")
    page.wait_for_function("location.hash.endsWith('node=russia')")
    page.keyboard.press("Escape")  # closes the details, and the address no longer names the node
    assert page.locator("#details").is_hidden()
    assert page.evaluate("location.hash") == "#article=kp-abu-qasra-russian-bases&date=2025-01-28"
    page.evaluate("location.hash = '#node=syria'")  # the reader and the date the link no longer names go
    page.locator("#details h2", has_text="Syria").wait_for()
    page.wait_for_function("!document.body.dataset.reader")
    assert page.locator("#reader").is_hidden() and page.evaluate("location.hash") == "#node=syria"
    assert not page.locator("#timeline-note").text_content().startswith("known up to")


def test_back_returns_to_the_node_picked_before(built: Path, open_page: Opener) -> None:
    """The address was only replaced: Back left the page instead of returning to the last node."""
    page = open_page(built / "graph.html")
    for key in ("russia", "syria"):
        page.evaluate("key => window.kg.pick(window.kg.nodeIndex(key))", key)
    page.wait_for_function("location.hash === '#node=syria'")
    page.go_back()
    page.locator("#details h2", has_text="Russia").wait_for()
    assert page.evaluate("[location.hash, window.kg.network.getSelectedNodes()]") == [
        "#node=russia",
        [node_index(page, "russia")],
    ]
    page.go_back()
    page.locator("#details").wait_for(state="hidden")
    assert page.evaluate("location.hash") == ""


def test_back_from_the_ontology_page_shows_the_filters_as_they_are(
    built: Path, open_page: Opener, real_graph: nx.MultiDiGraph
) -> None:
    """Back restored the boxes as they were left, unchecked, over a page that opened showing everything; the
    address names the filters now, and the boxes and the graph both follow it."""
    page = open_page(built / "graph.html")
    page.locator('#classes input[data-class="Person"]').uncheck()
    page.locator("#classes a.doc").first.click()
    page.wait_for_url("**/ontology.html#*")
    page.go_back()
    page.wait_for_selector("body[data-ready=true]", state="attached")
    page.evaluate("window.kg.linked")
    assert page.evaluate("location.hash") == "#classes=-Person"
    assert page.locator("#classes input:not(:checked)").count() == 1
    assert not page.locator('#classes input[data-class="Person"]').is_checked()
    people = sum(1 for _, cls in real_graph.nodes(data="cls") if cls == "Person")
    assert shown_counts(page)[0] == page.evaluate("window.kg.nodes.length") - people


def test_the_filters_are_in_the_address_and_back_restores_them(built: Path, open_page: Opener) -> None:
    """The class and article boxes were not in the address: a shared link lost them, and Back after changing
    them left them as they were."""
    page = open_page(built / "graph.html")
    total = shown_counts(page)
    person = page.locator('#classes input[data-class="Person"]')
    article = "ki-bloomberg-russia-deal-near"
    person.uncheck()
    expect(page).to_have_url(re.compile(r"#classes=-Person$"))  # what differs from showing everything
    page.click("#articles-none")
    expect(page).to_have_url(re.compile(r"#classes=-Person&articles=$"))
    page.locator(f'#articles input[data-article="{article}"]').check()
    link = f"#classes=-Person&articles={article}"  # the fewer names: the one article shown
    expect(page).to_have_url(re.compile(re.escape(link) + "$"))
    filtered = shown_counts(page)
    assert filtered[0] < total[0]
    shared = open_page(built / "graph.html", link)  # a shared link opens as it was left
    assert not shared.locator('#classes input[data-class="Person"]').is_checked()
    assert shared.locator("#articles input:checked").count() == 1
    assert shown_counts(shared) == filtered
    page.go_back()  # each change of the filters is a step Back returns from
    expect(page).to_have_url(re.compile(r"#classes=-Person&articles=$"))
    expect(page.locator("#articles input:checked")).to_have_count(0)
    assert shown_counts(page) == (0, 0)
    page.go_back()
    expect(page).to_have_url(re.compile(r"#classes=-Person$"))
    expect(page.locator("#articles input:not(:checked)")).to_have_count(0)
    assert not person.is_checked()
    page.go_back()
    expect(person).to_be_checked()
    assert page.evaluate("location.hash") == "" and shown_counts(page) == total
    person.uncheck()
    person.check()  # back to showing everything: the address is clean again
    expect(page).to_have_url(re.compile(r"graph\.html$"))


def test_a_link_naming_an_empty_class_says_so(built: Path, open_page: Opener) -> None:
    """`classes=-` (a hand-edited link) was told as "The link names no class ." with nothing named."""
    page = open_page(built / "graph.html", "#classes=-&node=russia")
    expect(page.locator("#details .link-note")).to_have_text("The link names no class (an empty name).")


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ("#relations=operatess", "no relation operatess"),
        ("#classes=Persn", "no class Persn"),
        ("#articles=ki-bloomberg-russia-deal-nea", "no article ki-bloomberg-russia-deal-nea"),
    ],
)
def test_a_link_naming_only_unknown_filter_values_opens_the_rest(
    built: Path, open_page: Opener, link: str, said: str
) -> None:
    """It emptied the graph (0 of 314 edges), against "says so … and opens the rest"."""
    page = open_page(built / "graph.html", link)
    expect(page.locator("#details .link-note")).to_have_text(f"The link names {said}.")
    expect(page.locator("#classes input:not(:checked), #relations input:not(:checked)")).to_have_count(0)
    expect(page.locator("#articles input:not(:checked)")).to_have_count(0)
    nodes, edges = shown_counts(page)
    assert nodes > 100 and edges > 300, (nodes, edges)


def test_a_link_naming_only_some_classes_shows_those_and_says_what_it_does_not_know(
    built: Path, open_page: Opener
) -> None:
    page = open_page(built / "graph.html", "#classes=Person,Country,Persn&articles=-nope&node=russia")
    assert page.locator("#details h2").text_content() == "Russia"
    assert page.locator("#details .link-note").text_content() == "The link names no class Persn, no article nope."
    checked = page.locator("#classes input:checked")
    assert sorted(checked.nth(i).get_attribute("data-class") or "" for i in range(checked.count())) == [
        "Country",
        "Person",
    ]
    assert page.locator("#articles input:not(:checked)").count() == 0
    assert page.evaluate("location.hash") == "#classes=Country,Person&node=russia"  # without what it got wrong
    page.evaluate("location.hash = '#node=russia'")  # an edited address is the whole view: every class again
    expect(page.locator("#classes input:not(:checked)")).to_have_count(0)


def test_the_expand_row_counts_neighbours_and_says_when_all_are_drawn(tmp_path: Path, open_page: Opener) -> None:
    """It counted links ("40 not drawn" where 39 were added), and kept its count after the expansion."""
    model = synthetic_model(5000)
    first = next(iter(model.claims.values()))
    quiet = list(model.entities)[-5:]  # the least linked: left out of the overview
    for n, (other, predicate) in enumerate((o, p) for o in quiet for p in ("supports", "opposes")):  # each linked twice
        claim = replace(first, id=f"twice-{n}", subject=first.subject, predicate=predicate, object=other)
        model.claims[claim.id] = claim
    files = render_page(Project(model, load_ontology(ONTOLOGY), tmp_path))
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    page = open_page(tmp_path / "graph.html")
    index = page.evaluate("key => window.kg.findKey(key)", first.subject)
    page.evaluate("i => window.kg.pick(i)", index)
    undrawn = page.evaluate(
        "keys => keys.filter((key) => !window.kg.drawn.has(window.kg.nodeIndex(key))).length", quiet
    )
    assert undrawn == 5
    row = page.locator("#details .expand-row")
    counted = int(re.fullmatch(r" \((\d+) not drawn\)", row.locator(".count").text_content() or "")[1])
    links = page.evaluate("""async (i) => {
        const size = window.kg.data.shardSize;
        const value = (await window.kg.shard("nodes", Math.floor(i / size)))[i % size];
        const others = value.links.map((link) => link[1]).filter((n) => !window.kg.drawn.has(n));
        return [others.length, new Set(others).size];
    }""", index)  # fmt: skip
    assert links[0] > links[1] == counted
    before = page.evaluate("window.kg.drawn.size")
    row.locator("button.expand").click()
    row.locator("button.expand", has_text="Every neighbour is drawn").wait_for()  # (wait_for_function evals: CSP)
    assert page.evaluate("window.kg.drawn.size") == before + counted
    nearest = page.evaluate("""(keys) => {
        const at = window.kg.network.getPositions();
        const fresh = keys.map((key) => window.kg.nodeIndex(key));
        return Math.min(...fresh.map((i) => Math.min(...Object.keys(at).filter((j) => Number(j) !== i)
            .map((j) => Math.hypot(at[i].x - at[j].x, at[i].y - at[j].y)))));
    }""", quiet)  # fmt: skip
    assert nearest > 89  # landed clear of what was drawn (labels overprinted)
    assert row.locator("button.expand").text_content() == "Every neighbour is drawn"
    assert row.locator("button.expand").is_disabled()


def test_a_low_window_opens_on_the_graph_with_the_timeline_folded(browser: Browser, built: Path) -> None:
    """A laptop's screen at 200 % zoom (960 × 540 CSS pixels): the timeline's 237 px left the graph 205."""
    context = browser.new_context(viewport={"width": 960, "height": 540}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto((built / "graph.html").as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached")
        graph = page.locator("#graph").bounding_box()
        assert graph is not None and graph["height"] >= 400, graph
        assert page.get_attribute("#story-toggle", "aria-expanded") == "false"
        page.click("#story-toggle")  # a click away, drawn when opened
        expect(page.locator("#story-timeline .vis-item").first).to_be_visible()
        timeline = page.locator("#story-timeline").bounding_box()
        assert timeline is not None and timeline["height"] <= 140, timeline
    finally:
        context.close()


def test_a_narrow_window_fits_the_page_and_each_panel_in_it(real_page: Page) -> None:
    """At 400 px the three panels kept their widths side by side: the page scrolled sideways, the graph had
    157 px of it and the details 152."""
    real_page.set_viewport_size({"width": 400, "height": 700})
    fits = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert real_page.evaluate(fits)
    graph = real_page.locator("#graph").bounding_box()
    assert graph is not None and graph["width"] >= 380 and graph["height"] >= 150, graph
    real_page.fill("#search-input", "tartus-naval-base")
    real_page.press("#search-input", "Enter")
    expect(real_page.locator("#details h2")).to_have_text("Tartus naval base")
    details = real_page.locator("#details").bounding_box()
    assert details is not None and details["x"] >= 0 and 380 <= details["width"] <= 400, details
    real_page.locator("#details-close").click()  # on screen, and not under anything
    real_page.locator("#articles button.read").first.click()
    expect(real_page.locator("#reader h2")).to_be_visible()
    for panel in ("#reader", "#side"):
        box = real_page.locator(panel).bounding_box()
        assert box is not None and box["x"] >= 0 and 380 <= box["width"] <= 400, (panel, box)
    assert real_page.evaluate(fits)
    real_page.locator("#reader-close").click()


# ---------------------------------------------------------------------------- the keyboard


def focused(page: Page) -> str:
    """What has the keyboard focus: its tag, id and data-* attributes."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        return [e.tagName.toLowerCase(), e.id, ...Object.entries(e.dataset).map(([k, v]) => k + "=" + v)].join(" ");
    }""")  # fmt: skip


def hold(page: Page, key: str, ms: int = 250) -> None:
    """A key held down a moment: vis-network pans and zooms while it is down."""
    page.keyboard.down(key)
    page.wait_for_timeout(ms)
    page.keyboard.up(key)


def test_the_graph_takes_the_keyboard(built: Path, open_page: Opener) -> None:
    """The canvas had no name, answered no key and showed no focus."""
    page = open_page(built / "graph.html")
    graph = page.locator("#graph .vis-network")
    assert graph.get_attribute("tabindex") == "0"
    assert (graph.get_attribute("aria-label") or "").startswith("The graph")
    page.focus("#search-input")
    for _ in range(16):  # Tab reaches it
        page.keyboard.press("Tab")
        if graph.evaluate("frame => frame === document.activeElement"):
            break
    assert graph.evaluate("frame => frame === document.activeElement"), focused(page)
    assert graph.evaluate("frame => getComputedStyle(frame).outlineStyle") != "none"  # the focus shows
    expect(page.locator("#graph-keys")).to_be_visible()  # and the keys it takes
    scale = page.evaluate("window.kg.network.getScale()")
    hold(page, "+")
    zoomed = page.evaluate("window.kg.network.getScale()")
    assert zoomed > scale
    hold(page, "-")
    assert page.evaluate("window.kg.network.getScale()") < zoomed
    before = page.evaluate("window.kg.network.getViewPosition()")
    hold(page, "ArrowLeft")
    after = page.evaluate("window.kg.network.getViewPosition()")
    assert after["x"] < before["x"] and abs(after["y"] - before["y"]) < 1  # the view moved left
    # Shift+arrows move between drawn nodes: the first lands on the one nearest the centre of the view
    page.keyboard.press("Shift+ArrowRight")
    first = page.evaluate("window.kg.cursor()")
    assert first is not None
    name = page.evaluate("i => window.kg.drawn.get(i).name", first)
    expect(page.locator("#graph-cursor")).to_contain_text(name)
    page.keyboard.press("Shift+ArrowRight")
    second = page.evaluate("window.kg.cursor()")
    at = page.evaluate("ids => window.kg.network.getPositions(ids)", [first, second])
    assert second != first and at[str(second)]["x"] > at[str(first)]["x"]
    assert page.evaluate("window.kg.network.getSelectedNodes()") == []  # moving reads, it does not pick
    page.keyboard.press("Enter")  # opens its details, and the keyboard stays in the graph
    name = page.evaluate("i => window.kg.drawn.get(i).name", second)
    expect(page.locator("#details h2")).to_have_text(name)
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [second]
    key = page.evaluate("i => window.kg.loaded('nodes', i).key", second)
    expect(page).to_have_url(re.compile(f"#node={re.escape(key)}$"))
    assert graph.evaluate("frame => frame === document.activeElement")
    page.keyboard.press("Escape")
    expect(page.locator("#details")).to_be_hidden()


def test_closing_the_details_by_keyboard_takes_it_back_where_it_was(real_page: Page) -> None:
    """Escape (or the close button) in the details panel left the keyboard at the page's start: the next Tab
    began again from the header."""
    real_page.fill("#search-input", "Julani")
    real_page.locator("#search-results .result").first.wait_for()
    real_page.press("#search-input", "Enter")
    expect(real_page.locator("#details h2")).to_have_text("Ahmad al-Sharaa")
    real_page.wait_for_function("document.querySelector('#details').contains(document.activeElement)")
    real_page.keyboard.press("Escape")
    expect(real_page.locator("#details")).to_be_hidden()
    assert real_page.evaluate("document.activeElement.id") == "search-input"


def test_the_keyboard_shows_which_passage_of_the_reader_it_is_on(real_page: Page) -> None:
    """A cited passage with the focus only turned a shade darker yellow, the shade of one hovered, next to the
    orange of the passage last opened: which one Enter would open could not be told."""
    real_page.locator("#articles button.read").first.click()
    real_page.locator("#reader mark.cited").first.wait_for()
    for _ in range(10):
        real_page.keyboard.press("Tab")
        if real_page.evaluate("document.activeElement.matches('#reader mark.cited')"):
            break
    mark = real_page.locator("#reader mark.cited:focus")
    assert mark.evaluate("m => m.matches(':focus-visible')"), focused(real_page)
    assert mark.evaluate("m => getComputedStyle(m).outlineStyle") != "none"


def test_a_screen_reader_hears_each_control_by_a_name_of_its_own(real_page: Page) -> None:
    """Three pairs of buttons were each "all" and "none", the slider said its step ("13") rather than its day,
    the search was a plain text box owning a list, and the timeline's toggle was read with its triangle."""
    side = real_page.locator("#side")
    names = [button.evaluate("b => b.getAttribute('aria-label') || b.textContent") for button in
             side.get_by_role("button").all()]  # fmt: skip
    assert len(names) == len(set(names)) >= 6, names
    for kind in ("classes", "relations", "articles"):
        expect(side.get_by_role("button", name=f"all {kind}", exact=True)).to_have_count(1)
        expect(side.get_by_role("button", name=f"none of the {kind}", exact=True)).to_have_count(1)
    last = real_page.evaluate("window.kg.data.stops[window.kg.data.stops.length - 1]")
    expect(real_page.get_by_role("slider")).to_have_attribute("aria-valuetext", last)
    real_page.locator("#slider").focus()
    real_page.keyboard.press("Home")
    expect(real_page.get_by_role("slider")).to_have_attribute("aria-valuetext", "2024-12-01")
    expect(real_page.get_by_role("combobox", name="Find a node by name or alias")).to_have_count(1)
    expect(real_page.get_by_role("button", name="Timeline", exact=True)).to_have_count(1)


def test_a_link_followed_from_the_details_by_keyboard_keeps_the_keyboard_there(built: Path, open_page: Opener) -> None:
    """The panel was replaced under the link pressed: the focus fell to the page's start, Tab from the search."""
    page = open_page(built / "graph.html")
    page.fill("#search-input", "tartus-naval-base")
    page.press("#search-input", "Enter")
    expect(page.locator("#details h2")).to_have_text("Tartus naval base")
    page.keyboard.press("Tab")
    link = page.evaluate("document.activeElement.textContent")
    assert page.evaluate("document.activeElement.matches('#details button.link')"), focused(page)
    page.keyboard.press("Enter")
    expect(page.locator("#details h2")).to_have_text(link)
    assert focused(page) == "div details-body"  # the keyboard reads on from the top of the node followed
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#details') !== null"), focused(page)


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus replicated 30 times (150 articles, each with its text), built by `kg build`."""
    folder = tmp_path_factory.mktemp("many-articles")
    replicate(SOURCES, 30, folder / "sources")
    kg.build(folder / "sources", ONTOLOGY, folder / "exports")
    return folder / "exports" / "graph.html"


def test_tab_from_the_search_reaches_the_details_past_the_long_lists(many_articles: Path, open_page: Opener) -> None:
    """Tab crossed two stops a class and two an article (the check box and its link or button): 2,540 rows
    at 100,000 facts.  Each list is one stop now, and the arrow keys move inside it."""
    page = open_page(many_articles)
    articles = page.evaluate("window.kg.data.articles.map((a) => a.id)")
    assert len(articles) >= 100
    page.evaluate("window.kg.pick([...window.kg.drawn.keys()][0])")
    page.locator("#details h2").wait_for()
    page.focus("#search-input")
    in_details = "details => details.contains(document.activeElement)"
    presses = 0
    while presses < 40 and not page.locator("#details").evaluate(in_details):
        page.keyboard.press("Tab")
        presses += 1
    assert page.locator("#details-close").evaluate("b => b === document.activeElement"), focused(page)
    assert presses <= 16, presses  # 13 since the relation list came, 16 since the modality list
    # the article list: one stop, entered at its first row; the arrows move in it
    page.focus("#articles-find")
    page.keyboard.press("Tab")
    assert focused(page) == f"input  article={articles[0]}"
    page.keyboard.press("ArrowDown")
    assert focused(page) == f"input  article={articles[1]}"
    page.keyboard.press("ArrowRight")  # to the row's read button
    assert page.evaluate("document.activeElement.className") == "read"
    page.keyboard.press("ArrowDown")  # the same column, a row further
    assert page.evaluate("document.activeElement.closest('li').querySelector('input').dataset.article") == articles[2]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("End")
    assert focused(page) == f"input  article={articles[-1]}"
    page.keyboard.press("Space")  # checks and unchecks as ever, and the address says so
    expect(page).to_have_url(re.compile(f"[#&]articles=-{re.escape(articles[-1])}$"))
    page.keyboard.press("Home")
    assert focused(page) == f"input  article={articles[0]}"
    page.keyboard.press("Tab")  # and leaves the list at once
    assert not page.evaluate("document.getElementById('articles').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")  # back to the row it left
    assert focused(page) == f"input  article={articles[0]}"
    # a search of the list: the stop moves to the first row it shows, and the arrows pass the others
    words = page.evaluate("i => document.querySelectorAll('#articles li')[i].textContent", 7).split()[-2:]
    page.fill("#articles-find", " ".join(words))
    shown = page.locator("#articles li:not([hidden]) input[type=checkbox]")
    assert 1 <= shown.count() < len(articles)
    page.focus("#articles-find")
    page.keyboard.press("Tab")
    assert focused(page) == f"input  article={shown.first.get_attribute('data-article')}"
    page.keyboard.press("End")
    assert focused(page) == f"input  article={shown.last.get_attribute('data-article')}"
    # the class list too: one stop, Space toggles the box the arrows reached
    page.focus("#classes-none")
    page.keyboard.press("Tab")
    classes = page.evaluate("window.kg.data.classes.map((c) => c.name)")
    assert focused(page) == f"input  class={classes[0]}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.locator(f'#classes input[data-class="{classes[1]}"]')).not_to_be_checked()


# ---------------------------------------------------------------------------- hostile text and scale


def test_a_hostile_name_is_displayed_as_text(mini: Path, tmp_path: Path, open_page: Opener) -> None:
    facts = mini / "facts" / "mini.yaml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace(
        "entities:\n", f"entities:\n  - {{id: hostile, type: Person, name: '{HOSTILE}', aliases: ['<b>bold</b>']}}\n", 1
    )
    text += (
        "  - subject: hostile\n    predicate: supports\n    object: russia\n    evidence:\n"
        "      - quote: Russia operates the Tartus naval base\n"
    )
    facts.write_text(text, encoding="utf-8")
    kg.build(mini, ONTOLOGY, tmp_path / "exports")
    page = open_page(tmp_path / "exports" / "graph.html")
    page.fill("#search-input", "onerror")
    assert page.locator("#search-results .name").first.text_content() == HOSTILE
    page.press("#search-input", "Enter")
    assert page.locator("#details h2").text_content() == HOSTILE
    assert "<b>bold</b>" in (page.locator("#details .aliases").text_content() or "")
    x, y = node_on_screen(page, "hostile")
    page.mouse.move(x, y)
    page.locator("div.vis-tooltip").wait_for(state="visible")
    assert HOSTILE in (page.locator("div.vis-tooltip").text_content() or "")
    assert page.evaluate("document.querySelectorAll('img, b').length") == 0
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_hostile_text_stays_text_in_the_timeline_and_the_reader(mini: Path, tmp_path: Path, open_page: Opener) -> None:
    """An event named like markup is a timeline item; an article passage like markup is read, greyed, as text."""
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "name: Syria demands Assad's extradition", f"name: '{HOSTILE}'"), encoding="utf-8")  # fmt: skip
    text_file = mini / "articles" / "mini-article.txt"
    # an emoji before it: two UTF-16 units to JavaScript, one character to Python, and the marks still fit
    text_file.write_text(text_file.read_text(encoding="utf-8") + f"\nFlag 🇸🇾 shown.\n{HOSTILE}\n", encoding="utf-8")
    article = mini / "articles" / "mini-article.yaml"
    article.write_text(
        article.read_text(encoding="utf-8")
        + f"  - quote: 'Flag 🇸🇾 shown.'\n    reason: a flag\n  - quote: '{HOSTILE}'\n    reason: '<b>bold</b>'\n",
        encoding="utf-8",
    )
    kg.build(mini, ONTOLOGY, tmp_path / "exports")
    page = open_page(tmp_path / "exports" / "graph.html", "#article=mini-article")
    item = page.locator("#story-timeline .vis-item", has_text="onerror").first
    item.wait_for()
    assert HOSTILE in (item.text_content() or "")
    ignored = page.locator("#reader .ignored", has_text="onerror")
    assert ignored.text_content() == HOSTILE and ignored.get_attribute("data-reason") == "<b>bold</b>"
    assert page.locator("#reader .ignored", has_text="Flag").text_content() == "Flag 🇸🇾 shown."
    item.click()
    page.locator("#details h2", has_text="onerror").wait_for()
    assert page.evaluate("document.querySelectorAll('img, b').length") == 0
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_a_long_unbroken_name_wraps_inside_the_panels(mini: Path, tmp_path: Path, open_page: Opener) -> None:
    """An alias with no space to break at (an address, a run of letters) ran out of the details panel and the
    search's list, which then scrolled sideways to show the rest of every line."""
    long = "Tartus" + "W" * 300
    edit(mini, Path("facts/mini.yaml"), "aliases: [Tartus]", f"aliases: [Tartus, {long}]")
    kg.build(mini, ONTOLOGY, tmp_path / "exports")
    page = open_page(tmp_path / "exports" / "graph.html", "#node=tartus-naval-base")
    expect(page.locator("#details .aliases")).to_contain_text(long)
    assert page.locator("#details-body").evaluate("body => body.scrollWidth <= body.clientWidth")
    page.fill("#search-input", "WWWW")
    expect(page.locator("#search-results .alias")).to_contain_text(long)
    assert page.locator("#search-results").evaluate("list => list.scrollWidth <= list.clientWidth")


def test_a_thousand_node_page_opens_with_every_node_and_answers_a_click(tmp_path: Path, open_page: Opener) -> None:
    """Behaviour at scale; how fast is measured by tests/tools/bench_html.py, not asserted here."""
    project = Project(synthetic_model(1000), load_ontology(ONTOLOGY), tmp_path)
    path = tmp_path / "graph.html"
    path.write_text(render_html(project), encoding="utf-8")
    page = open_page(path)
    assert page.evaluate("window.kg.data.counts.nodes") == 1000
    assert page.evaluate("window.kg.network.body.data.nodes.length") == 1000
    key = page.evaluate("""() => {
        const degree = (i) => window.kg.network.getConnectedEdges(i).length;
        const hub = [...window.kg.drawn.keys()].sort((a, b) => degree(b) - degree(a) || a - b)[0];
        return window.kg.loaded("nodes", hub).key;
    }""")
    click_node(page, key)
    page.locator("#details article").first.wait_for()
    assert page.locator("#details article").count() >= 1


def large_page_five_thousand_nodes(folder: Path) -> Path:
    """5,000 nodes (a synthetic model), its page rendered straight from the model."""
    project = Project(synthetic_model(5000), load_ontology(ONTOLOGY), folder)
    files = render_page(project)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "graph.html"


def large_page_hundred_thousand_facts(folder: Path) -> Path:
    """100,000 facts (the benchmark's synthetic corpus: 20,000 nodes), built by `kg build` as a user would."""
    write_corpus(folder / "sources", 100_000)
    kg.build(folder / "sources", ONTOLOGY, folder / "exports")
    return folder / "exports" / "graph.html"


@pytest.mark.parametrize("make", [large_page_five_thousand_nodes, large_page_hundred_thousand_facts])
def test_a_large_graph_opens_on_a_bounded_overview_and_reaches_the_rest(
    make: Callable[[Path], Path], tmp_path: Path, open_page: Opener
) -> None:
    """Shards beside the page; search finds a node the overview leaves out, expanding it draws its
    neighbours, and the page never draws more than its bound."""
    path = make(tmp_path)
    shards = [p for p in path.parent.rglob("*.js")]
    assert len(shards) > 10 and path.stat().st_size < 2_000_000  # what loads before the first draw
    page = open_page(path)
    shown_items = page.evaluate("window.kg.story.get({ filter: (item) => item.shown !== false }).length")
    assert page.locator("#story-empty").is_visible() == (shown_items == 0)  # a blank axis said nothing
    limits = page.evaluate("[window.kg.data.counts.nodes, window.kg.drawn.size, window.kg.data.maxDrawn]")
    assert limits[0] >= 5000 and limits[1] <= 1000 < limits[2] <= 2000
    # the least connected (linked) node with a name of its own is not in the overview: find it by name
    least = page.evaluate("""async () => {
        const size = window.kg.data.searchShardSize;
        const all = await Promise.all(Array.from({ length: Math.ceil(window.kg.data.counts.nodes / size) },
                                                  (_, n) => window.kg.shard("search", n)));
        const rows = [].concat(...all).map((row, i) => ({ i, key: row[0], name: row[1][0], degree: row[3] }));
        const names = new Map();
        rows.forEach((row) => names.set(row.name, (names.get(row.name) || 0) + 1));
        const left = rows.filter((row) => !window.kg.drawn.has(row.i) && names.get(row.name) === 1 && row.degree > 0);
        left.sort((a, b) => a.degree - b.degree || a.i - b.i);
        return left[0];
    }""")
    page.fill("#search-input", least["name"])
    page.press("#search-input", "Enter")  # at once: Enter waits for the search index, loading on first use
    page.locator("#details h2").filter(has_text=least["name"]).wait_for()
    assert page.evaluate("i => window.kg.drawn.has(i)", least["i"])
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [least["i"]]
    # expanding it draws its neighbours
    before = page.evaluate("window.kg.drawn.size")
    done = page.evaluate("i => window.kg.expand(i, 100)", least["i"])
    neighbours = page.evaluate("i => window.kg.network.getConnectedNodes(i).length", least["i"])
    assert neighbours >= 1 and done["left"] == 0  # every neighbour is drawn now, linked to it
    assert page.evaluate("window.kg.drawn.size") == before + done["added"]
    # expanding a hub draws neighbours, up to the bound and no further
    hub = page.evaluate("[...window.kg.drawn.keys()].sort((a, b) => window.kg.drawn.get(b).degree - "
                        "window.kg.drawn.get(a).degree || a - b)[0]")  # fmt: skip
    before = page.evaluate("window.kg.drawn.size")
    for _ in range(12):
        done = page.evaluate("i => window.kg.expand(i, 100)", hub)
        if done["full"] or not done["left"]:
            break
    after = page.evaluate("window.kg.drawn.size")
    assert after > before
    assert after <= page.evaluate("window.kg.data.maxDrawn")
    assert page.evaluate("window.kg.network.body.data.nodes.length") == after
    # the last article's text arrives from the last article shard, whole
    article = page.evaluate("window.kg.data.articles[window.kg.data.articles.length - 1]")
    text_file = path.parent.parent / "sources" / "articles" / f"{article['id']}.txt"
    if text_file.exists():
        row = page.locator("#articles li", has=page.locator(f'input[data-article="{article["id"]}"]'))
        row.locator("button.read").click()
        page.locator(f'body[data-reader="{article["id"]}"]').wait_for(state="attached")
        assert page.locator("#reader .article-text").text_content() == text_file.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page of 5,000 nodes with its shards in a folder beside it: the directory holding both."""
    return large_page_five_thousand_nodes(tmp_path_factory.mktemp("sharded")).parent


@pytest.mark.parametrize(
    ("kind", "damage", "said"), [("nodes", None, "is missing"), ("search", "kgShard(", "is damaged")]
)
def test_a_missing_or_damaged_shard_is_said_not_left_blank(
    sharded: Path, tmp_path: Path, browser: Browser, kind: str, damage: str | None, said: str
) -> None:
    """The folder not copied with the page, or a file of it cut short: what needed it says so, every time."""
    shutil.copytree(sharded, tmp_path / "page")
    folder = next((tmp_path / "page").glob("graph-*/"))
    for file in folder.glob(f"{kind}-*.js"):
        if damage is None:
            file.unlink()
        else:
            file.write_text(damage, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto((tmp_path / "page" / "graph.html").as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached")
        name = page.evaluate("window.kg.drawn.values().next().value.name")
        for _ in range(2):  # asked again, it is said again (nothing waits forever for a file that failed)
            page.fill("#search-input", name)
            page.press("#search-input", "Enter")
            expect(page.locator("#details h2")).to_have_text("Part of the graph could not be loaded", timeout=10_000)
            expect(page.locator("#details .link-note")).to_have_text(f"{folder.name}/{kind}-0.js {said}.")
            page.click("#details-close")
    finally:
        context.close()


def test_a_facts_file_that_declares_entities_keeps_each_record_where_the_page_numbers_it(tmp_path: Path) -> None:
    """A facts file may declare entities: one late in the sources does.  The page's record entries must still
    come in the order that numbers the records (what a link or a node's fact points at), which is the view's:
    grouped by each file's first kind of record, that file's events came before an earlier file's."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    facts = tmp_path / "sources" / "facts" / "syria-demands-assad-extradition.yaml"
    text = facts.read_text(encoding="utf-8")
    assert "\nevents:" in text and "\nentities:" not in text
    declared = "\nentities:\n  - id: a-late-declared-person\n    type: Person\n    name: A Late Person\nevents:"
    facts.write_text(text.replace("\nevents:", declared, 1), encoding="utf-8")
    project = load_project(tmp_path / "sources", ONTOLOGY)
    model, view, data = project.model, View(project.model, project.ontology), page_data(project)
    shards = [data.text(name, shard) for name, shard in data.shards if name.startswith("records/")]
    assert [entry[0] for shard in shards for entry in json.loads(shard)] == list(view.records)
    files = {record.where.file for record in [*model.articles.values(), *model.nodes(), *model.claims.values()]}
    assert [group.file for group in model.by_file()] == sorted(files, key=model.files.index)
    facts.write_text(text.replace("\nevents:", declared, 1), encoding="utf-8")
    project = load_project(tmp_path / "sources", ONTOLOGY)
    view = View(project.model, project.ontology)
    data = page_data(project)
    entries = [
        entry
        for name, shard in data.shards
        if name.startswith("records/")
        for entry in json.loads(data.text(name, shard))
    ]
    assert [entry[0] for entry in entries] == list(view.records)
    assert [group.file for group in project.model.by_file()] == sorted(
        {
            record.where.file
            for record in [*project.model.articles.values(), *project.model.nodes(), *project.model.claims.values()]
        },
        key=project.model.files.index,
    )
