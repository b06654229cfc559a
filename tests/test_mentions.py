"""Every name of every entity in every article text is a mention in the graph (article, name as printed,
character span as an oa:TextPositionSelector), so "which article uses which name" is a SPARQL query; and the
one name finder the build, kg lint and the scaffold share reads names as a reader does."""

from __future__ import annotations

import itertools
import random
import re
import string

import pyoxigraph as ox
import pytest

import kg
from kg.checks.names import _MARKS, _SPLIT, NameFinder, _gap, _plain, any_name_key, in_capitals, name_key, same_name

from .conftest import ONTOLOGY, SOURCES, select

# ------------------------------------------------------------------------------------------ the finder


@pytest.mark.parametrize(
    "one, other",
    [
        ("Bashar al Assad", "Bashar al-Assad"),
        ("Russia–Syria relations", "Russia-Syria  relations"),
        ("Sharaa’s", "Sharaa's"),
        ("Çağlayan", "caglayan"),
        ("HAYAT TAHRIR AL-SHAM", "Hayat Tahrir al-Sham"),
        ("Hay'at Tahrir al-Sham", "Hayat Tahrir al-Sham"),
        ("St. Petersburg", "St Petersburg"),
        ("C\u0327ag\u0306layan", "Çağlayan"),  # accents typed apart, as some keyboards and copies give them
    ],
)
def test_names_a_reader_takes_for_one_have_one_key(one: str, other: str) -> None:
    assert same_name(one, other)


@pytest.mark.parametrize("one, other", [("U.S.", "US"), ("Assad", "Assad's"), ("Country 1", "Country 10")])
def test_names_that_differ_keep_different_keys(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_the_finder_takes_the_longest_name_first_and_reads_possessives_and_dashes() -> None:
    finder = NameFinder(
        [("assad", "Assad"), ("assad", "Bashar al-Assad"), ("regime", "Assad regime"), ("us", "US"), ("c1", "C1")]
    )
    text = "Bashar al Assad’s men; the Assad regime fell. Tell us, said the US. C10 and C1."
    found = [(f.owner, f.printed) for f in finder.spans(text)]
    assert found == [("assad", "Bashar al Assad"), ("regime", "Assad regime"), ("us", "US"), ("c1", "C1")]
    for item in finder.spans(text):
        assert text[item.start : item.end] == item.printed
    # names inside longer names count for "is it named here?" (kg lint), not as mentions of their own
    assert finder.owners("the Assad regime") == {"assad", "regime"}


def test_a_name_in_capitals_is_found_only_in_capitals() -> None:
    finder = NameFinder([("us", "US"), ("eu", "EU")])
    assert [f.printed for f in finder.spans("let us go; the US and the EU, not the Eu or eu")] == ["US", "EU"]


def test_a_name_that_starts_with_a_capital_is_found_only_where_the_text_starts_it_with_one() -> None:
    finder = NameFinder([("west", "the West"), ("west", "West"), ("turkey", "Turkey"), ("sharaa", "Al-Sharaa")])
    text = "the central-west city; a turkey dinner; Turkey and the West; al-Sharaa and AL-SHARAA"
    assert [(f.owner, f.printed) for f in finder.spans(text)] == [
        ("turkey", "Turkey"),
        ("west", "the West"),
        ("sharaa", "AL-SHARAA"),
    ]
    both = NameFinder([("sharaa", "Al-Sharaa"), ("sharaa", "al-Sharaa")])  # one alias in lower case: either
    assert [f.printed for f in both.spans("al-Sharaa and Al-Sharaa")] == ["al-Sharaa", "Al-Sharaa"]


def test_a_word_with_accents_typed_apart_is_one_word() -> None:
    finder = NameFinder([("caglayan", "Çağlayan")])
    decomposed = "C\u0327ag\u0306layan"
    assert [(f.start, f.end) for f in finder.spans(f"met {decomposed} today")] == [(4, 4 + len(decomposed))]


def test_a_gap_other_than_space_or_dash_must_match() -> None:
    finder = NameFinder([("usa", "U.S."), ("rs", "Russia Syria")])
    assert [f.owner for f in finder.spans("the U.S. and Russia. Syria")] == ["usa"]
    assert [f.owner for f in finder.spans("Russia-Syria talks")] == ["rs"]
    assert [f.printed for f in finder.spans("U.S.-Ukraine relations")] == ["U.S."]  # its last dot too


# --------------------------------------------------------------------------------------------- the graph


NAME_VARIANTS = """
SELECT ?article ?name (COUNT(?mention) AS ?times) WHERE {
  ?mention a kgo:Mention ; kgo:mentions kg:ahmad-al-sharaa ; kgo:printedName ?name ; oa:hasSource ?article .
  FILTER NOT EXISTS { ?mention kgo:inIgnoredPassage true }
} GROUP BY ?article ?name ORDER BY ?article ?name
"""


def test_which_article_calls_al_sharaa_by_which_name(graph_store: tuple[ox.Store, dict[str, str]]) -> None:
    rows = {
        (article.rsplit("/", 1)[-1], name): int(times) for article, name, times in select(graph_store, NAME_VARIANTS)
    }
    # only the unidentified outlet's article has his nom de guerre; only the Kyiv Independent's NYT story
    # spells him "Ahmed"
    assert [article for article, name in rows if name == "Muhammad al-Julani"] == ["syria-demands-assad-extradition"]
    assert [article for article, name in rows if name == "Ahmed al-Sharaa"] == ["ki-sharaa-extradition-refused"]
    assert rows[("ki-sharaa-extradition-refused", "al-Sharaa")] >= 2
    assert {article for article, _ in rows} == {
        "ki-bloomberg-russia-deal-near",
        "ki-sharaa-extradition-refused",
        "ki-syria-reassess-russian-presence",
        "syria-demands-assad-extradition",
    }


def test_every_mention_span_prints_its_name_in_the_article_text(graph_store: tuple[ox.Store, dict[str, str]]) -> None:
    """Read independently of the builder: the article files themselves, sliced at each selector."""
    model = kg.load(SOURCES, ONTOLOGY)
    rows = select(
        graph_store,
        """SELECT ?article ?name ?start ?end WHERE {
             ?m a kgo:Mention ; kgo:printedName ?name ; oa:hasSource ?a ; oa:hasSelector ?s .
             ?a kgo:textFile ?article . ?s oa:start ?start ; oa:end ?end }""",
    )
    assert len(rows) > 300
    for text_file, name, start, end in rows:
        text = (SOURCES / text_file).read_text(encoding="utf-8")
        assert text[int(start) : int(end)] == name
    article_ids = {a.text_file for a in model.articles.values()}
    assert {row[0] for row in rows} == article_ids


def test_every_printed_name_of_every_entity_is_covered_by_a_mention(
    graph_store: tuple[ox.Store, dict[str, str]],
) -> None:
    """Every place a text prints a name or alias (found here with a plain regular expression, case aside)
    (starting with a capital when the name does) lies inside a mention of that entity or of a longer name
    that holds it ("Assad" in "Bashar al-Assad"),
    or begins inside a mention that starts before it (mentions do not overlap: in "Bashar al-Assad's
    regime" the first name read wins over "Assad's regime")."""
    model = kg.load(SOURCES, ONTOLOGY)
    spans: dict[str, list[tuple[int, int]]] = {}
    for text_file, start, end in select(
        graph_store,
        """SELECT ?file ?start ?end WHERE {
             ?m a kgo:Mention ; oa:hasSource ?a ; oa:hasSelector ?s .
             ?a kgo:textFile ?file . ?s oa:start ?start ; oa:end ?end }""",
    ):
        spans.setdefault(text_file, []).append((int(start), int(end)))
    checked = 0
    for article in model.articles.values():
        for entity in model.entities.values():
            for name in entity.names:
                flags = 0 if name.isupper() else re.IGNORECASE
                for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", article.text, flags):
                    if name[:1].isupper() and not match.group()[:1].isupper():
                        continue  # "the central-west city" does not name the West
                    checked += 1
                    assert any(s <= match.start() < e for s, e in spans[article.text_file]), (
                        article.id,
                        entity.id,
                        name,
                        match.start(),
                    )
    assert checked > 300


def _spans_of(text: str, quote: str) -> list[tuple[int, int]]:
    found, start = [], text.find(quote)
    while start >= 0:
        found.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return found


def test_mentions_in_ignored_passages_and_only_those_are_flagged(graph_store: tuple[ox.Store, dict[str, str]]) -> None:
    model = kg.load(SOURCES, ONTOLOGY)
    rows = select(
        graph_store,
        """SELECT ?file ?start ?end ?flag WHERE { ?m oa:hasSource ?a ; oa:hasSelector ?s . ?a kgo:textFile ?file .
             ?s oa:start ?start ; oa:end ?end . BIND(EXISTS { ?m kgo:inIgnoredPassage true } AS ?flag) }""",
    )
    by_file = {a.text_file: a for a in model.articles.values()}
    flagged = 0
    for text_file, start, end, flag in rows:
        article = by_file[text_file]
        ignored = [span for item in article.ignore for span in _spans_of(article.text, item.quote)]
        inside = any(s <= int(start) and int(end) <= e for s, e in ignored)
        assert inside == (flag == "true"), (text_file, start, end)
        flagged += inside
    assert flagged > 10


def test_every_name_of_the_corpus_is_found_as_itself() -> None:
    """Each name and alias, alone as a text, is one mention of its own entity: the finder's quick path for
    plain names and its general path agree on every name the corpus has."""
    model = kg.load(SOURCES, ONTOLOGY)
    finder = NameFinder((entity.id, name) for entity in model.entities.values() for name in entity.names)
    for entity in model.entities.values():
        for name in entity.names:
            assert [(f.owner, f.start, f.end) for f in finder.spans(name)] == [(entity.id, 0, len(name))], name


def test_each_mention_is_one_passage_with_one_selector(graph_store: tuple[ox.Store, dict[str, str]]) -> None:
    """Several selectors on one oa:SpecificResource would be alternative descriptions of one passage: each
    occurrence is a mention of its own, typed with the Web Annotation class too (no reasoner needed)."""
    two = "ASK { ?m a kgo:Mention ; oa:hasSelector ?a, ?b FILTER (?a != ?b) }"
    assert not graph_store[0].query(two, prefixes=graph_store[1])
    untyped = "ASK { ?m a kgo:Mention FILTER NOT EXISTS { ?m a oa:SpecificResource } }"
    assert not graph_store[0].query(untyped, prefixes=graph_store[1])


def test_an_ascii_name_gets_the_key_any_text_would() -> None:
    """`name_key` and `in_capitals` take a shorter way for ASCII names (most of them): each must give what the
    general way gives, whatever the characters (every printable one and a few controls, in random names)."""
    rng = random.Random(7)
    alphabet = string.printable + "__''``--..  "
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(20_000)]
    names += ["Hay'at Tahrir al-Sham", "St. Petersburg", "O`Neil", "a_b", "U.S.", "  Tartus\tbase  "]
    assert [name_key(name) for name in names] == [any_name_key(name) for name in names]
    assert [in_capitals(name) for name in names] == [not any(c.islower() for c in name) for name in names]


def _every_name_everywhere(names: list[tuple[str, str]], text: str) -> list[tuple[str, int, int]]:
    """The finder's answer found the slow way: every run of words of the text, each word split with the
    general pattern, tried against every name's key (no first-word index, no prefixes, no quick split)."""
    finder = NameFinder(names)
    pieces = _SPLIT.split(text)
    ends = list(itertools.accumulate(map(len, pieces)))
    words = [_plain(word) for word in pieces[1::2]]
    most = max((len(_SPLIT.split(name)) // 2 for _, name in names), default=0)
    found, end = [], -1
    for index in range(len(words)):
        for length in range(min(most, len(words) - index), 0, -1):
            gaps = [
                _gap(pieces[2 * offset]) if pieces[2 * offset] != " " else " "
                for offset in range(index + 1, index + length)
            ]
            run = words[index : index + length]
            written = run[0] + "".join(gap + word for gap, word in zip(gaps, run[1:], strict=True))
            folded = run[0].casefold() + "".join(gap + w.casefold() for gap, w in zip(gaps, run[1:], strict=True))
            entry = finder._folded.get(folded) or finder._capitals.get(written)
            if entry is None or (entry[2] and not words[index][:1].isupper()):
                continue
            start, stop = ends[2 * index], ends[2 * (index + length) - 1]
            if entry[1] and text[stop : stop + len(entry[1])].translate(_MARKS) == entry[1]:
                stop += len(entry[1])
            if start >= end:
                found.append((entry[0], start, stop))
                end = stop
            break
    return found


def test_the_finder_finds_what_trying_every_name_everywhere_finds() -> None:
    """The finder passes over the words that start no name, stops a run of words that starts none, and splits
    a text without accents typed apart a quicker way: none of that may change what it finds (random names and
    texts of letters, accents typed apart, capitals, dashes, apostrophes, dots, and a gap that casefolding changes)."""
    rng = random.Random(11)
    letters = ["al", "Al", "AL", "sharaa", "Sharaa", "US", "u", "s", "Ca\u0301", "ça", "Ø", "st", "ß", "SS"]
    gaps = [" ", " ", " ", "-", "–", ". ", ".", "'", "’", ", ", "  ", "\n", "Ⓐ", "ⓐ"]  # a circled letter is no word

    def words(count: int) -> str:
        text = rng.choice(letters)
        for _ in range(count - 1):
            text += rng.choice(gaps) + rng.choice(letters)
        return text + rng.choice(["", ".", "'s", " "])

    for _ in range(300):
        names = [(f"e{i}", words(rng.randint(1, 4))) for i in range(rng.randint(1, 12))]
        finder = NameFinder(names)
        # texts of random words and of the names themselves, in upper, lower or casefolded letters
        spelt = [change(name) for _, name in names for change in (str, str.upper, str.lower, str.casefold)]
        for text in (" ".join(rng.choice([words(3), *spelt]) for _ in range(20)) for _ in range(5)):
            assert [(f.owner, f.start, f.end) for f in finder.spans(text)] == _every_name_everywhere(names, text)
