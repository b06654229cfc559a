"""Where each evidence quote first occurs in its article's text, and where it occurs next: found once per loaded
model, ahead of the processes that ask.  (The next place tells a quote read at its first place that may not be the
one meant: the checks compare the two lines.)

Four steps of a build need the first occurrence of every quote in its article: the checks (whether the quote
is in the text at all, and the sentences it covers), the Turtle (the quote's position selector) and the page
(an article's marks).  Each used to look for it in a process of its own: on the 100,000-fact synthetic corpus
(200 articles of 42,000 characters, 500 quotes each) one search of them all takes 0.6 s of CPU.  The build
finds them once, as soon as the sources are loaded (`find_quotes`), across the machine's cores, before it
forks the processes that ask (`first_place`): they inherit what was found.  A quote not found then (an
edit's build finds only the quotes of what it read afresh; `kg validate` none) is looked for by each process
that asks, and kept for its next question.
"""

from __future__ import annotations

from collections.abc import Container
from functools import partial
from pathlib import Path

from kg.model import Article, Claim, Event, Model, SourceRecords
from kg.workers import in_processes

PARALLEL_SCAN = 200_000_000
"""Characters scanned (its article's whole text for each quote, about: to its first place, then on to the next)
below which one process finds them
all: forking and sending the positions back cost more (about 50 ms of searching)."""


def first_place(model: Model, article: Article, quote: str) -> int:
    """Where `quote` first occurs in `article`'s text (`str.find`: -1 when it does not): found ahead, or looked
    for now and kept for the next question (`_search`)."""
    return _both_places(model, article, quote)[0]


def next_place(model: Model, article: Article, quote: str) -> int:
    """Where `quote` occurs again after its `first_place` in `article`'s text (-1 when it does not)."""
    return _both_places(model, article, quote)[1]


def _both_places(model: Model, article: Article, quote: str) -> tuple[int, int]:
    places = _places(model, article)
    found = places.get(quote)
    if found is None:
        found = places[quote] = _search(article.text, quote)
    return found


def _search(text: str, quote: str) -> tuple[int, int]:
    """A search made when asked (a function of its own: a test tells that a cold build makes none)."""
    return _first_and_next(text, quote)


def _first_and_next(text: str, quote: str) -> tuple[int, int]:
    """The first place of `quote` in `text` and the next (-1: none)."""
    first = text.find(quote)
    return first, -1 if first < 0 else text.find(quote, first + 1)


def _places(model: Model, article: Article) -> dict[str, tuple[int, int]]:
    """The positions found in `article`'s text so far, by quote: forgotten when the article's text is another
    object than the one they were found in (a loaded model is not changed: this is a safeguard).  They are kept
    with that text, which they keep alive; the build forgets them once written."""
    kept = model.quote_places.get(article.id)
    if kept is None or kept[0] is not article.text:
        kept = model.quote_places[article.id] = (article.text, {})
    return kept[1]


def find_quotes(model: Model, groups: list[SourceRecords], files: Container[Path] | None = None) -> None:
    """Find where the quotes of the evidence of `groups` (`Model.by_file`) first occur, ahead of `first_place`:
    all of them, or (`files`) those of the records of these files and those citing an article of these files;
    across the machine's cores when there are many."""
    wanted: dict[str, dict[str, None]] = {}
    articles = model.articles
    fresh_articles = {a.id for a in articles.values() if a.text and (files is None or a.where.file in files)}
    for group in groups:
        fresh = files is None or group.file in files
        if not fresh and not fresh_articles:  # (an edit's build, one facts file read afresh: that file only)
            continue
        records: list[Event | Claim] = [*group.events, *group.claims]
        for record in records:
            for item in record.evidence:
                if item.article in fresh_articles or (fresh and item.article in articles):
                    wanted.setdefault(item.article, {})[item.quote] = None
    ids = [article_id for article_id, quotes in wanted.items() if articles[article_id].text]
    quotes = [list(wanted[article_id]) for article_id in ids]
    weights = [len(articles[article_id].text) * len(listed) for article_id, listed in zip(ids, quotes, strict=True)]
    found = in_processes(partial(_first_places, model, quotes, ids), list(range(len(ids))), weights, PARALLEL_SCAN)
    for article_id, listed, positions in zip(ids, quotes, found, strict=True):
        _places(model, articles[article_id]).update(zip(listed, positions, strict=True))


def _first_places(
    model: Model, quotes: list[list[str]], ids: list[str], indexes: list[int]
) -> list[list[tuple[int, int]]]:
    """For each of `indexes`, where each quote of that article first occurs in its text, and next."""
    found = []
    for index in indexes:
        text = model.articles[ids[index]].text
        found.append([_first_and_next(text, quote) for quote in quotes[index]])
    return found
