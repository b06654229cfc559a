"""`exports/ontology.html`: the ontology documented by pyLODE, complete, offline, the same bytes in every
process, inert whatever the corpus says, and linked from the graph page's legend.

The page is read with an independent parser (`html.parser`, into a small tree that insists every element
is closed where it was opened), and loaded in Debian's Chromium with every request recorded.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Request

from kg.checks.checked import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, Project
from kg.exports import doc_ahead
from kg.exports.doc_examples import NOT_USED, examples
from kg.exports.doc_terms import example_terms
from kg.exports.manifest import ontology_digest
from kg.exports.ontology_doc import awaiting_examples, documented_graph, ontology_html, with_examples
from kg.model import Model
from kg.ontology import Ontology, load_ontology
from kg.vocab import KGO

from .conftest import ONTOLOGY, SOURCES, run_kg
from .test_html import Opener, browser, open_page  # noqa: F401 (fixtures)

NOT_IN_THE_CORPUS_YET = {
    "foughtAgainst": ["as a claim relation"],
}
"""The terms (and ways of using them) that no record of the real corpus uses yet: their example says so.
Update this list when the corpus starts using one (or stops)."""
ONLY_THROUGH_A_NARROWER_CLASS = {"Place"}
"""Classes no node is typed with itself: their example is the first node of a narrower class."""

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
HOSTILE_NAME = 'https://evil.example/</pre><img src=x onerror="window.pwned=1">'
HOSTILE_QUOTE = "</pre></td><script>window.pwned=1</script><pre>"


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def elements(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.elements()

    def find_all(self, tag: str) -> list[Element]:
        return [element for element in self.elements() if element.tag == tag]


class _Tree(HTMLParser):
    """A document as a tree; an end tag that closes anything but the innermost open element fails."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.open[-1].tag == tag, f"</{tag}> closes <{self.open[-1].tag}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert tree.open == [tree.root], "unclosed elements"
    return tree.root


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Entry:
    """One term's entry in the page: its heading and its table, row name → cell."""

    heading: str
    rows: dict[str, Element]


def entries(document: Element) -> dict[str, Entry]:
    """Anchor → entry, for every term the page documents (pyLODE's `div.entity`)."""
    found = {}
    for div in document.find_all("div"):
        if "entity" in div.attrs.get("class", "").split():
            heading = div.find_all("h3")[0]
            title = words("".join(child for child in heading.children if isinstance(child, str)))
            rows = {words(row.find_all("th")[0].text()): row.find_all("td")[0] for row in div.find_all("tr")}
            found[div.attrs["id"]] = Entry(title, rows)
    return found


@pytest.fixture(scope="module")
def doc_html(built: Path) -> str:
    return (built / "ontology.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def document(doc_html: str) -> Element:
    return parse(doc_html)


def yaml_terms(ontology: Ontology) -> list[str]:
    """The classes a `type:` may name and the properties YAML may use: the terms with a corpus example."""
    usable = [p.name for p in ontology.properties.values() if p.usages]
    return [*ontology.entity_classes, *ontology.event_classes, *usable]


# ---------------------------------------------------------------------------- complete


def test_every_class_and_relation_has_its_label_comment_domain_range_and_example(
    document: Element, project: Project
) -> None:
    ontology = project.ontology
    documented = entries(document)
    found = examples(project)
    for name, term in [*ontology.classes.items(), *ontology.properties.items()]:
        assert name in documented, f"kgo:{name} is not documented"
        entry = documented[name]
        assert entry.heading == term.label, name
        assert entry.rows["IRI"].text().strip() == KGO + name
        assert words(entry.rows["Description"].text()) == words(term.comment.replace("`", "")), name
        pre = entry.rows["Example"].find_all("pre")
        assert [element.text() for element in pre] == [found[name]], name
    for prop in ontology.properties.values():
        entry = documented[prop.name]
        for row, stated in (("Domain", prop.domain), ("Range", prop.range)):
            if not stated:
                assert row not in entry.rows, (prop.name, row)
                continue
            links = [a.attrs["href"] for a in entry.rows[row].find_all("a")]
            assert sorted(links) == sorted(f"#{n}" if n in ontology.classes else n for n in stated), (prop.name, row)
            if len(stated) > 1:  # a union, its members in one order in every process
                names = [words(a.text()) for a in entry.rows[row].find_all("a")]
                assert names == sorted(names), (prop.name, row)
                assert words(entry.rows[row].text()).count(" or ") == len(stated) - 1


def test_every_term_has_an_example_from_the_corpus(project: Project) -> None:
    """Every example names its first use in source order: in the YAML for the terms YAML uses, else in the
    graph built from it, else (the ontology's own vocabulary) in the ontology; the terms (or ways of using
    them) with none are listed here, so that they are seen: `NOT_IN_THE_CORPUS_YET`."""
    found = examples(project)
    ontology = project.ontology
    documented = set(documented_graph(ontology, {})[1].values())  # every kgo class and property on the page
    assert sorted(found) == sorted(documented)
    assert documented >= {*ontology.classes, *ontology.properties, *yaml_terms(ontology)}
    missing = {
        name: [part.split(":")[0] for part in text.split("\n\n") if part.endswith(NOT_USED)]
        for name, text in found.items()
        if NOT_USED in text
    }
    assert missing == NOT_IN_THE_CORPUS_YET, "update NOT_IN_THE_CORPUS_YET: the corpus uses other terms now"
    assert {name for name, text in found.items() if "itself; the first of a narrower class" in text} == (
        ONLY_THROUGH_A_NARROWER_CLASS
    )
    model = project.model
    assert found["Person"].startswith(f"entity {next(e.id for e in model.entities.values() if e.type == 'Person')} ")
    first_depicts = next(c for c in model.claims.values() if c.predicate == "depicts")
    assert f"claim {first_depicts.id} (facts/" in found["depicts"]
    assert first_depicts.evidence[0].quote in found["depicts"]
    first_evidence = next(r for r in model.records() if r.evidence)
    assert found["modality"] == (
        f"in the graph built from {first_evidence.where.file.relative_to(project.sources).as_posix()}:\n"
        f"  kg:{first_evidence.id} kgo:modality kgo:Asserted ."
    )
    assert found["Evidence"].endswith(f"kge:{first_evidence.id}.1 a kgo:Evidence .")
    assert found["EventRole"].startswith("in the ontology (kg.ttl):\n  kgo:")
    assert found["evidenceFor"].startswith("not written in the graph: the inverse of kgo:hasEvidence")
    for text in found.values():
        assert not text.startswith("http")  # pyLODE would make such an example a link


def test_every_link_inside_the_page_leads_to_an_anchor(document: Element) -> None:
    ids = [element.attrs["id"] for element in document.elements() if "id" in element.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    fragments = {a.attrs["href"][1:] for a in document.find_all("a") if a.attrs.get("href", "").startswith("#")}
    assert fragments - set(ids) == set()


# ---------------------------------------------------------------------------- offline


def test_nothing_in_the_page_loads_from_anywhere(document: Element, doc_html: str) -> None:
    for element in document.elements():
        for name in ("src", "srcset", "data", "poster", "background"):
            assert name not in element.attrs or element.attrs[name].startswith("data:"), (element.tag, name)
        if element.tag == "link":
            assert element.attrs["href"].startswith("data:"), element.attrs
        if element.tag == "script":
            assert element.attrs.get("type") == "application/ld+json"  # data, never run
    styles = " ".join(style.text() for style in document.find_all("style"))
    assert "@import" not in styles
    assert not re.search(r"url\(\s*['\"]?\s*(?!data:)", styles)
    assert not re.search(r"\bstyle=", doc_html)
    policy = [
        m.attrs["content"] for m in document.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(policy) == 1 and "default-src 'none'" in policy[0] and "script-src" not in policy[0]


def test_chromium_opens_it_without_a_request_leaving_the_machine(built: Path, browser: Browser) -> None:  # noqa: F811
    context = browser.new_context()
    requests: list[str] = []
    errors: list[str] = []

    def record(request: Request) -> None:
        requests.append(request.url)

    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else route.abort())  # fmt: skip
        page = context.new_page()
        page.on("request", record)
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((built / "ontology.html").as_uri() + "#Event", wait_until="load")
        page.wait_for_timeout(300)  # anything late (fonts, favicons) has been asked for by now
        assert page.evaluate("document.getElementById('Event') !== null")
        assert page.evaluate("document.querySelectorAll('#Event pre').length") == 1
        assert page.title() == "Syria–Russia relations knowledge graph ontology"
    finally:
        context.close()
    assert requests and all(url.startswith(("file:", "data:")) for url in requests), requests
    assert errors == []


# ---------------------------------------------------------------------------- deterministic


def test_processes_with_different_hash_seeds_write_the_same_bytes(doc_html: str) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kg.checks.checked import load_project\n"
        "from kg.exports.doc_examples import examples\nfrom kg.exports.ontology_doc import ontology_html\n"
        f"project = load_project(Path({str(SOURCES)!r}), Path({str(ONTOLOGY)!r}))\n"
        "sys.stdout.buffer.write(ontology_html(project.ontology, examples(project)).encode('utf-8'))\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, stdout=subprocess.PIPE
        )
        for seed in ("1", "2")
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0] == outputs[1] == doc_html.encode("utf-8")


# ---------------------------------------------------------------------------- inert


def hostile(project: Project) -> Project:
    """The real corpus with markup for the first entity's name and the first claim's first quote."""
    model = project.model
    first_entity = next(iter(model.entities.values()))
    first_claim = next(iter(model.claims.values()))
    quote = dataclasses.replace(first_claim.evidence[0], quote=HOSTILE_QUOTE)
    entities = {**model.entities, first_entity.id: dataclasses.replace(first_entity, name=HOSTILE_NAME)}
    claims = {**model.claims, first_claim.id: dataclasses.replace(first_claim, evidence=(quote,))}
    return Project(Model(model.articles, entities, model.events, claims), project.ontology, project.sources)


def test_markup_in_the_corpus_stays_text(
    project: Project,
    document: Element,
    built: Path,
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    changed = hostile(project)
    html = ontology_html(changed.ontology, examples(changed))
    assert (root.handlers, root.level) == (handlers, level)  # pyLODE's logging setup did not outlast the call

    page = parse(html)  # every element closed where it opened: no </pre> from the corpus closed anything
    assert [e.tag for e in page.elements()] == [e.tag for e in document.elements()]  # no element from the corpus
    pres = [pre.text() for pre in page.find_all("pre")]
    assert any(HOSTILE_NAME in text for text in pres)
    assert any(HOSTILE_QUOTE in text for text in pres)
    assert not any(a.attrs.get("href", "").startswith("https://evil") for a in page.find_all("a"))

    path = tmp_path / "ontology.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context()
    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else route.abort())  # fmt: skip
        tab = context.new_page()
        tab.goto(path.as_uri(), wait_until="load")
        assert tab.evaluate("typeof window.pwned") == "undefined"
        assert tab.evaluate("document.querySelectorAll('script:not([type=\"application/ld+json\"]), img').length") == 0
        shown = tab.evaluate("[...document.querySelectorAll('pre')].map(pre => pre.textContent)")
        assert any(HOSTILE_QUOTE in text for text in shown)
    finally:
        context.close()


def test_the_page_rendered_before_the_examples_are_known_is_the_same_once_they_are_filled_in(
    project: Project, doc_html: str
) -> None:
    """A cold build of a small corpus renders the page while it loads the sources, a placeholder in each example,
    and fills them in once found: the same bytes as rendering with them, whatever they hold (markup, entities,
    quotes, line breaks, a placeholder's own look)."""
    awaiting = awaiting_examples(project.ontology, example_terms(project.ontology))
    found = examples(project)
    assert with_examples(awaiting, found) == doc_html
    changed = hostile(project)
    odd = examples(changed)
    odd |= {
        "Event": "a & b < c > d \"e\" 'f'\n  g\tdone &amp; &lt;",
        "Claim": f"{awaiting.placeholder.pattern} kg-example-0000000000000000-1 <pre>kg-example-x-2</pre>",
    }
    assert with_examples(awaiting, odd) == ontology_html(changed.ontology, odd)
    # not for the same terms: rendered afresh by the caller
    assert with_examples(awaiting, {term: text for term, text in found.items() if term != "Event"}) is None
    assert with_examples(awaiting, {**found, "NotATerm": "x"}) is None
    swapped = {term: text for term, text in found.items() if term != "Event"} | {"NotATerm": "x"}  # as many
    assert with_examples(awaiting, swapped) is None
    assert awaiting_examples(project.ontology, example_terms(project.ontology)).placeholder != awaiting.placeholder


def test_the_page_started_ahead_of_the_build_is_the_page_the_build_makes(
    project: Project, doc_html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kg build` starts the process that renders the page before it imports the builder, for the default
    ontology folder (`kg.exports.doc_ahead`): taken for that folder, it makes the same bytes; for another, it is
    ended at once."""
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    monkeypatch.chdir(tmp_path)
    doc_ahead.start()
    ahead = doc_ahead.take(tmp_path / "ontology")
    assert ahead is not None and doc_ahead.take(tmp_path / "ontology") is None  # taken once
    with ahead:
        ahead.give((examples(project), project.ontology, ontology_digest(tmp_path / "ontology")))
        assert ahead.result() == doc_html
    doc_ahead.start()
    assert len(multiprocessing.active_children()) == 1
    assert doc_ahead.take(ONTOLOGY) is None
    assert multiprocessing.active_children() == []
    (tmp_path / ".kg-cache").mkdir()  # a build ran here before: the page most likely kept, none started
    doc_ahead.start()
    assert multiprocessing.active_children() == [] and doc_ahead.take(tmp_path / "ontology") is None
    assert (doc_ahead.GUESSED, doc_ahead.GUESSED_SOURCES) == (DEFAULT_ONTOLOGY, DEFAULT_SOURCES)


def test_an_ontology_saved_while_its_page_was_rendered_ahead_gets_its_page_rendered_again(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page rendered ahead is used only for the ontology the build's fingerprint read, as it still is: the
    build records that digest as what its exports were made from (a page of the ontology as it was before would
    then be kept as up to date)."""
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    found = examples(project)
    ahead = doc_ahead.DocBeforeLoad(folder)
    ahead.prepare()
    before = ontology_digest(folder)
    kg_ttl = folder / "kg.ttl"
    text = kg_ttl.read_text(encoding="utf-8")
    assert "after the fall of Bashar al-Assad" in text
    kg_ttl.write_text(text.replace("after the fall of Bashar al-Assad", "after the fall of the Assad regime"), "utf-8")
    saved = load_ontology(folder)
    for fingerprinted in (before, ontology_digest(folder)):  # read before the save or after it: made again
        page = ahead.finish((found, saved, fingerprinted))
        assert "after the fall of the Assad regime" in page and page == ontology_html(saved, found)

    unchanged = doc_ahead.DocBeforeLoad(folder)
    unchanged.prepare()

    def rendered_again(*_: object) -> str:
        raise AssertionError("the page rendered ahead was not used")

    monkeypatch.setattr("kg.exports.ontology_doc.ontology_html", rendered_again)
    assert "after the fall of the Assad regime" in unchanged.finish((found, saved, ontology_digest(folder)))


def test_a_cold_kg_build_renders_the_page_ahead_and_times_it(project: Project, doc_html: str, tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--timings"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "exports" / "ontology.html").read_text(encoding="utf-8") == doc_html
    rendered = re.search(r"^  ontology doc, ahead +([0-9.]+) s +cpu +([0-9.]+) s", done.stderr, re.MULTILINE)
    assert rendered is not None and float(rendered[1]) > 0.1, done.stderr  # rendered before the examples came
    assert re.search(r"^  ontology doc +[0-9.]+ s", done.stderr, re.MULTILINE), done.stderr  # then filled in


def test_a_page_not_rendered_ahead_is_rendered_with_the_examples(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process that renders ahead may read an ontology being saved (half a file), in its load or in one of
    pyLODE's readings after it: the build's own load then reads it whole, and the page is rendered with the
    examples; nothing fails, nothing is printed."""
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    kg_ttl = folder / "kg.ttl"
    whole = kg_ttl.read_bytes()
    kg_ttl.write_bytes(whole[: len(whole) // 2])
    found = examples(project)
    for half_read_by in ("the load", "pyLODE's graph"):
        if half_read_by == "pyLODE's graph":
            kg_ttl.write_bytes(whole)

            def read_half(*_: object) -> None:
                raise SyntaxError("Parser error at line 600: Unexpected end of file")

            monkeypatch.setattr("kg.exports.ontology_doc.awaiting_examples", read_half)
        ahead = doc_ahead.DocBeforeLoad(folder)
        ahead.prepare()
        assert ahead.awaiting is None
        kg_ttl.write_bytes(whole)
        page = ahead.finish((found, project.ontology, ontology_digest(folder)))
        assert page == ontology_html(project.ontology, found)


def test_kg_build_in_a_folder_gone_says_so_without_a_traceback(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    folder, python = shlex.quote(str(gone)), shlex.quote(sys.executable)
    command = f"cd {folder} && rmdir {folder} && {python} -m kg build"
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=False)
    assert done.returncode not in (0, 1) and "Traceback" not in done.stderr and done.stderr.startswith("kg: "), done


def test_html_in_an_ontology_comment_is_shown_as_text_and_its_markdown_still_renders(
    project: Project, tmp_path: Path
) -> None:
    ontology_dir = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology_dir)
    kg_ttl = ontology_dir / "kg.ttl"
    written = "A property usable under an event's `roles:` in the YAML sources."
    hostile = (
        "A <img src=x onerror=alert(1)> property <style>body { display: none }</style> usable under an event's "
        "`roles:` <a href='https://evil.example/'>here</a>.\\n\\n<div>a block</div>"
    )
    kg_ttl.write_text(kg_ttl.read_text(encoding="utf-8").replace(written, hostile), encoding="utf-8")
    changed = dataclasses.replace(project, ontology=load_ontology(ontology_dir))
    page = parse(ontology_html(changed.ontology, examples(changed)))

    description = entries(page)["EventRole"].rows["Description"]
    assert [element.tag for element in description.elements()] == ["td", "p", "code", "p"]  # `roles:` is code
    shown = words(description.text())
    assert "<img src=x onerror=alert(1)>" in shown and "<style>body { display: none }</style>" in shown
    assert "<a href='https://evil.example/'>here</a>" in shown and "<div>a block</div>" in shown
    assert not page.find_all("img") and not any("evil" in a.attrs.get("href", "") for a in page.find_all("a"))


# ---------------------------------------------------------------------------- the build and the graph page


def test_the_legend_links_to_the_page_and_each_class_to_its_entry(
    built: Path,
    document: Element,
    open_page: Opener,  # noqa: F811
) -> None:
    graph = parse_loosely((built / "graph.html").read_text(encoding="utf-8"))
    side = next(element for element in graph.elements() if element.attrs.get("id") == "side")
    links = [a.attrs["href"] for a in side.find_all("a")]
    assert links == ["ontology.html"]
    assert (built / links[0]).is_file()

    page = open_page(built / "graph.html")
    hrefs = page.evaluate("[...document.querySelectorAll('#classes a.doc')].map(a => a.getAttribute('href'))")
    ids = {element.attrs["id"] for element in document.elements() if "id" in element.attrs}
    assert hrefs and all(href.startswith("ontology.html#") for href in hrefs)
    assert {href.split("#", 1)[1] for href in hrefs} <= ids


def parse_loosely(html: str) -> Element:
    """The graph page as a tree, trusting the browser's rules for what it leaves unclosed (`<p>`, `<li>`)."""
    tree = _LooseTree()
    tree.feed(html)
    return tree.root


class _LooseTree(_Tree):
    def handle_endtag(self, tag: str) -> None:
        while len(self.open) > 1 and self.open.pop().tag != tag:
            pass


def test_kg_build_prints_only_what_it_wrote_and_other_commands_never_import_pylode(mini: Path, tmp_path: Path) -> None:
    done = run_kg("build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert [line.split(" (")[0] for line in done.stdout.splitlines()] == [
        f"wrote {tmp_path / 'out' / name}" for name in ("graph.ttl", "graph.html", "ontology.html")
    ]
    probe = (
        "import sys, kg.cli, kg.exports.write\n"
        "print(sorted(m for m in sys.modules if 'pylode' in m or 'ontology_doc' in m))"
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "[]"


def test_the_page_imports_only_the_two_modules_of_pylode_it_uses_and_pylode_imports_whole_afterwards(
    project: Project,
) -> None:
    """pyLODE's package imports its three profiles and httpx; the page needs two modules: rendered in a fresh
    process, nothing else of pyLODE is imported (and nothing of it is left in `sys.modules`); a later
    `import pylode` imports the whole package as usual, and the page renders the same afterwards."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kg.checks.checked import load_project\n"
        "from kg.exports.doc_examples import examples\n"
        "from kg.exports.ontology_doc import ontology_html\n"
        f"project = load_project(Path({str(project.sources)!r}), Path({str(ONTOLOGY)!r}))\n"
        "found = examples(project)\n"
        "first = ontology_html(project.ontology, found)\n"
        "print(sorted(m for m in sys.modules if m.startswith('pylode')), 'httpx' in sys.modules)\n"
        "import pylode.utils\n"
        "print(pylode.utils.RDF_FOLDER.is_dir(), pylode.profiles.ontpub.OntPub.__name__, pylode.Supermodel.__name__)\n"
        "print(ontology_html(project.ontology, found) == first, len(first) > 100_000)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[] False", "True OntPub Supermodel", "True True"]


def test_pylodes_background_is_read_from_its_turtle_files_and_nothing_is_written(
    tmp_path: Path, project: Project
) -> None:
    """The titles and descriptions of the standard terms the page names are those of pyLODE's Turtle files
    (its pickle, here truncated, is not read), and nothing is written beside them."""
    from pylode import utils
    from rdflib import Graph, URIRef

    from kg.exports.ontology_doc import _background, documented_graph

    documented, _ = documented_graph(project.ontology, examples(project))
    for turtle in utils.RDF_FOLDER.glob("*.ttl"):
        (tmp_path / turtle.name).write_bytes(turtle.read_bytes())
    (tmp_path / "refs.pickle").write_bytes(b"\x80\x04 truncated")  # pyLODE writes it on its first use
    before = sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir())
    ours = _background(tmp_path, documented, frozenset(map(str, utils.PROPS)))
    assert sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir()) == before
    theirs = Graph()  # every triple of pyLODE's files, as rdflib reads them, with pyLODE's expansions
    for turtle in sorted(tmp_path.glob("*.ttl")):
        theirs.parse(turtle, format="turtle")
    for titles, to in ((utils.RDFS.label, utils.DCTERMS.title), (utils.RDFS.comment, utils.DCTERMS.description)):
        for subject, text in list(theirs.subject_objects(titles)):
            theirs.add((subject, to, text))
    named = {s for s in ours.subjects() if isinstance(s, URIRef)}
    assert URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf") in named
    for predicate in (utils.RDFS.label, utils.RDFS.comment):
        for subject in named:
            assert set(map(str, ours.objects(subject, predicate))) == set(map(str, theirs.objects(subject, predicate)))


def test_a_term_not_met_before_the_search_stops_is_not_called_unused(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large corpus's graph is searched for examples only so far: a term not met by then may be used
    further on, and its example says so instead of "not used in the corpus yet"."""
    import kg.exports.doc_examples

    monkeypatch.setattr(kg.exports.doc_examples, "GRAPH_TEXT_SEARCHED", 1)  # one file read, then the search stops
    found = examples(project)
    assert found["inferredEndPart"] == kg.exports.doc_examples.NOT_MET != kg.exports.doc_examples.NOT_USED
    assert found["inferredEndPart"].startswith("not met in the first 4,000,000 characters")


def test_a_file_larger_than_the_search_is_read_only_as_far_as_it_goes_and_alike_written_or_rendered(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The graph is searched for examples GRAPH_TEXT_SEARCHED characters far: a file whose Turtle is longer
    is read only to its last statement within what is left (a file of 88,000 claims has 130 MB of Turtle,
    read and parsed whole before).  The Turtle the build wrote and the Turtle rendered again give the same
    cut, so the same examples; a cut file means the whole graph was not read."""
    import pyoxigraph as ox

    import kg.exports.doc_examples as doc
    from kg.exports.chunks import write_turtle
    from kg.exports.turtle import turtle_header
    from kg.exports.view import View

    budget = 20_000
    monkeypatch.setattr(doc, "GRAPH_TEXT_SEARCHED", budget)
    model, terms = project.model, doc.graph_terms(project.ontology)
    first = model.by_file()[0]
    rendered = doc.rendered_chunks(project)
    whole, _ = rendered(first, 10**9)
    assert len(whole) > budget  # the first file's Turtle is longer than the search
    cut, complete = rendered(first, budget)
    assert not complete and len(cut) <= budget and whole.startswith(cut) and cut.endswith(" .\n")
    assert len(list(ox.parse(turtle_header(doc.DEFAULT_BASE) + cut, format=ox.RdfFormat.TURTLE))) > 10
    turtle = tmp_path / "graph.ttl"
    places = write_turtle(turtle, model, project.ontology, View(model, project.ontology), doc.DEFAULT_BASE)
    with doc.written_chunks(turtle, places) as written:
        assert written(first, budget) == (cut, False)
        from_written = doc.graph_examples(project, terms, written)
    from_rendered = doc.graph_examples(project, terms, rendered)
    assert from_written == from_rendered
    assert from_rendered[0] and from_rendered[1] is False


def first_uses_parsed_whole(project: Project, wanted: set[str], chunks: list[str]) -> dict[str, str]:
    """What `graph_examples` finds, found the plain way: each chunk parsed whole, each triple looked at in turn."""
    import pyoxigraph as ox

    from kg.exports.doc_examples import DEFAULT_BASE, source_name, turtle_term
    from kg.exports.rdf import prefixes
    from kg.exports.turtle import turtle_header

    names = {namespace: prefix for prefix, namespace in prefixes(DEFAULT_BASE).items()}
    found: dict[str, str] = {}
    articles = [group for group in project.groups if group.articles]  # the order graph_examples reads them in
    order = articles[:1] + [group for group in project.groups if not group.articles] + articles[1:]
    for records in order:
        chunk = chunks[project.groups.index(records)]
        for triple in ox.parse(turtle_header(DEFAULT_BASE) + chunk, format=ox.RdfFormat.TURTLE):
            used = triple.object if triple.predicate.value == RDF_TYPE else triple.predicate
            name = used.value[len(KGO) :] if isinstance(used, ox.NamedNode) and used.value.startswith(KGO) else ""
            if name in wanted and name not in found:
                shown = " ".join(turtle_term(term, names) for term in (triple.subject, triple.predicate, triple.object))
                found[name] = f"in the graph built from {source_name(project, records.file)}:\n  {shown} ."
    return found


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_the_first_use_of_each_term_is_found_in_the_statements_naming_it_as_in_the_whole_graph(
    project: Project, tmp_path: Path
) -> None:
    """The examples from the graph are looked for in the statements that name a term still wanted, not in a parse
    of each whole file's Turtle: the same first uses, whether a term is named first in a literal, by its IRI in
    full, as the object of a triple that does not use it, or as a prefix of a longer name."""
    from kg.exports.chunks import write_turtle
    from kg.exports.doc_examples import DEFAULT_BASE, graph_examples, written_chunks
    from kg.exports.doc_terms import graph_terms
    from kg.exports.view import View

    model, wanted = project.model, graph_terms(project.ontology)
    turtle = tmp_path / "graph.ttl"
    places = write_turtle(turtle, model, project.ontology, View(model, project.ontology), DEFAULT_BASE)
    data = turtle.read_bytes()
    real = [
        data[offset : offset + length].decode("utf-8") for offset, length in (places[g.file] for g in project.groups)
    ]
    with written_chunks(turtle, places) as written:
        found, whole = graph_examples(project, wanted, written)
    assert whole and len(found) > 20
    assert found == first_uses_parsed_whole(project, wanted, real)

    crafted = (
        'kg:a rdfs:comment "kgo:modality and kgo:Claim, then <' + KGO + 'stepIndex> ." .\n'
        'kg:b kgo:modalityRank kgo:modality ;\n    kgo:note "x ." .\n'
        "kg:s <" + KGO + "stepIndex> 7 .\n"
        "# kgo:modality in a comment .\n"
        "kg:c a kgo:Claim ;\n    kgo:modality kgo:reported ;\n"
        "    kgo:hasEvidence [ <" + KGO + "stepIndex> 3 ] .\n"
        "kg:d kgo:modality kgo:asserted .\n"
    )
    assert {"modality", "Claim", "stepIndex"} <= wanted
    chunks = [crafted, *real[1:]]

    def crafted_first(records: object, limit: int) -> tuple[str, bool]:
        return chunks[project.groups.index(records)], True  # type: ignore[arg-type]

    found, _ = graph_examples(project, wanted, crafted_first)
    expected = first_uses_parsed_whole(project, wanted, chunks)
    assert found == expected
    assert expected["modality"].endswith("kg:c kgo:modality kgo:reported .")
    assert expected["stepIndex"].endswith('kg:s kgo:stepIndex "7"^^xsd:integer .')
