"""Where each quote first occurs in its article's text: found once, after the load, for the checks, the Turtle
and the page (`kg.checks.quotes`), the same positions as looking for each one when asked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kg.checks import quotes
from kg.checks.checked import load_project
from kg.checks.quotes import find_quotes, first_place, next_place
from kg.model import Model

from .conftest import ONTOLOGY, SOURCES


def _model() -> tuple[Model, list]:
    """The real corpus, loaded afresh, nothing found in its texts yet (its checks looked for every quote)."""
    project = load_project(SOURCES, ONTOLOGY)
    project.model.quote_places.clear()
    return project.model, project.groups


def _asked(model: Model) -> set[tuple[str, str]]:
    """Every (article id, quote) the evidence of `model` asks about, of an article with a text."""
    return {
        (item.article, item.quote)
        for record in model.records()
        for item in record.evidence
        if item.article in model.articles and model.articles[item.article].text
    }


def _found(model: Model) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (article_id, quote): at
        for article_id, (_, places) in model.quote_places.items()
        for quote, at in places.items()
    }


@pytest.mark.parametrize("parallel", [False, True])
def test_every_quote_is_found_where_str_find_finds_it(parallel: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    model, groups = _model()
    if parallel:  # across processes (where the machine has more than one core), whatever the amount
        monkeypatch.setattr(quotes, "PARALLEL_SCAN", 0)
    find_quotes(model, groups)
    found = _found(model)
    assert found.keys() == _asked(model)
    assert len(found) > 200
    for (article_id, quote), at in found.items():
        text = model.articles[article_id].text
        assert at == (text.find(quote), text.find(quote, text.find(quote) + 1)) and at[0] >= 0
    assert any(again >= 0 for _, again in found.values())  # a headline printed twice, quoted


def test_only_the_quotes_of_the_files_read_afresh_are_found_ahead() -> None:
    model, groups = _model()
    facts = next(group for group in groups if group.claims and group.file.parent.name == "facts")
    find_quotes(model, groups, {facts.file})
    of_file = {(item.article, item.quote) for record in (*facts.events, *facts.claims) for item in record.evidence}
    assert of_file and _found(model).keys() == of_file & _asked(model)

    model, groups = _model()
    article = next(iter(model.articles.values()))
    find_quotes(model, groups, {article.where.file})
    assert _found(model).keys() == {
        (article_id, quote) for article_id, quote in _asked(model) if article_id == article.id
    }


def test_a_quote_not_found_ahead_is_looked_for_when_asked_and_a_changed_text_forgets_what_was_found() -> None:
    model, _ = _model()
    article = next(a for a in model.articles.values() if a.text)
    words = article.text[40:80]
    assert first_place(model, article, words) == article.text.find(words)
    assert first_place(model, article, "words no article prints") == -1
    assert next_place(model, article, words) == article.text.find(words, article.text.find(words) + 1)
    changed = dataclasses.replace(article, text="xx" + article.text)
    model.articles[article.id] = changed
    assert first_place(model, changed, words) == article.text.find(words) + 2


def test_a_build_writes_the_same_bytes_whether_the_quotes_were_found_ahead_or_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg
    from kg.exports import write

    ahead = tmp_path / "ahead"
    kg.build(SOURCES, ONTOLOGY, ahead, use_cache=False)
    monkeypatch.setattr(write, "find_quotes", lambda *_: None)
    asked = tmp_path / "asked"
    kg.build(SOURCES, ONTOLOGY, asked, use_cache=False)
    names = sorted(p.relative_to(ahead) for p in ahead.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(asked) for p in asked.rglob("*") if p.is_file())
    for name in names:
        assert (ahead / name).read_bytes() == (asked / name).read_bytes(), name


def test_a_cold_build_finds_every_quote_once_before_its_processes_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No process of a cold build looks for a quote when it asks (the checks, the Turtle's and the page's
    processes, the documentation's examples): all were found ahead; and the build forgets them once written."""
    import kg

    def searched(text: str, quote: str) -> tuple[int, int]:
        raise AssertionError(f"looked for when asked: {quote!r}")

    monkeypatch.setattr(quotes, "_search", searched)
    written = kg.build(SOURCES, ONTOLOGY, tmp_path / "out", use_cache=False)
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 100_000
    assert written.project is not None and written.project.model.quote_places == {}
