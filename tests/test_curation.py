"""The curator's loop: `kg new article`, `kg new entity`, `kg timeline`, `kg conflicts` and `kg watch`, on
the real corpus and on temporary ones."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import sync_playwright

from kg.checks.checked import check, load_project
from kg.checks.coverage import split_sentences
from kg.cli import main
from kg.curation.authoring import CurationError, slug
from kg.curation.conflicts import conflicts, render_conflicts
from kg.curation.entity import _check_added
from kg.curation.placing import put_in_place
from kg.curation.scaffold import Scaffold, _new_person, new_article
from kg.curation.timeline import Window, render_timeline, timeline
from kg.curation.watch import Watcher, snapshot, start_server
from kg.exports.view import View
from kg.sources.records import load_sources

from .conftest import ONTOLOGY, SOURCES, edit, run_kg
from .tools.browser import ARGS as CHROMIUM_ARGS
from .tools.browser import CHROMIUM as BROWSER_PATH

CHROMIUM = Path(BROWSER_PATH)

PINNED = Path(__file__).resolve().parent / "fixtures" / "curation"
REMOVED = "ki-sharaa-extradition-refused"

PAGE = """News Feed

Russia keeps its grip on Tartus, officials say

2 min read
Russia keeps its grip on Tartus, officials say
A Russian warship at Tartus on March 3, 2025. (Jane Doe/Getty Images)

Russia operates the Tartus naval base, officials said on Monday. Syria wants Assad back.

Subscribe to our newsletter.
Avatar
Jane Doe

Reporter

Jane Doe is a reporter at Test Outlet.

Read more
"""


def pinned(name: str, output: str) -> None:
    """`output` equals the pinned file; rerun with KG_REPIN=1 to re-pin after a deliberate change."""
    path = PINNED / name
    if os.environ.get("KG_REPIN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8"), f"{name} changed: check it, then KG_REPIN=1 to re-pin"


# ---------------------------------------------------------------------------------------------- kg new article


def scaffold_grip(mini: Path, tmp_path: Path, page: str) -> Scaffold:
    """`kg new article` of a page's text saved as `page.txt`, as the article `grip`."""
    text = tmp_path / "page.txt"
    text.write_text(page, encoding="utf-8")
    return new_article(text, mini, ONTOLOGY, "grip")


def test_the_scaffold_lists_every_sentence_and_detects_the_page_furniture(mini: Path, tmp_path: Path) -> None:
    text = tmp_path / "page.txt"
    text.write_text(PAGE, encoding="utf-8")
    made = new_article(text, mini, ONTOLOGY)
    assert made.text.read_bytes() == text.read_bytes()
    article = yaml.safe_load(made.article.read_text(encoding="utf-8"))
    assert article["id"] == "russia-keeps-its-grip-on-tartus-officials-say"
    assert article["headline"] == "Russia keeps its grip on Tartus, officials say"
    assert article["section"] == "News Feed"
    assert article["photos"] == [
        {
            "id": f"photo-{article['id']}",
            "caption": "A Russian warship at Tartus on March 3, 2025.",
            "credit": "Jane Doe/Getty Images",
        }
    ]
    reasons = {item["quote"]: item["reason"] for item in article["ignore"]}
    assert reasons == {
        "2 min read": "reading-time label (navigation)",
        "Subscribe to our newsletter.": "membership/newsletter plea",
        "Avatar": "author avatar placeholder",
        "Reporter": "author job title in the byline box",
        "Jane Doe is a reporter at Test Outlet.": "author bio",
        "Read more": "navigation link",
    }
    facts = made.facts.read_text(encoding="utf-8")
    for sentence in split_sentences(PAGE):
        assert json.dumps(sentence.text, ensure_ascii=False) in facts, sentence.text
    to_decide = re.findall(r"^# quote: (.*)$", facts, re.MULTILINE)
    assert [json.loads(q) for q in to_decide] == [  # the credit, in its brackets, is the photo's metadata
        "Russia operates the Tartus naval base, officials said on Monday.",
        "Syria wants Assad back.",
        "Jane Doe",
    ]
    assert made.to_decide == 3
    assert made.next_steps == (
        f"kg new entity photo-{article['id']} --type Photograph --name 'Photo: A Russian warship at Tartus on March 3'",
        "kg new entity jane-doe --type Person --name 'Jane Doe'  (then uncomment `author: jane-doe` in "
        f"{article['id']}.yaml)",
    )
    assert "#   mentions: russia (Russia), tartus-naval-base (Tartus naval base)" in facts
    assert "#   mentions: syria (Syria), bashar-al-assad (Assad)" in facts
    assert "# outlet: test-outlet" in made.article.read_text(encoding="utf-8")
    assert "kg new entity jane-doe --type Person --name 'Jane Doe'" in made.article.read_text(encoding="utf-8")


def test_a_photo_the_corpus_has_is_scaffolded_with_its_id_to_check(mini: Path, tmp_path: Path) -> None:
    """The caption matches the name of a known Photograph: its id, not a second entity for the same photo (the
    tutorial's article, added again, made one); another photo of the same place does not match."""
    for photo_id, name in (("photo-warship", "Photo: a Russian warship at Tartus"),
                           ("photo-soldiers", "Photo: Russian soldiers at Khmeimim")):  # fmt: skip
        add = ["new", "entity", photo_id, "--type", "Photograph", "--name", name, "--sources", str(mini)]
        assert main([*add, "--ontology", str(ONTOLOGY)]) == 0
    text = tmp_path / "page.txt"
    text.write_text(PAGE, encoding="utf-8")
    made = new_article(text, mini, ONTOLOGY, "grip")
    article = made.article.read_text(encoding="utf-8")
    assert yaml.safe_load(article)["photos"][0]["id"] == "photo-warship"
    assert "  - id: photo-warship  # an existing Photograph whose name the caption matches: check it" in article
    assert made.next_steps[0] == (
        f"check that photo 1 is photo-warship ('Photo: a Russian warship at Tartus', {mini / 'entities.yaml'}): its "
        "name matches the caption; if it is another photo, `kg new entity photo-grip --type Photograph --name "
        "'Photo: A Russian warship at Tartus on March 3'` and use that id in grip.yaml"
    )
    assert not [p for p in check(mini, ONTOLOGY)[1] if "photo" in p.message]


def test_the_scaffold_validates_with_a_to_do_per_sentence_and_cleanly_once_they_are_done(
    mini: Path, tmp_path: Path
) -> None:
    text = tmp_path / "page.txt"
    text.write_text(PAGE, encoding="utf-8")
    made = new_article(text, mini, ONTOLOGY, "grip")
    assert (
        main(
            [
                "new",
                "entity",
                "photo-grip",
                "--type",
                "Photograph",
                "--name",
                "Photo: a warship at Tartus",
                "--sources",
                str(mini),
                "--ontology",
                str(ONTOLOGY),
            ]
        )
        == 0
    )
    _, problems = check(mini, ONTOLOGY)
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (9, "to do"),
        (9, "to do"),
        (13, "to do"),
    ], [str(p) for p in problems]
    assert all(p.file.endswith("grip.txt") for p in problems)

    facts = made.facts.read_text(encoding="utf-8").replace(
        "claims: []",
        "claims:\n  - subject: russia\n    predicate: controls\n    object: tartus-naval-base\n    evidence:\n"
        '      - quote: "Russia operates the Tartus naval base, officials said on Monday."\n',
    )
    made.facts.write_text(facts, encoding="utf-8")
    with open(made.article, "a", encoding="utf-8") as stream:
        for quote in ("Syria wants Assad back.", "Jane Doe"):
            stream.write(f'  - quote: "{quote}"\n    reason: decided in the test\n')
    project, problems = check(mini, ONTOLOGY)
    assert problems == []
    assert project is not None and "grip" in project.model.articles


def test_the_scaffold_of_a_real_article_lists_what_the_corpus_still_needs(tmp_path: Path) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    text = tmp_path / "article.txt"
    shutil.copyfile(SOURCES / "articles" / f"{REMOVED}.txt", text)
    for path in (f"articles/{REMOVED}.txt", f"articles/{REMOVED}.yaml", f"facts/{REMOVED}.yaml"):
        (tmp_path / "sources" / path).unlink()
    made = new_article(text, tmp_path / "sources", ONTOLOGY, REMOVED)
    article = yaml.safe_load(made.article.read_text(encoding="utf-8"))
    real = yaml.safe_load((SOURCES / "articles" / f"{REMOVED}.yaml").read_text(encoding="utf-8"))
    for key in ("headline", "author", "section"):
        assert article[key] == real[key], key
    assert article["photos"][0]["caption"] == real["photos"][0]["caption"]
    for item in article["ignore"]:  # each suggestion is what the curator ignored (there, as one passage)
        assert any(item["quote"] in kept["quote"] for kept in real["ignore"]), item
    _, problems = check(tmp_path / "sources", ONTOLOGY)
    to_do = [p for p in problems if p.message.startswith("to do")]
    facts = made.facts.read_text(encoding="utf-8")
    assert len(to_do) == facts.count("# quote: ") == made.to_decide > 0
    # Its people, places and outlets are in entities.yaml still; the conference was an event of its facts file.
    assert [(name.name, name.line, name.type) for name in made.new_names] == [
        ("National Dialogue Conference", 9, "Conference")
    ]


NAMED = """News Feed

Russia keeps its grip on Tartus, officials say

2 min read
Russia keeps its grip on Tartus, officials say
A Russian warship at Tartus on March 3, 2025. (Jane Doe/Getty Images)

Russia operates the Tartus naval base, Russian Foreign Ministry spokesperson Maria Zakharova said on Monday.

In January, Syrian President Ahmed al-Sharaa visited the Hmeimim Air Base and the National Dialogue Conference.

Avatar
Jane Doe

Reporter

Jane Doe is a reporter at Test Outlet. She studied at Lazarski University.
"""


def test_the_scaffold_lists_the_names_no_entity_has_each_with_a_stub_to_uncomment(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not the byline's name (it has its own step), nor what the bio names, the section or a known name
    ("Tartus naval base", "Test Outlet"), nor a title ("Syrian President"); each stub, uncommented, validates."""
    text = tmp_path / "page.txt"
    text.write_text(NAMED, encoding="utf-8")
    assert main(["new", "article", str(text), "--id", "grip", "--sources", str(mini), "--ontology", str(ONTOLOGY)]) == 0
    facts = (mini / "facts" / "grip.yaml").read_text(encoding="utf-8")
    assert re.findall(r"^# line (\d+): (.*)$", facts, re.MULTILINE) == [
        ("7", '"Getty Images"'),
        ("9", '"Russian Foreign Ministry"'),
        ("9", '"Maria Zakharova"'),
        ("11", '"Ahmed al-Sharaa"'),
        ("11", '"Hmeimim Air Base"'),
        ("11", '"National Dialogue Conference"'),
    ]
    assert "\n# ---- New names: 6 ----\n" in facts
    assert (
        '# line 11: "Hmeimim Air Base"\n'
        "#   - id: hmeimim-air-base\n"
        '#     type: MilitaryBase  # guessed from "Base": check\n'
        '#     name: "Hmeimim Air Base"\n'
    ) in facts
    assert '#     type: Person  # guessed: check\n#     name: "Maria Zakharova"' in facts
    assert 'type: Conference  # guessed from "Conference": check (an event: under `events:`, with evidence)' in facts
    assert (
        f"6 names no entity or event has (listed with a stub each in {mini / 'facts' / 'grip.yaml'}): Getty Images "
        "(line 7), Russian Foreign Ministry (line 9), Maria Zakharova (line 9), Ahmed al-Sharaa (line 11), Hmeimim "
        "Air Base (line 11), …\n"
    ) in capsys.readouterr().out

    block = facts.split("# ---- New names")[1]
    entries = [entry for entry in block.split("\n# line ")[1:] if "an event:" not in entry]
    stubs = [line.removeprefix("#   ") for entry in entries for line in entry.split("\n") if line.startswith("#   ")]
    (mini / "entities.yaml").write_text("entities:\n" + "\n".join(stubs) + "\n", encoding="utf-8")
    _, problems = check(mini, ONTOLOGY)
    assert [str(p) for p in problems if p.file.endswith("entities.yaml")] == []
    assert {"getty-images", "russian-foreign-ministry", "maria-zakharova", "hmeimim-air-base"} <= set(
        load_sources(mini).model.entities
    )


def test_new_article_refuses_an_existing_article(tmp_path: Path) -> None:
    code = main(
        [
            "new",
            "article",
            str(SOURCES / "articles" / f"{REMOVED}.txt"),
            "--id",
            REMOVED,
            "--sources",
            str(SOURCES),
            "--ontology",
            str(ONTOLOGY),
        ]
    )
    assert code == 1


# ---------------------------------------------------------------------------------------------- kg new entity


def test_new_entity_adds_an_entry_and_keeps_the_file_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    entities = tmp_path / "sources" / "entities.yaml"
    before = entities.read_text(encoding="utf-8")
    args = ["--sources", str(tmp_path / "sources"), "--ontology", str(ONTOLOGY)]
    assert (
        main(["new", "entity", "latakia", "--type", "City", "--name", "Latakia", "--alias", "al-Ladhiqiyah", *args])
        == 0
    )
    after = entities.read_text(encoding="utf-8")
    entry = '  - id: latakia\n    type: City\n    name: "Latakia"\n    aliases: ["al-Ladhiqiyah"]\n'
    last_city = before.rindex("    type: City\n")
    at = before.index("\n  - id: ", last_city) + 1  # after the last city: the file stays grouped by class
    assert after == before[:at] + entry + before[at:]  # comments and layout untouched
    assert main(["new", "entity", "ural-steppe", "--type", "Place", "--name", "Ural steppe", *args]) == 0
    place = '  - id: ural-steppe\n    type: Place\n    name: "Ural steppe"\n'
    assert entities.read_text(encoding="utf-8") == after + place  # the corpus has no Place yet: at the end
    project = load_project(tmp_path / "sources", ONTOLOGY)
    assert project.model.entities["latakia"].aliases == ("al-Ladhiqiyah",)
    capsys.readouterr()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["russia", "--type", "Country", "--name", "Russland"], "'russia' exists already: russia (Country 'Russia'"),
        (
            ["kremlin", "--type", "GovernmentBody", "--name", "the Kremlin"],
            "'the Kremlin' names an existing entity: russia",
        ),
        (["assad", "--type", "Person", "--name", "Bashar al Assad"], "names an existing entity: bashar-al-assad"),
        (["rsr", "--type", "Topic", "--name", "Russia-Syria relations"], "existing entity: russia-syria-relations"),
        (["x", "--type", "Country", "--name", "Example", "--alias", "example"], "'Example' is given twice"),
        (["x", "--type", "Countri", "--name", "X"], "did you mean 'Country'?"),
        (["x", "--type", "Concept", "--name", "X"], "the entity classes: Agent, AnonymousSource,"),
        (["x", "--type", "Meeting", "--name", "X"], "an event class"),
        (["Bad_Id", "--type", "Country", "--name", "X"], "is not an id"),
        (
            ["russia-operates-tartus-naval-base", "--type", "Person", "--name", "Zed Zedov"],
            "is a claim's id already (",
        ),
        (
            ["russia-operates-tartus-naval-base", "--type", "Person", "--name", "Zed Zedov"],
            "ki-syria-reassess-russian-presence.yaml): choose another id",
        ),
    ],
)
def test_new_entity_refuses_a_clash_and_suggests_the_existing_entity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    before = (tmp_path / "sources" / "entities.yaml").read_bytes()
    assert main(["new", "entity", *argv, "--sources", str(tmp_path / "sources"), "--ontology", str(ONTOLOGY)]) == 1
    assert message in capsys.readouterr().err
    assert (tmp_path / "sources" / "entities.yaml").read_bytes() == before


# ---------------------------------------------------------------------------------------------- timeline, conflicts


def test_the_timeline_of_the_real_corpus_is_pinned(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--sources", str(SOURCES), "--ontology", str(ONTOLOGY)]) == 0
    pinned("timeline.txt", capsys.readouterr().out)
    assert main(["timeline", "--format", "markdown", "--sources", str(SOURCES), "--ontology", str(ONTOLOGY)]) == 0
    pinned("timeline.md", capsys.readouterr().out)


def timeline_rows(mini: Path, *claims: tuple[str, str, str]) -> list[dict[str, str]]:
    """The CSV timeline's rows of the mini corpus with a claim added for each (id, date, evidence's modality)."""
    facts = mini / "facts" / "mini.yaml"
    added = "".join(
        f"  - id: {claim_id}\n    subject: russia\n    predicate: operates\n    object: tartus-naval-base\n"
        f"    date: {date}\n    evidence:\n      - quote: Russia operates the Tartus naval base\n"
        f"        modality: {modality}\n"
        for claim_id, date, modality in claims
    )
    facts.write_text(facts.read_text(encoding="utf-8") + added, encoding="utf-8")
    project = load_project(mini, ONTOLOGY)
    return list(csv.DictReader(io.StringIO(render_timeline(timeline(View(project.model, project.ontology)), "csv"))))


def test_the_timeline_places_a_month_before_the_days_inside_it_and_after_earlier_days(mini: Path) -> None:
    rows = timeline_rows(mini, ("in-january", "2025-01", "asserted"), ("on-new-years-eve", "2024-12-31", "asserted"))
    assert [(r["date"], r["precision"], r["span"]) for r in rows] == [
        ("2024-12-31", "day", "2024-12-31"),
        ("2025-01", "month", "2025-01-01 … 2025-01-31"),
        ("2025-01-28 (year inferred)", "day", "2025-01-28"),
    ]
    assert rows[2]["sources"] == "mini-article (via reuters → syrian-source)"


def test_the_timeline_says_how_firmly_each_entry_is_said(mini: Path) -> None:
    """A hedged plan ("talks would resume in April") was listed as if it had happened."""
    rows = timeline_rows(mini, ("in-january", "2025-01", "hedged"))
    assert [(r["id"], r["modality"]) for r in rows] == [("in-january", "hedged"), ("extradition-demand", "reported")]


def test_the_timeline_keeps_a_denial_apart_from_what_it_denies(mini: Path) -> None:
    """A claim one source asserts and another denies was listed "asserted", its chains merged into one list of
    sources ("via mikhail-bogdanov, al-watan, syrian-presidency-source"): the denier read as a supporter."""
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + "  - id: tartus-operated\n    subject: russia\n    predicate: operates\n    object: tartus-naval-base\n"
        "    date: 2025-01\n    evidence:\n      - quote: Russia operates the Tartus naval base\n"
        "      - quote: Syria demanded Assad’s extradition\n        via: [reuters, syrian-source]\n"
        "        modality: denied\n",
        encoding="utf-8",
    )
    project = load_project(mini, ONTOLOGY)
    rows = list(csv.DictReader(io.StringIO(render_timeline(timeline(View(project.model, project.ontology)), "csv"))))
    row = next(r for r in rows if r["id"] == "tartus-operated")
    assert (row["modality"], row["sources"]) == (
        "asserted, denied",
        "mini-article (own voice: asserted | via reuters → syrian-source: denied)",
    )


def test_the_conflicts_of_the_real_corpus_are_pinned(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conflicts", "--sources", str(SOURCES), "--ontology", str(ONTOLOGY)]) == 0
    pinned("conflicts.txt", capsys.readouterr().out)


def test_a_conflict_shows_both_quotes_with_attribution_and_markdown_cannot_be_broken(mini: Path) -> None:
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "claims:\n  - subject: russia",
            "claims:\n  - id: russia-operates-tartus\n    conflicts_with: [extradition-demand]\n    subject: russia",
        ),
        encoding="utf-8",
    )
    project = load_project(mini, ONTOLOGY)
    view = View(project.model, project.ontology)
    found = conflicts(view)
    assert [(c.first.id, c.second.id) for c in found] == [("extradition-demand", "russia-operates-tartus")]
    text = render_conflicts(view, found)
    assert "“Syria demanded Assad’s extradition”" in text
    assert "mini-article — reported; via Test Outlet → Reuters → a Syrian source" in text
    assert "“Russia operates the Tartus naval base”" in text
    markdown = render_conflicts(view, found, "markdown")
    assert "    > Syria demanded Assad’s extradition" in markdown


# ---------------------------------------------------------------------------------------------- kg watch


class Watching:
    """`kg watch --serve` on a corpus, in its own process, read line by line."""

    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg",
                "watch",
                "--serve",
                "--port",
                "0",
                "--sources",
                "sources",
                "--ontology",
                "ontology",
            ],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", self.until(r"^serving ")).group()

    def until(self, pattern: str, timeout: float = 60) -> str:
        """The next output line matching `pattern` (earlier lines are kept in `lines`)."""
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))

    def status(self) -> dict[str, object]:
        with urllib.request.urlopen(self.url + "__watch__.json", timeout=10) as answer:
            return json.load(answer)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Path, Watching]]:
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    watcher = Watching(tmp_path)
    yield tmp_path, watcher
    if watcher.process.poll() is None:
        assert watcher.stop() == 0


def test_watch_rebuilds_after_a_save_and_keeps_the_last_good_page_after_a_bad_one(
    watching: tuple[Path, Watching],
) -> None:
    folder, watcher = watching
    watcher.until(r"^build 1: first build")
    page = folder / "exports" / "graph.html"
    first = page.read_bytes()
    facts = folder / "sources" / "facts" / f"{REMOVED}.yaml"
    good = facts.read_text(encoding="utf-8").replace(
        '      - quote: "Speaking to the NYT"\n', '      - quote: "Speaking to the NYT"\n        modality: reported\n'
    )
    facts.write_text(good, encoding="utf-8")
    assert watcher.until(r"^build 2: ").startswith("build 2: 1 evidence changed (")
    second = page.read_bytes()
    assert second != first
    assert watcher.status()["build"] == watcher.status()["good_builds"] == 2

    facts.write_text(good + "  - id: [broken\n", encoding="utf-8")
    line = watcher.until(r"^build 3: ")
    assert "error" in line and "exports keeps the last good build" in line.replace("/", "")
    assert any(re.match(rf"sources/facts/{REMOVED}\.yaml:\d+:\d+: YAML syntax error", seen) for seen in watcher.lines)
    assert page.read_bytes() == second
    status = watcher.status()
    assert status["build"] == 3 and status["good_builds"] == 2  # numbered as the log numbers them
    assert status["ok"] is False and status["errors"]

    with urllib.request.urlopen(watcher.url + "graph.html", timeout=10) as answer:
        assert answer.read() == second
    assert watcher.stop() == 0


def test_the_served_page_reloads_after_a_good_build_and_not_after_a_bad_one(watching: tuple[Path, Watching]) -> None:
    """In the real Chromium: the frame page shows graph.html, reloads it after a good build, shows the errors
    of a bad save over the last good page, and keeps the deep link."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    folder, watcher = watching
    watcher.until(r"^build 1: ")
    facts = folder / "sources" / "facts" / f"{REMOVED}.yaml"
    original = facts.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        outside: list[str] = []
        page.on("request", lambda request: None if request.url.startswith(watcher.url) else outside.append(request.url))
        page.goto(watcher.url + "#node=russia")
        frame = page.frame_locator("#page")
        frame.locator("body[data-ready=true]").wait_for(state="attached")
        page.frames[1].evaluate("window.markedBeforeReload = true")

        facts.write_text(original + "  - id: [broken\n", encoding="utf-8")
        watcher.until(r"^build 2: ")
        page.locator("#status").wait_for(state="visible")
        assert "keeps the last good build" in page.locator("#status").inner_text()
        assert page.frames[1].evaluate("window.markedBeforeReload") is True  # the last good page stays

        facts.write_text(
            original.replace(
                '      - quote: "Speaking to the NYT"\n',
                '      - quote: "Speaking to the NYT"\n        modality: reported\n',
            ),
            encoding="utf-8",
        )
        watcher.until(r"^build 3: ")
        page.wait_for_function("document.getElementById('page').contentWindow.markedBeforeReload === undefined")
        frame.locator("body[data-ready=true]").wait_for(state="attached")
        page.locator("#status").wait_for(state="hidden")
        assert page.frames[1].url.endswith("graph.html#node=russia")
        browser.close()
    assert outside == []


def test_watch_sees_a_file_replaced_by_one_of_its_size_and_time(tmp_path: Path) -> None:
    """An editor saving through a renamed temporary file, `cp -p` or `rsync -t` can leave the size and the
    modification time as they were: the watcher missed such an edit, and credited it to the next save."""
    facts = tmp_path / "facts.yaml"
    facts.write_text("name: al-Sharaa Z\n", encoding="utf-8")
    before = snapshot((tmp_path,))
    saved = tmp_path / ".facts.yaml.tmp"
    saved.write_text("name: al-Sharaa W\n", encoding="utf-8")
    status = facts.stat()
    os.utime(saved, ns=(status.st_atime_ns, status.st_mtime_ns))
    os.replace(saved, facts)
    assert facts.stat().st_size == status.st_size and facts.stat().st_mtime_ns == status.st_mtime_ns
    assert snapshot((tmp_path,)) != before


def test_watch_says_when_its_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_kg("watch", "--serve", "--port", str(port), "--sources", str(SOURCES), "--ontology", str(ONTOLOGY))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"kg watch: cannot serve on 127.0.0.1:{port}: Address already in use; choose another --port"
    )
    assert done.stdout == ""


def test_watch_blames_the_host_it_cannot_serve_on(tmp_path: Path) -> None:
    """`--host 999.1.1.1` was told to "choose another --port"."""
    done = run_kg("watch", "--serve", "--host", "999.1.1.1", "--port", "0", "--sources", str(SOURCES),
                  "--ontology", str(ONTOLOGY), "--out", str(tmp_path / "exports"), timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("kg watch: cannot serve on 999.1.1.1:0: ")
    assert done.stderr.endswith("; choose another --host\n")


@pytest.mark.parametrize("out", ["notafolder", "sources", "sources/exports"])
def test_watch_refuses_at_once_an_out_no_build_can_write(tmp_path: Path, out: str) -> None:
    """It went on watching, saying "1 error: notafolder/ keeps the last good build", of a build there never was;
    no save could fix it.  `kg build` refuses them with exit status 1."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    (tmp_path / "notafolder").touch()
    for argv in (["watch"], ["watch", "--serve", "--port", "0"], ["build"]):
        done = run_kg(*argv, "--out", out, cwd=tmp_path, timeout=60)
        assert (done.returncode, done.stdout) == (1, ""), argv
        assert done.stderr.startswith(f"{out}:1:1: --out ")
        assert done.stderr.endswith("\n1 error\n")
    assert not (tmp_path / "sources" / "exports").exists()


def test_a_failed_first_build_leaves_the_exports_as_they_were(tmp_path: Path) -> None:
    """ "keeps the last good build" was said before there was one."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    (tmp_path / "sources" / "facts" / "broken.yaml").write_text("- id: [broken\n", encoding="utf-8")
    watcher = Watching(tmp_path)
    try:
        assert watcher.until(r"^build 1: ").startswith("build 1: 1 error: exports/ is left as it was (")
    finally:
        assert watcher.stop() == 0


def test_watch_after_a_build_says_what_the_first_save_changed(tmp_path: Path) -> None:
    """The exports are up to date when the watch starts (the Quick start built them): the first save is
    still compared with what they were built from."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    assert run_kg("build", cwd=tmp_path).returncode == 0
    watcher = Watching(tmp_path)
    try:
        assert watcher.until(r"^build 1: ").startswith("build 1: exports/ is up to date (")
        facts = tmp_path / "sources" / "facts" / f"{REMOVED}.yaml"
        facts.write_text(
            facts.read_text(encoding="utf-8").replace(
                '      - quote: "Speaking to the NYT"\n',
                '      - quote: "Speaking to the NYT"\n        modality: reported\n',
            ),
            encoding="utf-8",
        )
        assert watcher.until(r"^build 2: ").startswith("build 2: 1 evidence changed (")
    finally:
        assert watcher.stop() == 0


def test_watch_whose_first_build_failed_says_what_the_first_good_one_changed_since_the_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sources broken since the last build when the watch starts: once fixed, its first good build said only
    "first build: exports/ was not up to date", where the exports held the graph to compare with."""
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    facts = Path("facts") / f"{REMOVED}.yaml"
    assert run_kg("build", "--ontology", str(ONTOLOGY), cwd=tmp_path).returncode == 0
    edit(sources, facts, "object: russia", "object: rusia")
    monkeypatch.chdir(tmp_path)
    watcher = Watcher(Path("sources"), ONTOLOGY, Path("exports"))
    assert watcher.rebuild().summary == "1 error: exports/ is left as it was"
    edit(sources, facts, "object: rusia", "object: russia")
    edit(
        sources,
        facts,
        '      - quote: "Speaking to the NYT"\n',
        '      - quote: "Speaking to the NYT"\n        modality: reported\n',
    )
    assert watcher.rebuild().summary == "1 evidence changed since exports/ was built"
    edit(sources, facts, "modality: reported", "modality: hedged")
    assert watcher.rebuild().summary == "1 evidence changed"


def test_a_caption_and_its_bracketed_credit_on_one_line_are_the_photos_metadata(mini: Path, tmp_path: Path) -> None:
    made = scaffold_grip(
        mini,
        tmp_path,
        (
            "News Feed\n\nRussia keeps its grip on Tartus\n\n2 min read\nRussia keeps its grip on Tartus\n"
            "A Russian warship at Tartus, on March 3, 2025 (Jane Doe / AFP)\n\nSyria wants Assad back.\n"
        ),
    )
    article = yaml.safe_load(made.article.read_text(encoding="utf-8"))
    assert article["photos"][0]["caption"] == "A Russian warship at Tartus, on March 3, 2025"
    assert article["photos"][0]["credit"] == "Jane Doe / AFP"
    assert made.to_decide == 1  # only the story's sentence
    assert "metadata (photo photo-grip caption; photo photo-grip credit)" in made.facts.read_text(encoding="utf-8")


def test_a_caption_printed_with_photo_before_it_is_named_photo_once(mini: Path, tmp_path: Path) -> None:
    """A caption the page prints as "Photo: …" was suggested the name 'Photo: Photo: …'."""
    made = scaffold_grip(
        mini,
        tmp_path,
        (
            "Russia keeps its grip on Tartus\n\nPHOTO: a Russian warship at Tartus. (Jane Doe/Getty Images)\n\n"
            "Syria wants Assad back.\n"
        ),
    )
    name = "'Photo: a Russian warship at Tartus'"
    assert made.next_steps == (f"kg new entity photo-grip --type Photograph --name {name}",)


def test_a_window_keeps_only_what_lies_wholly_inside_it_unless_asked_for_overlap(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + "  - id: in-january\n    subject: russia\n    predicate: operates\n    object: tartus-naval-base\n"
        "    date: 2025-01\n    evidence:\n      - quote: Russia operates the Tartus naval base\n"
        "  - id: from-2017\n    subject: russia\n    predicate: operates\n    object: tartus-naval-base\n"
        "    start: 2017\n    evidence:\n      - quote: Russia operates the Tartus naval base\n",
        encoding="utf-8",
    )
    project = load_project(mini, ONTOLOGY)
    view = View(project.model, project.ontology)

    def ids(window: Window) -> list[str]:
        return [entry.id for entry in timeline(view, window)]

    january = Window(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert ids(january) == ["in-january", "extradition-demand"]
    late_january = Window(dt.date(2025, 1, 20), dt.date(2025, 1, 31))
    assert ids(late_january) == ["extradition-demand"]  # the month only partly lies in it
    assert ids(Window(dt.date(2025, 1, 20), dt.date(2025, 1, 31), overlap=True)) == [
        "from-2017",
        "in-january",
        "extradition-demand",
    ]
    args = ["timeline", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--format", "csv"]
    assert main([*args, "--from", "2025-01", "--to", "2025-01"]) == 0
    assert [row["id"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))] == [
        "in-january",
        "extradition-demand",
    ]
    assert main([*args, "--article", "no-such-article"]) == 2
    assert "no article 'no-such-article'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*args, "--from", "2025-13"])
    assert "there is no month 13" in capsys.readouterr().err
    assert main([*args, "--from", "2025-02", "--to", "2025-01"]) == 2  # was an empty table, and exit 0
    assert capsys.readouterr().err == "kg timeline: --from 2025-02 is after --to 2025-01: nothing lies between\n"


def test_the_scaffold_keeps_hostile_text_inert(mini: Path, tmp_path: Path) -> None:
    """A line separator (a line break to YAML, not to JSON) cannot start a key in the scaffold, and a byline
    cannot run a command in the shell of a curator who pastes the one it suggests."""
    text = tmp_path / "page.txt"
    byline = "Jane $(touch pwned) Doe"
    text.write_text(
        "World\n\nRussia and Syria agree on something big today\n\n5 min read\n"
        "Russia and Syria agree on something big today\n"
        f"A deal was made.\u2028reason: injected\nIt was big.\nAvatar\n{byline}\n",
        encoding="utf-8",
    )
    made = new_article(text, mini, ONTOLOGY, "big")
    yaml.safe_load(made.facts.read_text(encoding="utf-8"))  # reads back: no stray key
    _, problems = check(mini, ONTOLOGY)
    assert not [p for p in problems if "unknown field" in p.message], [str(p) for p in problems]
    article = made.article.read_text(encoding="utf-8")
    assert "--name 'Jane $(touch pwned) Doe'" in article
    assert any(step.startswith("kg new entity jane-touch-pwned-doe --type Person --name 'Jane $(touch pwned) Doe'")
               for step in made.next_steps)  # fmt: skip


@pytest.mark.parametrize(
    ("layout", "after"),
    [
        ("entities: []\n", "entities:\n  - id: fooland\n"),
        ("# kept\narticle: x\n", "# kept\narticle: x\nentities:\n  - id: fooland\n"),
        ("entities:  # kept\n\nother: 1\n", "entities:  # kept\n  - id: fooland\n"),
    ],
)
def test_new_entity_fits_each_layout_and_keeps_the_files_mode(tmp_path: Path, layout: str, after: str) -> None:
    entities = tmp_path / "entities.yaml"
    entities.write_text(layout, encoding="utf-8")
    entities.chmod(0o664)
    args = ["--sources", str(tmp_path), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "fooland", "--type", "Country", "--name", "Fooland", *args]) == 0
    assert entities.read_text(encoding="utf-8").startswith(after)
    assert yaml.safe_load(entities.read_text(encoding="utf-8"))["entities"][0]["name"] == "Fooland"
    assert entities.stat().st_mode & 0o777 == 0o664


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["crlf", "cr"])
def test_new_entity_keeps_a_files_line_ends(tmp_path: Path, newline: bytes) -> None:
    """An entities file written on Windows keeps its line ends: only the new entry's lines show in a diff.  One of
    CRs alone, which YAML reads as line ends (and `kg validate` accepts), made `kg new entity` fail with a
    traceback (IndexError)."""
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    entities = sources / "entities.yaml"
    before = entities.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", newline)
    entities.write_bytes(before)
    args = ["--sources", str(sources), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "fooland", "--type", "Country", "--name", "Fooland", *args]) == 0
    after = entities.read_bytes()
    assert after.count(newline) == before.count(newline) + 3
    entry = b"  - id: fooland" + newline + b"    type: Country" + newline + b'    name: "Fooland"' + newline
    assert entry in after
    assert after.replace(entry, b"") == before


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Test\x1b[2J Person", "'Test\\x1b[2J Person' holds U+001B: a name is plain text"),
        (  # a build's finder of names took 2.7 GB for a name of 30,000 words
            "Ab " * 50 + "Z",
            f"'{'Ab ' * 20}…' has 51 words: a name has 50 at most (a description belongs in --note)",
        ),
        ("Test\x00 Person", "'Test\\x00 Person' holds U+0000: a name is plain text"),
        ("Test Person ", "'Test Person ': a name is one line, with no space at its start or end"),
        ("Test\nPerson", "'Test\\nPerson': a name is one line, with no space at its start or end"),
        ("Test\tPerson", "'Test\\tPerson' holds a tab (U+0009) after 'Test': write a space"),
        (
            "Vladimir\ufeffPutin",
            "'Vladimir\\ufeffPutin' holds an invisible U+FEFF (ZERO WIDTH NO-BREAK SPACE) after 'Vladimir': delete it",
        ),
    ],
)
def test_new_entity_refuses_a_name_kg_validate_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, error: str
) -> None:
    """It wrote them (a newline, ESC, U+2028…), and kg validate then refused the file."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    before = (tmp_path / "sources" / "entities.yaml").read_bytes()
    args = ["--sources", str(tmp_path / "sources"), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "x", "--type", "Person", "--name", name, *args]) == 1
    assert capsys.readouterr().err == f"kg new entity: {error}\n"
    assert (tmp_path / "sources" / "entities.yaml").read_bytes() == before


def test_new_entity_refuses_a_blank_name_and_an_entities_file_that_does_not_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank name was written as `name: ""`; a broken file gave PyYAML's own message over several lines."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    args = ["--sources", str(tmp_path / "sources"), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "x", "--type", "Person", "--name", " ", *args]) == 1
    assert main(["new", "entity", "x", "--type", "Person", "--name", "X", "--alias", "", *args]) == 1
    assert capsys.readouterr().err.splitlines() == ["kg new entity: a name or an alias cannot be blank"] * 2
    entities = tmp_path / "sources" / "entities.yaml"
    entities.write_text("entities:\n\t- id: a\n", encoding="utf-8")
    assert main(["new", "entity", "x", "--type", "Person", "--name", "X", *args]) == 1
    assert capsys.readouterr().err == (
        f"kg new entity: {entities}:2:1: a tab where YAML needs spaces: indent with spaces only; fix it first "
        "(kg validate)\n"
    )
    assert entities.read_text(encoding="utf-8") == "entities:\n\t- id: a\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the text is empty: there is nothing to scaffold"),
        ("Title\n\nA \x1b[31mred\x1b[0m word.\n", "3:3: the text holds the control character U+001B"),
    ],
)
def test_new_article_refuses_a_text_the_build_would_refuse(mini: Path, tmp_path: Path, text: str, message: str) -> None:
    """An empty text, or one with a terminal escape, was scaffolded into three files that then failed."""
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    before = sorted(mini.rglob("*"))
    with pytest.raises(CurationError, match=re.escape(message)):
        new_article(page, mini, ONTOLOGY, "bad")
    assert sorted(mini.rglob("*")) == before


def test_new_article_refuses_what_is_no_regular_file_or_too_large_before_reading_it(mini: Path, tmp_path: Path) -> None:
    """`kg new article /dev/zero` read until memory ran out."""
    with pytest.raises(CurationError, match=re.escape("/dev/zero: the text is not a regular file: refused, not read")):
        new_article(Path("/dev/zero"), mini, ONTOLOGY, "zero")
    with pytest.raises(CurationError, match=re.escape(f"{tmp_path}/none.txt: No such file or directory")):
        new_article(tmp_path / "none.txt", mini, ONTOLOGY, "none")  # it was "kg: …" and exit 2, as for a crash
    large = tmp_path / "large.txt"
    large.write_bytes(b"A sentence. " * 400_000)
    with pytest.raises(CurationError, match=re.escape("the text is 4.6 MB, more than the 4.0 MB allowed: the build")):
        new_article(large, mini, ONTOLOGY, "large")


@pytest.mark.parametrize(
    ("text", "article_id", "message"),
    [
        (
            b"\xff\xfeH\x00i\x00",
            "u16",
            "1:1: the text is not UTF-8 text: byte 0xff is not part of a UTF-8 character; it is UTF-16 text: save it "
            "as UTF-8",
        ),
        # Located as the build locates it (line 2, column 4), not by a byte offset counted from 0 ("byte 21").
        (
            b"Line one is fine.\nCaf\xe9 society met.\n",
            "latin",
            "page.txt:2:4: the text is not UTF-8 text: byte 0xe9 is not part of a UTF-8 character; save it as UTF-8",
        ),
        (b"Russia operates the Tartus naval base.\n", "", "'' is not an id"),  # it fell back to the file's name
        (b"Russia operates the Tartus naval base.\n", "a" * 300, "the id is 300 characters long: an article id has"),
    ],
)
def test_new_article_says_what_is_wrong_with_the_text_or_the_id(
    mini: Path, tmp_path: Path, text: bytes, article_id: str, message: str
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(text)
    before = sorted(mini.rglob("*"))
    with pytest.raises(CurationError, match=re.escape(message)):
        new_article(page, mini, ONTOLOGY, article_id)
    assert sorted(mini.rglob("*")) == before


def test_new_article_takes_time_in_proportion_to_a_text_on_one_line(mini: Path, tmp_path: Path) -> None:
    """Each sentence split its whole line again to ask whether it was a heading: a one-line text of 480 KB ran
    for more than a minute (4 MB, the bound, for about an hour); it takes about a second."""
    page = tmp_path / "page.txt"
    page.write_text(" ".join(["The Russian Navy met Syrian Officials in Tartus Port today."] * 8000), encoding="utf-8")
    done = run_kg("new", "article", str(page), "--id", "long", "--sources", str(mini), "--ontology", str(ONTOLOGY),
                  timeout=30)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (mini / "facts" / "long.yaml").read_text(encoding="utf-8").count("# quote: ") == 8000


def test_ids_yaml_reads_as_true_null_or_a_number_are_written_quoted(mini: Path, tmp_path: Path) -> None:
    """`id: yes` is true to YAML, `null` nothing, `2025` a number: the scaffolds written with such an id did not
    validate, and `kg new entity yes` was refused with "could not add the entry there"."""
    args = ["--sources", str(mini), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "yes", "--type", "Person", "--name", "Jane Doe", *args]) == 0
    photo = "Photo: A Russian warship at Tartus on March 3"
    assert main(["new", "entity", "on", "--type", "Photograph", "--name", photo, *args]) == 0
    assert main(["new", "entity", "null", "--type", "City", "--name", "Nulltown", *args]) == 0
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    made = new_article(page, mini, ONTOLOGY, "2025")
    article = made.article.read_text(encoding="utf-8")
    assert 'id: "2025"\n' in article and 'author: "yes"\n' in article and '  - id: "on"  # an existing' in article
    assert 'article: "2025"\n' in made.facts.read_text(encoding="utf-8")
    plain = tmp_path / "off.txt"  # no headline: the id is the file's name
    plain.write_text("Russia keeps its bases. Syria says no.\n", encoding="utf-8")
    assert 'id: "off"\n' in new_article(plain, mini, ONTOLOGY).article.read_text(encoding="utf-8")
    _, problems = check(mini, ONTOLOGY)  # the sentences to decide, and the plain text's missing headline
    assert {p.message.split(":")[0].split(" its ")[0] for p in problems} == {"to do", "an article needs"}
    assert {"yes", "on", "null"} <= set(load_sources(mini).model.entities)


def test_a_text_put_in_articles_already_is_scaffolded_where_it_is(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "sources/articles/grip.txt exists already: choose another --id, or remove it" of the text it was
    given; `kg validate` advises `kg new article` for such a text."""
    text = mini / "articles" / "grip.txt"
    text.write_text(PAGE, encoding="utf-8")
    args = ["--sources", str(mini), "--ontology", str(ONTOLOGY)]
    assert main(["new", "article", str(text), "--id", "other", *args]) == 1
    assert capsys.readouterr().err == (
        f"kg new article: {text} is in {mini}/articles/ already, where its name is its article's id: leave --id "
        "out, or rename the text other.txt\n"
    )
    assert main(["new", "article", str(text), *args]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        f"{text} is in place already: its article is scaffolded",
        f"wrote {mini}/articles/grip.yaml",
        f"wrote {mini}/facts/grip.yaml",
    ]
    assert text.read_text(encoding="utf-8") == PAGE
    messages = {p.message.split(":")[0] for p in check(mini, ONTOLOGY)[1]}
    assert messages == {"to do", "unknown entity 'photo-grip'"}  # its step: `kg new entity photo-grip …`


def test_a_text_an_article_prints_already_is_refused_under_another_id(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scaffolded again without `--id` (the headline's id), the same text made a second article, silently."""
    text = tmp_path / "grip.txt"
    text.write_text(PAGE, encoding="utf-8")
    args = ["--sources", str(mini), "--ontology", str(ONTOLOGY)]
    assert main(["new", "article", str(text), "--id", "grip", *args]) == 0
    capsys.readouterr()
    before = sorted(mini.rglob("*"))
    (tmp_path / "again.txt").write_text(PAGE + "\n\n", encoding="utf-8")  # saved again, a line more at its end
    assert main(["new", "article", str(tmp_path / "again.txt"), *args]) == 1
    assert capsys.readouterr().err == (
        f"kg new article: {tmp_path}/again.txt prints what article 'grip' prints already ({mini}/articles/grip.txt):"
        " one article, twice\n"
    )
    assert sorted(mini.rglob("*")) == before


def test_a_text_in_place_that_an_article_reads_already_is_refused(mini: Path) -> None:
    """An article whose text has another name than its id: scaffolding that text in place wrote a second article
    of it."""
    articles = mini / "articles"
    (articles / "mini-article.txt").rename(articles / "story.txt")
    edit(mini, Path("articles") / "mini-article.yaml", "text: mini-article.txt", "text: story.txt")
    assert not [p for p in check(mini, ONTOLOGY)[1] if not p.message.startswith("to do")]
    with pytest.raises(CurationError) as refused:
        new_article(articles / "story.txt", mini, ONTOLOGY)
    assert (
        str(refused.value)
        == f"{articles}/story.txt is the text of article 'mini-article' already ({articles}/mini-article.yaml)"
    )
    assert sorted(p.name for p in articles.iterdir()) == ["mini-article.yaml", "story.txt"]


def test_new_article_refuses_an_entitys_id(mini: Path, tmp_path: Path) -> None:
    """`kg new article --id russia` wrote an article with an entity's id: an id names one record, in all files
    (`kg new entity` refused an article's id, and `kg validate` now refuses them both)."""
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    before = sorted(mini.rglob("*"))
    refused = f"'russia' is an entity's id already ({mini}/facts/mini.yaml): choose another --id"
    with pytest.raises(CurationError, match=re.escape(refused)):
        new_article(page, mini, ONTOLOGY, "russia")
    assert sorted(mini.rglob("*")) == before


def test_a_plain_text_article_has_its_headline_and_by_line_recognised(mini: Path, tmp_path: Path) -> None:
    """Only the captured pages' patterns were known: the headline was a "teaser", "By Jane Doe" a sentence to cite
    even with `author:` set."""
    page = tmp_path / "plain.txt"
    page.write_text("Russia and Syria resume talks on Tartus\nBy Jane Doe\n\nRussia operates the Tartus naval base.\n")
    made = new_article(page, mini, ONTOLOGY, "plain")
    article = yaml.safe_load(made.article.read_text(encoding="utf-8"))
    assert article["headline"] == "Russia and Syria resume talks on Tartus" and "ignore" not in article
    assert '# author: jane-doe  # byline "Jane Doe"' in made.article.read_text(encoding="utf-8")
    assert made.next_steps[0].startswith("kg new entity jane-doe --type Person --name 'Jane Doe'")
    entities = mini / "facts" / "mini.yaml"
    entities.write_text(
        entities.read_text(encoding="utf-8").replace(
            "entities:\n", "entities:\n  - {id: jane-doe, type: Person, name: Jane Doe}\n", 1
        ),
        encoding="utf-8",
    )
    made.article.write_text(made.article.read_text(encoding="utf-8").replace("# author: jane-doe", "author: jane-doe"))
    undecided = [p.message for p in check(mini, ONTOLOGY)[1] if p.file.endswith("plain.txt")]
    assert undecided == [
        'to do: cite this sentence as evidence, or ignore it in articles/plain.yaml with a reason: "Russia operates '
        'the Tartus naval base."'
    ]  # the headline and the byline are the article's own


@pytest.mark.parametrize(
    "printed",
    [b"\xef\xbb\xbfRussia met Syria again\n\n", b"Russia met Syria again\r\r", b"Russia met Syria again\r\n\r\n"],
    ids=["a byte-order mark", "old Mac line ends", "Windows line ends"],
)
def test_new_article_reads_the_text_as_the_build_will(mini: Path, tmp_path: Path, printed: bytes) -> None:
    """A BOM was kept in the headline (which the build, dropping the BOM, then did not find in the text); a
    text with CR line ends was one line to the scaffold and four to the build."""
    page = tmp_path / "page.txt"
    line_end = b"\r" if printed.endswith(b"\r\r") else b"\r\n" if b"\r\n" in printed else b"\n"
    page.write_bytes(printed + line_end.join([b"Russia operates the Tartus naval base.", b"By Jane Doe", b""]))
    made = new_article(page, mini, ONTOLOGY)
    article = made.article.read_text(encoding="utf-8")
    assert made.article.name == "russia-met-syria-again.yaml" and '\nheadline: "Russia met Syria again"\n' in article
    assert '# author: jane-doe  # byline "Jane Doe"' in article
    problems = [p.message for p in check(mini, ONTOLOGY)[1] if "russia-met-syria-again" in p.file]
    to_do = "to do: cite this sentence as evidence, or ignore it in articles/russia-met-syria-again.yaml with a reason"
    assert problems == [
        f'{to_do}: "Russia operates the Tartus naval base."',
        f'{to_do}: "By Jane Doe"',
    ]  # no author yet


def test_new_article_asks_for_an_id_when_nothing_gives_one(mini: Path, tmp_path: Path) -> None:
    """A headline and a file name in Arabic script gave the id 'article' to every such text."""
    page = tmp_path / "مقال.txt"
    page.write_text("روسيا وسوريا تتفاوضان على القواعد\n\nقالت روسيا إنها تريد البقاء.\n", encoding="utf-8")
    with pytest.raises(CurationError, match="nor the file's name has a Latin letter or digit to make an id of: give"):
        new_article(page, mini, ONTOLOGY)
    story = tmp_path / "story-1.txt"
    story.write_bytes(page.read_bytes())
    assert new_article(story, mini, ONTOLOGY).article.name == "story-1.yaml"  # the file's name, then


def test_new_article_refuses_a_yaml_file_and_makes_ascii_ids_of_accented_names(mini: Path, tmp_path: Path) -> None:
    """`kg new article sources/entities.yaml` made a 172-sentence article of it; `Ärtíkel.txt` gave 'rt-kel'."""
    before = sorted(mini.rglob("*"))
    with pytest.raises(CurationError, match=re.escape("mini.yaml is a YAML file: give the article's text, as it")):
        new_article(mini / "facts" / "mini.yaml", mini, ONTOLOGY)
    assert sorted(mini.rglob("*")) == before
    page = tmp_path / "Ärtíkel über Tartus.txt"
    page.write_text("Ärtíkel über Tartus\n\nRussia operates the Tartus naval base.\n", encoding="utf-8")
    assert new_article(page, mini, ONTOLOGY).article.name == "artikel-uber-tartus.yaml"
    assert [slug(name) for name in ("Łódź talks", "Straße of Hormuz", "Øresund")] == [
        "lodz-talks",
        "strasse-of-hormuz",
        "oresund",
    ]


def test_new_entity_refuses_a_flow_list_and_an_event_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "entities.yaml").write_text("entities: [{id: a, type: Country, name: A}]\n", encoding="utf-8")
    args = ["--sources", str(tmp_path), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "b", "--type", "Country", "--name", "B", *args]) == 1
    assert "is a flow list" in capsys.readouterr().err
    real = ["--sources", str(SOURCES), "--ontology", str(ONTOLOGY)]
    assert (
        main(["new", "entity", "x", "--type", "Place", "--name", "Establishment of the Tartus naval base", *real]) == 1
    )
    assert "names an existing event: tartus-naval-base-founding" in capsys.readouterr().err


def test_control_characters_written_by_escapes_are_refused_where_they_are(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """They reached the timeline, the page and `kg query`'s terminal (an ESC that clears it, an OSC title);
    article texts refused them already."""
    facts = mini / "facts" / "mini.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "name: Syria demands Assad's extradition", 'name: "X \\e]0;owned\\a\\e[2J|x\\r# Heading"'
        ),
        encoding="utf-8",
    )
    for command in ("validate", "timeline"):
        assert main([command, "--sources", str(mini), "--ontology", str(ONTOLOGY)]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert f"{facts}:14:11: the escape writes U+001B (a control character) into the text" in captured.err
        assert not any(c in captured.err for c in "\x1b\x07\r")


def test_the_watch_server_answers_only_requests_for_its_loopback_name(watching: tuple[Path, Watching]) -> None:
    """A page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding) cannot read the exports."""
    _, watcher = watching
    watcher.until(r"^build 1: ")
    port = watcher.url.rsplit(":", 1)[1].strip("/")
    for host, status in ((f"127.0.0.1:{port}", 200), (f"localhost:{port}", 200), (f"evil.example:{port}", 403)):
        request = urllib.request.Request(watcher.url + "graph.html", headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert (host, answer.status) == (host, status)
        except urllib.error.HTTPError as error:
            assert (host, error.code) == (host, status)


@pytest.mark.parametrize("path", ["/", "/__watch__.json", "/graph.ttl"])
def test_the_watch_server_answers_head_as_get_without_the_body(mini: Path, tmp_path: Path, path: str) -> None:
    """HEAD of the frame page gave the headers of the folder's listing (another length), of the status a 404."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "graph.ttl").write_text("<a> <b> <c> .\n", encoding="utf-8")
    server = start_server(Watcher(mini, ONTOLOGY, tmp_path / "out"), port=0)
    try:
        answers = []
        for method in ("GET", "HEAD"):
            request = urllib.request.Request(f"http://127.0.0.1:{server.server_address[1]}{path}", method=method)
            with urllib.request.urlopen(request, timeout=10) as answer:
                answers.append((answer.status, answer.headers["Content-Type"], answer.headers["Content-Length"]))
                body = answer.read()
                assert len(body) == (int(answer.headers["Content-Length"]) if method == "GET" else 0)
        assert answers[0] == answers[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/%00", "/graph.ttl%00.html", "/%00/", "/%ed%b0%80", "/graph.ttl%ed%b0%80"])
def test_the_watch_server_answers_a_path_no_file_can_have_404(
    mini: Path, tmp_path: Path, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`open()` raised ValueError (an embedded null byte, a surrogate UTF-8 cannot encode): a traceback on the
    curator's terminal and no answer."""
    (tmp_path / "out").mkdir()
    server = start_server(Watcher(mini, ONTOLOGY, tmp_path / "out"), port=0)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.server_address[1]}{path}")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("header", ["|+", ">+", "|2+", "|+2"])
def test_new_entity_leaves_the_value_before_it_as_it_was(tmp_path: Path, header: str) -> None:
    """The entry was put among the blank lines that end a note, which a `|+` note keeps: the note lost them, and
    the check after writing, which looked for the new id only, said nothing."""
    entities = tmp_path / "entities.yaml"
    entities.write_text(
        f"entities:\n  - id: a-person\n    type: Person\n    name: A Person\n    note: {header}\n      kept\n\n\n",
        encoding="utf-8",
    )
    before = yaml.safe_load(entities.read_text(encoding="utf-8"))["entities"]
    args = ["--sources", str(tmp_path), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "new-person", "--type", "Person", "--name", "New Person", *args]) == 0
    after = yaml.safe_load(entities.read_text(encoding="utf-8"))["entities"]
    assert after == [*before, {"id": "new-person", "type": "Person", "name": "New Person"}]


def test_new_entity_leaves_the_comment_ending_the_entity_before_it_with_that_entity(tmp_path: Path) -> None:
    """A comment indented as the last entity's fields (a field commented out) is that entity's: the entry was
    put before it, so that it read as the new entity's."""
    entities = tmp_path / "entities.yaml"
    entities.write_text(
        "entities:\n  # ---- people\n  - id: a-person\n    type: Person\n    name: A Person\n"
        "    # aliases: [A. P.]  (check the spelling)\n  # ---- places\n  - id: a-city\n    type: City\n"
        "    name: A City\n",
        encoding="utf-8",
    )
    args = ["--sources", str(tmp_path), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "new-person", "--type", "Person", "--name", "New Person", *args]) == 0
    assert entities.read_text(encoding="utf-8") == (
        "entities:\n  # ---- people\n  - id: a-person\n    type: Person\n    name: A Person\n"
        "    # aliases: [A. P.]  (check the spelling)\n"
        '  - id: new-person\n    type: Person\n    name: "New Person"\n'
        "  # ---- places\n  - id: a-city\n    type: City\n    name: A City\n"
    )


def test_new_entity_fits_a_list_whose_items_are_indented_further(tmp_path: Path) -> None:
    """`-   id: …` items: the entry was indented by the items' keys, not their dashes, and refused."""
    entities = tmp_path / "entities.yaml"
    entities.write_text("entities:\n-   id: a-person\n    type: Person\n    name: A Person\n", encoding="utf-8")
    args = ["--sources", str(tmp_path), "--ontology", str(ONTOLOGY)]
    assert main(["new", "entity", "new-person", "--type", "Person", "--name", "New Person", *args]) == 0
    assert entities.read_text(encoding="utf-8").endswith('\n- id: new-person\n  type: Person\n  name: "New Person"\n')
    assert [item["id"] for item in yaml.safe_load(entities.read_text(encoding="utf-8"))["entities"]] == [
        "a-person",
        "new-person",
    ]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--note", "bad \x1b[31m red"], "--note: the escape writes U+001B (a control character) into the text: write"),
        (["--note", "zero\u200bwidth"], "--note: 'zero\\u200bwidth' holds an invisible U+200B (ZERO WIDTH SPACE)"),
        (["--note", "   "], "--note: blank text: write the words, or leave the field out"),
        (["--note", ""], "--note: blank text: write the words, or leave the field out"),
        (["--name", "Bad\udcff Name"], "--name holds the byte 0xff, which is not UTF-8 text: give it in UTF-8"),
        (["--note", "\udcfe"], "--note holds the byte 0xfe, which is not UTF-8 text: give it in UTF-8"),
    ],
)
def test_new_entity_refuses_a_note_kg_validate_would_refuse_and_bytes_that_are_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    """Such a note was written, and then the corpus did not validate, and every later `kg new entity` said "fix
    it first"; bytes not UTF-8 gave "could not add the entry there".  The note's messages are kg validate's."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    before = sorted((path, path.read_bytes()) for path in (tmp_path / "sources").iterdir() if path.is_file())
    args = ["--sources", str(tmp_path / "sources"), "--ontology", str(ONTOLOGY)]
    given = ["--name", "Note Person", *argv] if argv[0] == "--note" else argv
    assert main(["new", "entity", "note-person", "--type", "Person", *given, *args]) == 1
    assert capsys.readouterr().err.startswith(f"kg new entity: {error}")
    assert sorted((path, path.read_bytes()) for path in (tmp_path / "sources").iterdir() if path.is_file()) == before


def test_the_check_after_writing_says_what_would_change(tmp_path: Path) -> None:
    """Written text that would change a value already there, or read the entry back as something else, is refused
    saying which (it said "could not add the entry there")."""
    entities, written = tmp_path / "entities.yaml", tmp_path / ".entities.yaml.tmp"
    entities.write_text("entities:\n  - id: a\n    type: Person\n    name: A\n    note: |+\n      kept\n\n\n")
    record = {"id": "yes", "type": "Person", "name": "B"}
    written.write_text("entities:\n  - id: a\n    type: Person\n    name: A\n    note: |+\n      kept\n  - id: yes\n")
    with pytest.raises(CurationError, match=re.escape("the entry put there would change the entity 'a'; the file is")):
        _check_added(entities, written, tmp_path, record)
    written.write_text(entities.read_text() + "  - id: yes\n    type: Person\n    name: B\n")
    with pytest.raises(CurationError, match=re.escape("the entry's id would read back as True, not 'yes'; the file")):
        _check_added(entities, written, tmp_path, record)


def test_new_entity_and_new_article_refuse_a_sources_folder_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kg new article --sources sourcse` made a new sources tree and scaffolded into it, seeing none of the
    entities; `kg new entity` said "kg: …/sourcse/.entities.yaml.zi97qvbm: No such file or directory"."""
    text = tmp_path / "story.txt"
    shutil.copyfile(SOURCES / "articles" / f"{REMOVED}.txt", text)
    typo = tmp_path / "sourcse"
    for argv in (["entity", "x-y", "--type", "Person", "--name", "X Y"], ["article", str(text), "--id", "copy"]):
        assert main(["new", *argv, "--sources", str(typo), "--ontology", str(ONTOLOGY)]) == 1
        assert capsys.readouterr().err == f"{typo}:1:1: sources directory not found\n1 error\n"
    assert sorted(tmp_path.iterdir()) == [text]


@pytest.mark.skipif(os.geteuid() != 0, reason="changes to another user, to meet a folder it cannot write")
def test_new_article_writes_its_three_files_or_none_and_errors_name_the_files_the_curator_knows(
    nobodys: Path,
) -> None:
    """With `facts/` read-only, the text and the article's YAML were written, then "Permission denied": the retry
    said the article "exists already"; with `sources/` read-only, `kg new entity` named its temporary file."""
    sources = nobodys / "sources"
    shutil.copytree(SOURCES, sources)
    text = nobodys / "story.txt"  # another article's text, and a line of its own (one text is one article)
    text.write_text(
        (SOURCES / "articles" / f"{REMOVED}.txt").read_text(encoding="utf-8") + "\nA line more.\n", encoding="utf-8"
    )
    for path in nobodys.rglob("*"):
        os.chown(path, 65534, 65534)
    (sources / "facts").chmod(0o555)
    before = sorted(sources.rglob("*"))
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "kg"]
    folders = ["--sources", str(sources), "--ontology", str(ONTOLOGY)]
    run = subprocess.run([*nobody, "new", "article", str(text), "--id", "story", *folders],
                         capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert (run.returncode, run.stderr) == (2, f"kg: {sources}/facts/story.yaml: Permission denied\n")
    assert sorted(sources.rglob("*")) == before
    (sources / "facts").chmod(0o755)
    sources.chmod(0o555)
    run = subprocess.run([*nobody, "new", "entity", "x-y", "--type", "Person", "--name", "X Y", *folders],
                         capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert (run.returncode, run.stderr) == (2, f"kg: {sources}/entities.yaml: Permission denied\n")
    sources.chmod(0o755)
    run = subprocess.run([*nobody, "new", "article", str(text), "--id", "story", *folders],
                         capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    made = sorted(path.relative_to(sources) for path in set(sources.rglob("*")) - set(before))
    assert made == [Path("articles/story.txt"), Path("articles/story.yaml"), Path("facts/story.yaml")]


def test_new_article_stopped_while_it_composes_leaves_nothing(mini: Path, tmp_path: Path) -> None:
    """A Ctrl-C while the facts file was composed (seconds, for a long text) left the text and the article's YAML:
    the corpus did not validate, and the retry said the article "exists already"."""
    text = tmp_path / "long.txt"
    sentences = (f"The Russian Navy met Syrian Officials in Tartus Port, number {n}.\n" for n in range(40_000))
    text.write_text("".join(sentences), encoding="utf-8")
    before = sorted(mini.rglob("*"))
    command = [sys.executable, "-m", "kg", "new", "article", str(text), "--id", "long", "--sources", str(mini),
               "--ontology", str(ONTOLOGY)]  # fmt: skip
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    took = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    for path in sorted(set(mini.rglob("*")) - set(before), reverse=True):
        path.unlink()
    for fraction in (0.5, 0.7, 0.85, 0.95):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(took * fraction)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        written = sorted(set(mini.rglob("*")) - set(before))
        if process.returncode == 0 or written:  # done before the signal came, or by the time it was delivered
            assert [path.name for path in written] == ["long.txt", "long.yaml", "long.yaml"], err
        else:
            assert (process.returncode, err) == (130, "kg: stopped by SIGINT\n")
        for path in sorted(written, reverse=True):
            path.unlink()
    assert not [path for path in mini.rglob(".*")]  # no temporary file left


def test_a_file_made_just_before_a_scaffold_is_put_in_its_place_is_not_written_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file was checked to be absent, then renamed into place: a file made in between was written over.
    Here one is made at the last moment, just before the call that puts the scaffold's file there."""
    target = tmp_path / "story.yaml"
    for call in ("link", "rename"):
        real = getattr(os, call)

        def made_first(source: str, destination: str, real: Callable[[str, str], None] = real) -> None:
            if Path(destination) == target:
                target.write_text("theirs", encoding="utf-8")
            real(source, destination)

        monkeypatch.setattr(os, call, made_first)
    with pytest.raises(FileExistsError):
        put_in_place([(target, b"ours")])
    assert target.read_text(encoding="utf-8") == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.yaml"]  # no temporary left


def test_a_byline_in_capitals_is_offered_as_a_name_is_written() -> None:
    """Wire reports print "By LEENA HADDAD": the stub named the person in capitals (the byline matches any case)."""
    assert _new_person("LEENA HADDAD") == "kg new entity leena-haddad --type Person --name 'Leena Haddad'"
    assert (
        _new_person("Mohammed AL-RIFAI") == "kg new entity mohammed-al-rifai --type Person --name 'Mohammed AL-RIFAI'"
    )


WIRE = """Russian delegation in Damascus for talks on Tartus port

By LEENA HADDAD

Updated 4:12 PM GMT+2, March 11, 2025

DAMASCUS, Syria (AP) — A Russian delegation arrived in Damascus for talks on the Tartus naval base.

Associated Press writer Omar Khatib in Beirut contributed to this report.

Copyright 2025 The Associated Press. All Rights Reserved.
"""


def test_a_wire_reports_timestamp_is_its_publication_date_and_its_copyright_is_furniture(
    mini: Path, tmp_path: Path
) -> None:
    """A wire report's layout: its timestamp was ignored as "teaser headline or subheading" and `published:` left
    to write; its copyright lines and contributors' credit were sentences to decide ("Rights Reserved" offered as a
    Person)."""
    made = scaffold_grip(mini, tmp_path, WIRE)
    text = made.article.read_text(encoding="utf-8")
    article = yaml.safe_load(text)
    assert str(article["published"]) == "2025-03-11"
    assert 'published: 2025-03-11  # printed: "Updated 4:12 PM GMT+2, March 11, 2025"' in text
    assert {item["quote"]: item["reason"] for item in article["ignore"]} == {
        "Updated 4:12 PM GMT+2, March 11, 2025": "publication timestamp (its date is published: 2025-03-11)",
        "Associated Press writer Omar Khatib in Beirut contributed to this report.": "contributors' credit",
        "Copyright 2025 The Associated Press.": "copyright notice",
        "All Rights Reserved.": "copyright notice",
    }
    assert made.to_decide == 2  # the byline (until its author is added) and the story's one sentence
