"""Checks kept between builds report exactly what a fresh check reports: a source file that checked clean
is skipped only while nothing it read from other files has changed.

Each edit below changes one file so that another file, unchanged and checked clean by the last build,
becomes wrong (or right again); the build with its cache must fail with the problems a check without any
cache finds, at the same places.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import kg
from kg.checks.coverage import coverage_report, quotes_by_article
from kg.checks.meaning import _Checker
from kg.checks.names import name_key
from kg.exports.manifest import CACHE_DIR, builder_version, fingerprint
from kg.problems import LocatedProblem, ValidationFailed
from kg.shelf import Shelf

from .conftest import ONTOLOGY, SOURCES

PLAIN = re.compile(r"[A-Za-z0-9 ,.'-]+")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real corpus with its ontology, built once with the cache (every file checked clean)."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    build(tmp_path)
    assert list((tmp_path / CACHE_DIR / "checks").glob("*.kept"))
    return tmp_path


def build(project: Path) -> list[LocatedProblem]:
    """The problems a build with its cache reports (none when it succeeds)."""
    try:
        kg.build(project / "sources", project / "ontology", project / "exports")
    except ValidationFailed as failed:
        return failed.problems
    return []


def fresh_problems(project: Path) -> list[LocatedProblem]:
    """What a check that keeps nothing finds."""
    return kg.validate(project / "sources", project / "ontology")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    "where, old, new, expected",
    [
        # the class of a node other files' claims point at: their range and domain checks change
        (
            "entities.yaml",
            "  - id: bashar-al-assad\n    type: Person",
            "  - id: bashar-al-assad\n    type: MilitaryBase",
            "needs",
        ),
        # a node other files' claims point at is gone (under another id)
        ("entities.yaml", "id: bashar-al-assad\n", "id: bashar-assad\n", "unknown entity 'bashar-al-assad'"),
        # an article's text: quotes in the facts files no longer verbatim
        ("articles/ki-syria-reassess-russian-presence.txt", "Tartus", "Tartous", "quote not found verbatim"),
        # an article's outlet: a `via` of its facts file that names the new outlet starts the chain again
        (
            "articles/kp-abu-qasra-russian-bases.yaml",
            "outlet: kyiv-post",
            "outlet: radio-liberty",
            "'radio-liberty' is the article's outlet",
        ),
    ],
    ids=["class of a node", "node renamed", "article text", "article outlet"],
)
def test_a_change_in_one_file_that_makes_a_kept_file_wrong_is_reported(
    project: Path, where: str, old: str, new: str, expected: str
) -> None:
    edit(project / "sources" / where, old, new)
    found = build(project)
    assert found == fresh_problems(project)
    edited = (project / "sources" / where).as_posix()
    assert any(expected in p.message and not edited.endswith(p.file) for p in found), found
    # and again with nothing changed: the kept check of a file that no longer held is not trusted later
    assert build(project) == found
    edit(project / "sources" / where, new, old)
    assert build(project) == []


def test_a_quote_moved_in_a_facts_file_uncovers_a_sentence_of_its_kept_article(project: Path) -> None:
    """Coverage reads every quote citing an article, from whichever file: an article kept as covered must be
    checked again when a quote citing it changes elsewhere."""
    model = kg.load(project / "sources", project / "ontology")
    quotes = quotes_by_article(model)
    for article_id, accounted in coverage_report(model).items():
        text = model.articles[article_id].text
        for item in accounted:
            sentence = item.sentence
            citing = [
                (quote, owner)
                for quote, owner in quotes.get(article_id, [])
                if (at := text.find(quote)) >= 0 and at < sentence.end and at + len(quote) > sentence.start
            ]
            if item.status != "cited" or len(citing) != 1 or not PLAIN.fullmatch(citing[0][0]):
                continue
            quote, owner = citing[0]
            record = model.claims.get(owner) or model.events[owner]
            facts = record.where.file
            elsewhere = [q for q, _ in quotes[article_id] if PLAIN.fullmatch(q) and text.find(q) >= sentence.end]
            if facts.read_text(encoding="utf-8").count(quote) == 1 and elsewhere:
                edit(facts, quote, elsewhere[0])
                found = build(project)
                assert found == fresh_problems(project)
                assert any("to do: cite this sentence" in p.message for p in found), found
                return
    pytest.fail("no sentence of the corpus is cited by a single plain quote")


def test_kept_checks_are_used_and_a_fresh_check_agrees(project: Path) -> None:
    """A one-file edit rewrites that file's kept check only; the build still agrees with a fresh check."""
    entries = {p.name: p.stat().st_mtime_ns for p in (project / CACHE_DIR / "checks").glob("*.kept")}
    edit(project / "sources" / "facts" / "kp-abu-qasra-russian-bases.yaml", "modality: reported", "modality: hedged")
    assert build(project) == [] == fresh_problems(project)
    rewritten = [
        p for p in (project / CACHE_DIR / "checks").glob("*.kept") if entries.get(p.name) != p.stat().st_mtime_ns
    ]
    # that file's claims, and the coverage of the article its quotes cite (the modality is part of no quote,
    # so the coverage is kept as it was: the same stamp, not rewritten)
    assert len(rewritten) == 1


def test_the_keys_of_todays_names_are_kept_and_a_name_that_clashes_with_a_kept_one_is_reported(
    project: Path,
) -> None:
    """The names check compares every name by its key (`name_key`); the keys are kept between builds, and a new
    name whose key a kept name has is reported as a fresh check reports it.  They are written again when a
    key was worked out, for today's names only: a name removed leaves its key until then."""

    def kept_keys() -> dict[str, str]:
        version = f"{fingerprint(project / 'sources', project / 'ontology', '').ontology}\0{builder_version()}"
        kept = Shelf(project / CACHE_DIR / "checks", version).get("name keys")
        assert kept is not None
        return kept[1]  # type: ignore[no-any-return]

    def names() -> set[str]:
        return {name for node in kg.load(project / "sources", project / "ontology").nodes() for name in node.names}

    assert kept_keys() == {name: name_key(name) for name in names()}
    entities = project / "sources" / "entities.yaml"
    edit(entities, "aliases: [Abu Qasra]", "aliases: [Abu Qasra, Bashar al Assad]")
    found = build(project)
    assert found == fresh_problems(project)
    assert any("alias 'Bashar al Assad' of 'murhaf-abu-qasra' is already the name of" in p.message for p in found)
    edit(entities, "aliases: [Abu Qasra, Bashar al Assad]", "aliases: [Abu Qasra]")
    # (the sources are those of the last build that succeeded again: nothing to build)
    edit(project / "sources" / "facts" / "kp-abu-qasra-russian-bases.yaml", "modality: reported", "modality: hedged")
    assert build(project) == []
    assert kept_keys() == {name: name_key(name) for name in names()} | {"Bashar al Assad": name_key("Bashar al Assad")}
    edit(entities, "aliases: [Abu Qasra]", "aliases: [Abu Qasra, Defence Minister Abu Qasra]")
    assert build(project) == []
    assert kept_keys() == {name: name_key(name) for name in names()}
    assert "Defence Minister Abu Qasra" in kept_keys() and "Bashar al Assad" not in kept_keys()


def test_the_names_check_is_skipped_while_the_names_are_those_of_a_clean_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every name is compared with every other only when some node's id or names changed since a build whose
    names checked clean; an edit elsewhere skips it, and a clash made by a changed name is still found."""
    checked: list[int] = []
    check_names = _Checker.check_names

    def counted(checker: _Checker) -> None:
        checked.append(1)
        check_names(checker)

    monkeypatch.setattr(_Checker, "check_names", counted)
    facts = project / "sources" / "facts" / "kp-abu-qasra-russian-bases.yaml"
    edit(facts, "modality: reported", "modality: hedged")
    assert build(project) == [] and checked == []
    entities = project / "sources" / "entities.yaml"
    edit(entities, "aliases: [Abu Qasra]", "aliases: [Abu Qasra, Bashar al Assad]")  # a clash
    found = build(project)
    assert len(checked) == 1
    assert found == fresh_problems(project)  # (a check that keeps nothing checks the names too)
    assert any("alias 'Bashar al Assad' of 'murhaf-abu-qasra' is already the name of" in p.message for p in found)
    edit(entities, "aliases: [Abu Qasra, Bashar al Assad]", "aliases: [Abu Qasra]")
    edit(facts, "modality: hedged", "modality: reported")
    checked.clear()
    assert build(project) == [] and checked == []  # the names of the last clean build: not checked again
    edit(entities, "aliases: [Abu Qasra]", "aliases: [Abu Qasra, Defence Minister Abu Qasra]")
    assert build(project) == [] and len(checked) == 1
    edit(facts, "modality: reported", "modality: hedged")
    assert build(project) == [] and len(checked) == 1
