"""Sentence accounting: every sentence of every article is cited, metadata, or ignored with a reason.

A sentence is *cited* when the first occurrence of some evidence quote overlaps it, *metadata* when the
headline, section, author byline, a photo caption or a credit covers it entirely, *ignored* when the article's `ignore:`
quotes cover it entirely.  Anything else is *unaccounted*, which fails the build.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.checks.quotes import first_place
from kg.model import Article, Model
from kg.problems import Problem, Where, without_invisibles

TO_DO = "to do: "
"""How the problem of a sentence no evidence cites and no `ignore:` covers starts (`kg coverage` lists these
sentences itself)."""

_ABBREVIATIONS = {
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "lt",
    "col",
    "sgt",
    "no",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "approx",
}
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
STATUSES = ("cited", "metadata", "ignored", "unaccounted")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    line: int
    column: int
    text: str


@dataclass(frozen=True, slots=True)
class Accounted:
    sentence: Sentence
    status: str
    detail: str  # the evidence owner id, the metadata field or the ignore reason


def split_sentences(text: str) -> Iterator[Sentence]:
    """Sentences of a plain-text article: each line is split at sentence ends, not at "Feb." or "U.S."."""
    offset = 0
    for line_number, line in enumerate(text.split("\n"), start=1):
        start = 0
        for match in _BOUNDARY.finditer(line):
            word = line[start : match.start()].rsplit(maxsplit=1)[-1:] or [""]
            token = word[0].lstrip("\"'“‘([").lower()
            if token in _ABBREVIATIONS or len(token) == 1:
                continue
            yield from _sentence(line, start, match.end(), offset, line_number)
            start = match.end()
        yield from _sentence(line, start, len(line), offset, line_number)
        offset += len(line) + 1


def _sentence(line: str, start: int, end: int, offset: int, line_number: int) -> Iterator[Sentence]:
    """The sentence `line[start:end]`, if it has something to see: a web page's spacer (a zero-width space alone on
    a line), or byte order marks where pasted parts begin, are no sentence to cite."""
    chunk = line[start:end]
    stripped = chunk.strip()
    if stripped and (stripped.isprintable() or without_invisibles(stripped).strip()):
        lead = len(chunk) - len(chunk.lstrip())
        begin = offset + start + lead
        yield Sentence(begin, begin + len(stripped), line_number, start + lead + 1, stripped)


def occurrences(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every occurrence of `needle` in `text`, overlapping ones too."""
    position = text.find(needle)
    while needle and position >= 0:
        yield position, position + len(needle)
        position = text.find(needle, position + 1)


MANY = 64
"""Passages at least for one automaton to find them all (an article's text is 4 KB, commonly, with a few
ignored passages: each is looked for on its own)."""


def all_occurrences(text: str, needles: list[str]) -> Iterator[list[tuple[int, int]]]:
    """The occurrences of each of `needles` in `text` (`occurrences`: overlapping ones too, in order).

    Many needles are found together, in one pass over the text (an Aho–Corasick automaton, pyahocorasick),
    whatever the words they share: each looked for in the whole text, 34,000 ignored passages of a 3.9 MB
    article took 23 s, and a word index of the lines did no better where every line holds the same few
    words (10,000 sentences of a 14-word vocabulary: 16 s)."""
    if len(needles) < MANY:
        return (list(occurrences(text, needle)) for needle in needles)
    import ahocorasick  # C; imported by the articles with many passages only

    automaton = ahocorasick.Automaton()
    for needle in needles:
        if needle:
            automaton.add_word(needle, needle)
    if not len(automaton):
        return ([] for _ in needles)
    automaton.make_automaton()
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for last, needle in automaton.iter(text):  # by where each occurrence ends: a needle's, in order of start
        found[needle].append((last - len(needle) + 1, last + 1))
    return (list(found.get(needle, ())) for needle in needles)


def account_article(article: Article, model: Model, quotes: list[tuple[str, str]] | None = None) -> list[Accounted]:
    """Account for each sentence of `article`; `quotes` are its (quote, owner id) pairs if already indexed."""
    if quotes is None:
        quotes = quotes_by_article(model).get(article.id, [])
    return _account(article, model, _cited_by(article, model, quotes)[0])


def _cited_by(article: Article, model: Model, quotes: list[tuple[str, str]]) -> tuple[list[str | None], bool]:
    """Which record first cites each character of `article`'s text, and whether every quote was found in it.

    Linear in text and quotes: a scan of every quote for every sentence would be quadratic in the size of
    an article."""
    cited_by: list[str | None] = [None] * len(article.text)
    all_found = True
    for quote, owner_id in quotes:
        position = first_place(model, article, quote)
        if position < 0:
            all_found = False
            continue
        end = position + len(quote)
        if not any(cited_by[position:end]):
            cited_by[position:end] = [owner_id] * len(quote)
            continue
        for index in range(position, end):
            if cited_by[index] is None:
                cited_by[index] = owner_id
    return cited_by, all_found


def metadata_spans(article: Article, model: Model) -> list[tuple[int, int, str]]:
    """(start, end, label) of every occurrence of the headline, section, byline, captions and credits."""
    metadata: list[tuple[int, int, str]] = []
    author = model.entities.get(article.author) if article.author else None
    for label, value in (
        ("headline", article.headline or ""),
        ("section", article.section or ""),
        *(("author byline", name) for name in ((author.name, *author.aliases) if author else ())),
        *((f"photo {p.id} caption", p.caption) for p in article.photos),
        *((f"photo {p.id} credit", p.credit or "") for p in article.photos),
    ):
        # A byline by any of the author's names, in any case: wire reports print it in capitals ("By LEENA
        # HADDAD"), which the person's name is not, nor can an alias be (names differ by more than case).
        byline = label == "author byline"
        for start, end in (_byline_occurrences if byline else occurrences)(article.text, value):
            if byline and article.text[max(0, start - 4) : start].lower() in ("by ", "\nby "):
                start -= 3  # "By Jane Doe", "BY JANE DOE": the whole line
            if (
                label.endswith(" credit")
                and article.text[start - 1 : start] == "("
                and article.text[end : end + 1] == ")"
            ):
                # "… in Hama (Jane Doe/Getty Images)": the credit with its brackets and the space before them
                start, end = len(article.text[: start - 1].rstrip(" ")), end + 1
            metadata.append((start, end, label))
    return sorted(metadata)


def _byline_occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of `name` in `text`, case aside."""
    if name:
        yield from ((found.start(), found.end()) for found in re.finditer(re.escape(name), text, re.IGNORECASE))


def ignored_spans(article: Article, whole: bool = False) -> list[tuple[int, int, str]] | None:
    """(start, end, reason) of every occurrence of each ignored passage, sorted.  With `whole`, None when one
    of them is not in the text (its error is reported by the meaning checks, and its sentence would only
    repeat it); otherwise the passages found count, as `kg coverage` and the page show them."""
    spans = []
    found_each = all_occurrences(article.text, [item.quote for item in article.ignore])
    for item, found in zip(article.ignore, found_each, strict=True):
        if not found and whole:
            return None
        spans += [(start, end, item.reason) for start, end in found]
    return sorted(spans)


class SpanIndex:
    """Spans (start, end, label) sorted by start, with the furthest end reached so far at each: the spans
    that can reach a position are found by bisection, not by a scan of them all from the first (for each
    sentence, or each name printed: 21,000 ignored sentences of one article took 42 s to account for)."""

    def __init__(self, spans: list[tuple[int, int, str]]):
        self.spans = spans  # sorted
        self.starts = [start for start, _, _ in spans]
        self.reach = list(itertools.accumulate((end for _, end, _ in spans), max))

    def encloses(self, start: int, end: int) -> bool:
        """Whether one span holds the whole of start…end."""
        last = bisect.bisect_right(self.starts, start) - 1
        return last >= 0 and self.reach[last] >= end

    def covering(self, start: int, end: int) -> str | None:
        """The labels of the spans that together cover every character of start…end (taken in order of
        their starts, each one that holds the first character not yet covered), or None."""
        labels = []
        position = start
        spans = self.spans
        for index in range(bisect.bisect_right(self.reach, start), len(spans)):  # not islice: it steps from 0
            span_start, span_end, label = spans[index]
            if span_start > position:  # no later span starts early enough either
                return None
            if position < span_end:
                labels.append(label)
                position = span_end
                if position >= end:
                    return "; ".join(dict.fromkeys(labels))
        return None


def _account(
    article: Article, model: Model, cited_by: list[str | None], ignored: list[tuple[int, int, str]] | None = None
) -> list[Accounted]:
    metadata = SpanIndex(metadata_spans(article, model))
    ignoring = SpanIndex(ignored if ignored is not None else ignored_spans(article) or [])  # never None
    text = article.text

    result = []
    for sentence in split_sentences(text):
        hit = next((owner for owner in cited_by[sentence.start : sentence.end] if owner is not None), None)
        if hit is not None:
            result.append(Accounted(sentence, "cited", hit))
            continue
        covered = metadata.covering(sentence.start, sentence.end) or None
        if covered is not None:
            result.append(Accounted(sentence, "metadata", covered))
            continue
        reason = ignoring.covering(sentence.start, sentence.end)
        result.append(
            Accounted(sentence, "ignored", reason) if reason is not None else Accounted(sentence, "unaccounted", "")
        )
    return result


def article_marks(article: Article, model: Model, quotes: list[tuple[str, str]]) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, what) of everything that accounts for a passage of `article`'s text: each quote's
    first occurrence (as coverage counts it; what: the record's id), every ignored passage (the reason) and
    every piece of metadata (its label), in that order.  Spans may overlap."""
    marks: list[tuple[int, int, str, str]] = []
    for quote, owner_id in quotes:
        position = first_place(model, article, quote) if quote else -1
        if position >= 0:
            marks.append((position, position + len(quote), "cited", owner_id))
    marks += [(s, e, "ignored", reason) for s, e, reason in ignored_spans(article) or []]
    marks += [(s, e, "metadata", label) for s, e, label in metadata_spans(article, model)]
    return marks


def quotes_by_article(model: Model) -> dict[str, list[tuple[str, str]]]:
    """Article id → (quote, owner id) of every evidence citing it: one pass over all evidence."""
    index: dict[str, list[tuple[str, str]]] = {}
    for record in model.records():
        for item in record.evidence:
            index.setdefault(item.article, []).append((item.quote, record.id))
    return index


def coverage_report(model: Model) -> dict[str, list[Accounted]]:
    """Article id → the accounting of each of its sentences, in text order."""
    quotes = quotes_by_article(model)
    return {
        article_id: account_article(article, model, quotes.get(article_id, []))
        for article_id, article in model.articles.items()
        if article.text
    }


def printed_metadata(article: Article) -> list[tuple[tuple[str | int, ...], str]]:
    """(YAML path, value) of the article's fields the text must print: headline, section, photo captions and
    credits."""
    fields: list[tuple[tuple[str | int, ...], str | None]] = [
        (("headline",), article.headline),
        (("section",), article.section),
    ]
    for index, photo in enumerate(article.photos):
        fields += [(("photos", index, "caption"), photo.caption), (("photos", index, "credit"), photo.credit)]
    return [(path, value) for path, value in fields if value is not None]


def _metadata_printed(article: Article) -> bool:
    """Whether the text prints all of `printed_metadata` (each one it does not is an error of its own)."""
    return all(value in article.text for _, value in printed_metadata(article))


def _ignored_and_cited(article: Article, cited_by: list[str | None]) -> list[Problem]:
    """An ignored passage that evidence quotes wherever it occurs: a sentence is cited or ignored, not both (a
    passage ignored before it was cited stayed in `ignore:`, its reason then wrong, and nothing said so)."""
    problems = []
    quotes = [item.quote for item in article.ignore]
    for item, found in zip(article.ignore, all_occurrences(article.text, quotes), strict=True):
        owners = [next((o for o in cited_by[start:end] if o is not None), None) for start, end in found]
        if found and all(owners):
            message = (
                f"ignored passage is cited as evidence too (by '{owners[0]}'): take it out of `ignore:` (a passage is "
                "cited or ignored, not both)"
            )
            problems.append(Problem(item.where.at("quote"), message))
    return problems


def coverage_problems(
    model: Model,
    uncovered: frozenset[Path] = frozenset(),
    articles: list[str] | None = None,
    quotes: dict[str, list[tuple[str, str]]] | None = None,
) -> list[Problem]:
    """Unaccounted sentences of `articles` (default: all), located in the article's text file.
    `quotes`: the index of every quote by article (`quotes_by_article`), if made already.

    An article with a quote, ignored passage, headline, section, caption or credit that is not verbatim, or
    an author who is no entity, is skipped: its error is reported already, and the sentence it was meant to
    account for would only repeat that error (a section changed to one the text does not print gave two more).
    """
    if quotes is None:
        quotes = quotes_by_article(model)
    problems = []
    for article_id in model.articles if articles is None else articles:
        article = model.articles[article_id]
        if not article.text or article.where.file in uncovered or not _metadata_printed(article):
            continue
        if article.author is not None and article.author not in model.entities:  # its byline: reported already
            continue
        ignored = ignored_spans(article, whole=True)
        if ignored is None:
            continue
        cited_by, all_found = _cited_by(article, model, quotes.get(article_id, []))
        if not all_found:
            continue
        problems += _ignored_and_cited(article, cited_by)
        accounted = _account(article, model, cited_by, ignored)
        where_ignored = f"{article.where.file.parent.name}/{article.where.file.name}"  # not the facts file's twin
        for item in accounted:
            if item.status == "unaccounted":
                snippet = item.sentence.text if len(item.sentence.text) <= 90 else item.sentence.text[:87] + "…"
                problems.append(
                    Problem(
                        Where(article.text_path),
                        f"{TO_DO}cite this sentence as evidence, or ignore it in {where_ignored} "
                        f'with a reason: "{snippet}"',
                        item.sentence.line,
                        item.sentence.column,
                    )
                )
    return problems
