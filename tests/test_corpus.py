"""The curated corpus: the five articles unchanged, every sentence accounted for, every name resolvable."""

from __future__ import annotations

import hashlib

import pytest

from kg.checks.checked import Project
from kg.checks.coverage import coverage_report
from kg.cli import main

from .conftest import ONTOLOGY, SOURCES

ARTICLE_TEXTS = {
    "ki-syria-reassess-russian-presence": "5fada34e2e8b0e9a465a94092da070f691593a7bfa3caf8929bc32ca83dd3905",
    "ki-sharaa-extradition-refused": "9158e16bb543817c95bb33400d2bf03b8b18e88c23671730ceeb14c24e45cca0",
    "kp-abu-qasra-russian-bases": "b1101351b7a0e7f9170223230920277af28f82f54a8e477a79632d2be18d368a",
    "syria-demands-assad-extradition": "7b171a96c13a1cbe74468be58a449d0ff3e6c3c1192c663287083c497790d3df",
    "ki-bloomberg-russia-deal-near": "0c8ca7c2efad6fbad6f32fd118dcf01d58dff360d4f84b2006a052b77710d2d3",
}


@pytest.mark.parametrize(("article_id", "digest"), ARTICLE_TEXTS.items())
def test_article_texts_are_the_seed_articles_unchanged(article_id: str, digest: str) -> None:
    text = (SOURCES / "articles" / f"{article_id}.txt").read_bytes()
    assert hashlib.sha256(text).hexdigest() == digest


def test_all_five_articles_are_curated(project: Project) -> None:
    assert set(project.model.articles) == set(ARTICLE_TEXTS)


def test_validate_and_coverage_exit_0_on_the_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--sources", str(SOURCES), "--ontology", str(ONTOLOGY)]) == 0
    assert main(["coverage", "--sources", str(SOURCES), "--ontology", str(ONTOLOGY)]) == 0
    lines = capsys.readouterr().out.splitlines()
    for article_id in ARTICLE_TEXTS:
        assert any(line.startswith(f"{article_id}: 100.0% of ") for line in lines), lines


def test_every_sentence_is_cited_metadata_or_ignored_with_a_reason(project: Project) -> None:
    for article_id, accounted in coverage_report(project.model).items():
        cited = [a for a in accounted if a.status == "cited"]
        assert len(cited) >= 10, article_id
        for item in accounted:
            assert item.status != "unaccounted", (article_id, item.sentence.text)
            assert item.detail.strip(), (article_id, item.sentence.text)


def test_every_alias_resolves_to_exactly_one_node(project: Project) -> None:
    owners: dict[str, set[str]] = {}
    for node in (*project.model.entities.values(), *project.model.events.values()):
        for name in node.names:
            owners.setdefault(name.casefold(), set()).add(node.id)
    assert {name: ids for name, ids in owners.items() if len(ids) > 1} == {}


def test_every_quote_is_verbatim_in_its_article(project: Project) -> None:
    model = project.model
    records = (*model.events.values(), *model.claims.values())
    quotes = [(item.article, item.quote) for record in records for item in record.evidence]
    assert len(quotes) >= 100
    for article_id, quote in quotes:
        assert quote in model.articles[article_id].text, (article_id, quote)


def test_the_corpus_is_large_and_linked(project: Project) -> None:
    model = project.model
    assert len(model.claims) + len(model.events) >= 100
    merged = [r for r in (*model.events.values(), *model.claims.values()) if len({e.article for e in r.evidence}) >= 3]
    assert merged, "some facts are reported by three or more articles"
    assert any(r.conflicts_with for r in (*model.events.values(), *model.claims.values()))


def test_every_source_file_points_editors_at_its_json_schema() -> None:
    files = sorted(SOURCES.rglob("*.yaml"))
    assert len(files) >= 11
    for path in files:
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        schema = "article.schema.json" if path.parent.name == "articles" else "facts.schema.json"
        assert first_line.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first_line.split("$schema=", 1)[1].strip()).resolve()
        assert target == (ONTOLOGY / schema).resolve(), path
