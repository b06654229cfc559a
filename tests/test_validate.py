"""Every kind of bad input gets a located error (path:line:col), all at once, and exit 1 — never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml_rs
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg.checks.coverage import MANY, account_article, all_occurrences, ignored_spans, occurrences
from kg.cli import main
from kg.limits import MAX_FOLDER_DEPTH
from kg.model import Article, Ignored, Model
from kg.problems import did_you_mean
from kg.sources.records import (
    _fast_check,
    _schema_errors,
    _validator,
    load_sources,
    source_files,
    strict_validator,
)
from kg.sources.yaml_reader import read_yaml

from .conftest import ONTOLOGY, SOURCES, edit, run_kg

FACTS = Path("facts") / "mini.yaml"
ARTICLE = Path("articles") / "mini-article.yaml"
HEADLINE = (
    "headline: Russia keeps Tartus, officials say\nsection: News Feed\npublished:\n  after: 2025-01-28\n"
    "  note: Reports the Jan. 28 talks.\nignore:\n"
)


def title_instead(title: str) -> str:
    """The mini article's metadata from its headline on, with `title` (at the headline's place: line 5) in its stead
    and the printed headline ignored: the article is then clean but for what the title holds."""
    ignored = "  - quote: Russia keeps Tartus, officials say\n    reason: a headline given as the title\n"
    return HEADLINE.replace("headline: Russia keeps Tartus, officials say", title) + ignored


def problems(sources: Path) -> list[str]:
    return [f"{Path(p.file).name}:{p.line}:{p.column}: {p.message}" for p in kg.validate(sources, ONTOLOGY)]


def test_the_mini_corpus_is_clean(mini: Path) -> None:
    assert problems(mini) == []


def test_an_article_file_renamed_is_one_message_not_one_more_for_its_text(mini: Path) -> None:
    """Its text was also "no article names this text: add its article file (`kg new article`)…"."""
    (mini / "articles" / "mini-article.yaml").rename(mini / "articles" / "renamed.yaml")
    assert problems(mini) == ["renamed.yaml:2:5: article id 'mini-article' must equal the file name 'renamed'"]


def test_an_entity_may_not_have_an_articles_id(mini: Path) -> None:
    """`kg validate` accepted it and `kg new entity` refused it: an id names one record, in all files."""
    syria = "  - {id: syria, type: Country, name: Syria}\n"
    edit(mini, FACTS, syria, syria + "  - {id: mini-article, type: Person, name: Mini Person}\n")
    found = problems(mini)
    assert len(found) == 1 and found[0].startswith(
        "mini.yaml:9:10: duplicate id 'mini-article': an article has it already (an id names one record, in all "
        "files) (first defined at "
    )
    assert found[0].endswith("articles/mini-article.yaml:2:5)")


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        # YAML syntax, duplicate keys
        (FACTS, "    type: Demand\n", "    type: Demand\n   bad: [\n", "mini.yaml:14:"),
        (
            FACTS,
            "    name: Syria demands",
            "    type: Meeting\n    name: Syria demands",
            "mini.yaml:14:5: duplicate key 'type' (first at line 13): a key may appear once in a mapping; this one is "
            "not read: merge the two",
        ),
        # schema: unknown field with a suggestion, missing field, malformed id
        (FACTS, "    roles:\n", "    rolse:\n", "mini.yaml:16:5: unknown field 'rolse' — did you mean 'roles'?"),
        (FACTS, "    name: Syria demands Assad's extradition\n", "", "mini.yaml:12:5: missing required field 'name'"),
        (FACTS, "id: syria,", "id: Syria Gov,", "mini.yaml:8:10: 'Syria Gov' is not a valid id"),
        # unknown and duplicate ids
        (
            FACTS,
            "recipient: russia",
            "recipient: rusia",
            "mini.yaml:18:18: unknown entity 'rusia' — did you mean 'russia'?",
        ),
        (
            FACTS,
            "object: tartus-naval-base",
            "object: tartus-base",
            "mini.yaml:27:13: unknown entity 'tartus-base' — did you mean 'tartus-naval-base'?",
        ),
        (FACTS, "id: syria,", "id: russia,", "mini.yaml:8:10: duplicate id 'russia' (first defined at"),
        # vocabulary: unknown class, relation and role, with suggestions
        (
            FACTS,
            "type: MilitaryBase",
            "type: MilitaryBse",
            "mini.yaml:10:35: unknown class 'MilitaryBse' — did you mean 'MilitaryBase'?",
        ),
        (
            FACTS,
            "predicate: operates",
            "predicate: operate",
            "mini.yaml:26:16: unknown relation 'operate' — did you mean 'operates'?",
        ),
        (
            FACTS,
            "      agent: syria",
            "      agnt: syria",
            "mini.yaml:17:13: unknown role 'agnt' — did you mean 'agent'?",
        ),
        (  # a build's finder of names took 2.7 GB for a name of 30,000 words, 12 GB and more for 300,000
            FACTS,
            "aliases: [Assad]",
            "aliases: [" + "Ab " * 50 + "Z]",
            f"mini.yaml:9:74: name '{'Ab ' * 20}…' of 'bashar-al-assad' has 51 words: a name has 50 at most (a"
            " description belongs in note:)",
        ),
        (  # a character no one sees in a key: the message showed 'claims' unknown, did you mean 'claims'?
            FACTS,
            "claims:\n",
            "clai\u200bms:\n",
            "mini.yaml:24:1: unknown field 'clai\\u200bms' — did you mean 'claims'?",
        ),
        (  # a claim's field given to an event, an event's to a claim: "unknown field" and no more was said
            FACTS,
            "    roles:\n",
            "    qualifiers:\n",
            "mini.yaml:16:5: unknown field 'qualifiers': 'qualifiers' is a claim's field, not an event's (an event"
            " names what it involves under roles:)",
        ),
        (
            FACTS,
            "    predicate: operates\n",
            "    predicate: operates\n    roles: {about: syria}\n",
            "mini.yaml:27:5: unknown field 'roles': 'roles' is an event's field, not a claim's (a claim is subject,"
            " predicate and object or value)",
        ),
        (  # a relation as a role, a role as a relation: "unknown" and no more was said
            FACTS,
            "      agent: syria",
            "      operates: syria",
            "mini.yaml:17:17: unknown role 'operates': 'operates' is a claim's relation (predicate:), not an event's"
            " role (roles:)",
        ),
        (
            FACTS,
            "predicate: operates",
            "predicate: participant",
            "mini.yaml:26:16: unknown relation 'participant': 'participant' is an event's role (roles:), not a claim's"
            " relation (predicate:)",
        ),
        # domain and range
        (
            FACTS,
            "agent: syria",
            "agent: tartus-naval-base",
            "mini.yaml:17:14: 'agent' needs an Agent, but 'tartus-naval-base' is a MilitaryBase",
        ),
        (
            FACTS,
            "subject: russia",
            "subject: tartus-naval-base",
            "mini.yaml:25:14: 'operates' needs a subject of class Agent, but 'tartus-naval-base' is a MilitaryBase",
        ),
        (
            FACTS,
            "object: tartus-naval-base",
            "object: syria",
            "mini.yaml:27:13: 'operates' needs a Facility, but 'syria' is a Country",
        ),
        # dates: malformed, impossible, inferred part the date does not have
        (FACTS, "value: 2025-01-28", "value: 28/01/2025", "mini.yaml:15:11: malformed date '28/01/2025'"),
        (
            FACTS,
            "value: 2025-01-28",
            "value: 2025-02-30",
            "mini.yaml:15:11: impossible date '2025-02-30': February 2025 has 28 days",
        ),
        (
            FACTS,
            "value: 2025-01-28",
            "value: 0000-01-28",
            "mini.yaml:15:11: impossible date '0000-01-28': there is no year 0",
        ),
        (
            FACTS,
            "value: 2025-01-28, inferred: [year]",
            "value: 2025, inferred: [month]",
            "mini.yaml:15:36: 'month' is inferred but the date '2025' has no month",
        ),
        (  # it was at the date, and said only "use year, month or day"
            FACTS,
            "inferred: [year]",
            "inferred: [years]",
            "mini.yaml:15:42: unknown inferred date part 'years' — did you mean 'year'?",
        ),
        # a value in a list of role fillers: at that value, in a flow list and a block list alike
        (
            FACTS,
            "about: bashar-al-assad",
            "about: [bashar-al-assad, nobody]",
            "mini.yaml:19:32: unknown entity 'nobody'",
        ),
        (
            FACTS,
            "about: bashar-al-assad",
            "about:\n        - bashar-al-assad\n        - nobody",
            "mini.yaml:21:11: unknown entity 'nobody'",
        ),
        # YAML's true/false/null and numbers where an id or text is meant: one message, in YAML's words
        (FACTS, "agent: syria", "agent: yes", "mini.yaml:17:14: unexpected value true (yes, on): expected an id"),
        (
            FACTS,
            "about: bashar-al-assad",
            "quantity: 12",
            "mini.yaml:19:17: unexpected value 12: expected an id, a list",
        ),
        # YAML 1.1's other integers are text as written: a date spelled so is malformed, not another year
        (FACTS, "value: 2025-01-28", "value: 20:25", "mini.yaml:15:11: malformed date '20:25'"),  # was year 1225
        (FACTS, "value: 2025-01-28", "value: 03751", "mini.yaml:15:11: malformed date '03751'"),  # was 2025
        (FACTS, "value: 2025-01-28", "value: 0x7E9", "mini.yaml:15:11: malformed date '0x7E9'"),  # was 2025
        (FACTS, "value: 2025-01-28", "value: 2_025", "mini.yaml:15:11: malformed date '2_025'"),  # was 2025
        (FACTS, "value: 2025-01-28", "value: 017", "mini.yaml:15:11: malformed date '017'"),  # was '15'
        (FACTS, "quote: Russia operates the Tartus naval base", 'quote: " "', "mini.yaml:29:16: blank text"),
        (  # a `|` block keeps its final line break: "it differs in spacing", where nothing else differed
            FACTS,
            "quote: Russia operates the Tartus naval base",
            "quote: |\n          Russia operates the Tartus naval base",
            "mini.yaml:29:16: quote not found verbatim in article 'mini-article'; it ends with a line break (a `|` "
            "block keeps it: write `|-`, or the quote on one line)",
        ),
        (  # it cited the sentence it was found in first, whatever that said
            FACTS,
            "quote: Russia operates the Tartus naval base",
            "quote: Russia",
            "mini.yaml:29:16: a quote of one word is found almost anywhere: quote what says it",
        ),
        # quotes not verbatim (with a hint on quote marks), claims without evidence, unknown article
        (
            FACTS,
            "Assad’s extradition",
            "Assad's extradition",
            "mini.yaml:21:16: quote not found verbatim in article 'mini-article'; it differs in quote marks",
        ),
        (  # one word changed: the hint shows the passage as the text has it, not a whole sentence cut at "Jan."
            FACTS,
            "quote: Syria demanded Assad’s extradition",
            "quote: Reuters reported on Jan. 28 that Syria wanted Assad’s extradition",
            "mini.yaml:21:16: quote not found verbatim in article 'mini-article'; "
            "closest: 'Reuters reported on Jan. 28 that Syria demanded Assad’s extradition'",
        ),
        (  # a short quote out of a long line: that line, not the short one (the headline) more like it overall
            FACTS,
            "quote: Russia operates the Tartus naval base",
            "quote: Russia keeps the Tartus naval base",
            "mini.yaml:29:16: quote not found verbatim in article 'mini-article'; "
            "closest: 'Russia operates the Tartus naval base'",
        ),
        (
            FACTS,
            "    evidence:\n      - quote: Russia operates the Tartus naval base",
            "    evidence: []",
            "mini.yaml:28:15: no evidence: every claim and event needs at least one quote",
        ),
        # names must resolve to one entity
        (
            FACTS,
            "aliases: [Tartus]",
            "aliases: [Russia]",
            "mini.yaml:10:84: alias 'Russia' of 'tartus-naval-base' is already the name of 'russia'",
        ),
        (  # the same name for a reader, spelled otherwise: the message shows the other spelling
            FACTS,
            "aliases: [Tartus]",
            "aliases: [Rússia]",
            "mini.yaml:10:84: alias 'Rússia' of 'tartus-naval-base' is already the name of 'russia' (as 'Russia')",
        ),
        (  # an alias that is the name of an entity defined after it: reported at the alias, not at the name
            FACTS,
            "aliases: [Assad]",
            "aliases: [Assad, Tartus Naval Base]",
            "mini.yaml:9:81: alias 'Tartus Naval Base' of 'bashar-al-assad' is already the name of "
            "'tartus-naval-base' (as 'Tartus naval base')",
        ),
        (  # the name again among the aliases: one label written twice, an altLabel equal to the label
            FACTS,
            "aliases: [Tartus]",
            "aliases: [Tartus, Tartus naval base]",
            "alias 'Tartus naval base' of 'tartus-naval-base' is its name already: delete it",
        ),
        (  # two roles the ontology declares disjoint (owl:propertyDisjointWith): Syria demanding of itself
            FACTS,
            "      recipient: russia\n",
            "      recipient: [russia, syria]\n",
            "mini.yaml:18:27: 'syria' is the 'agent' of this event already: no one is both its 'agent' and its "
            "'recipient' (the ontology declares them disjoint)",
        ),
        (  # a role that takes events only: an unknown event, not an unknown entity
            FACTS,
            "      about: bashar-al-assad\n",
            "      about: bashar-al-assad\n      partOf: basing-talks\n",
            "mini.yaml:20:15: unknown event 'basing-talks'",
        ),
        (  # a word of reporting as the modality: the modality whose comment quotes it as a cue ("allegedly")
            FACTS,
            "modality: reported",
            "modality: alleged",
            "mini.yaml:23:19: unknown modality 'alleged' (one of asserted, reported, hedged, denied) — did you mean "
            "'reported'?",
        ),
        # articles: metadata not verbatim, ignore not verbatim, and coverage
        (
            ARTICLE,
            "headline: Russia keeps",
            "headline: Russia holds",
            "mini-article.yaml:5:11: headline not found verbatim in the text",
        ),
        (
            ARTICLE,
            "headline: Russia keeps Tartus, officials say\n",
            "",
            "mini-article.yaml:2:1: an article needs its 'headline' as printed, or a 'title' when the text prints none",
        ),
        (  # both: the title would be shown nowhere (the label is the headline)
            ARTICLE,
            "headline: Russia keeps Tartus, officials say\n",
            "headline: Russia keeps Tartus, officials say\ntitle: Russia and Tartus\n",
            "mini-article.yaml:6:1: a 'title' is for an article whose text prints no headline; this one has its "
            "'headline': delete the title",
        ),
        (
            ARTICLE,
            "  - quote: Subscribe to our newsletter.",
            "  - quote: Subscribe to our news letter.",
            "mini-article.yaml:11:12: ignored passage not found verbatim",
        ),
        (
            ARTICLE,
            "  - quote: Subscribe to our newsletter.\n    reason: newsletter plea\n",
            "",
            "mini-article.txt:7:1: to do: cite this sentence as evidence, or ignore it in articles/mini-article.yaml",
        ),
        (
            FACTS,
            "article: mini-article\n",
            "article: mini-article\nignore: []\n",
            "mini.yaml:3:1: unknown field 'ignore': `ignore:` belongs in the article's own file, sources/articles/",
        ),
    ],
)
def test_each_error_kind_is_reported_where_it_is(mini: Path, relative: Path, old: str, new: str, expected: str) -> None:
    edit(mini, relative, old, new)
    found = problems(mini)
    assert any(p.startswith(expected) or expected in p for p in found), found


def test_a_quote_copied_with_the_invisible_characters_its_text_holds_is_found(mini: Path) -> None:
    """A passage of the text is quoted as the text prints it, soft hyphen and joiner included: what no one sees is
    refused in what a curator writes, not in what is copied from a text that holds it."""
    text = Path("articles") / "mini-article.txt"
    edit(mini, text, "Russia operates the Tartus naval base", "Russia oper\u00adates the Tartus na\u200dval base")
    edit(mini, text, "Subscribe to our newsletter.", "Subscribe to our news\u00adletter.")
    edit(
        mini,
        FACTS,
        "quote: Russia operates the Tartus naval base",
        'quote: "Russia oper\\u00adates the Tartus na\u200dval"',
    )
    edit(mini, ARTICLE, "  - quote: Subscribe to our newsletter.", "  - quote: Subscribe to our news\u00adletter.")
    assert problems(mini) == []


def test_a_quote_found_in_two_lines_that_differ_is_refused_and_one_line_printed_twice_is_not(mini: Path) -> None:
    """A quote is read at its first place: "Russia operates the Tartus naval base" first found inside a denial was
    evidence of the claim it denies, and nothing said so."""
    text = Path("articles") / "mini-article.txt"
    edit(mini, text, "News Feed\n", "News Feed\n\nMoscow denies that Russia operates the Tartus naval base.\n")
    edit(mini, ARTICLE, "ignore:\n", "ignore:\n  - quote: Moscow denies that\n    reason: a test\n")
    assert (
        "mini.yaml:29:16: quote found in two lines of the text that differ (3 and 7): it is read at line 3, the first;"
        " lengthen it until it names one place"
    ) in problems(mini)
    lines = (mini / text).read_text(encoding="utf-8").splitlines()
    paragraph = next(line for line in lines if line.startswith("Russia operates"))
    edit(mini, text, "Moscow denies that Russia operates the Tartus naval base.\n", paragraph + "\n")
    edit(mini, ARTICLE, "  - quote: Moscow denies that\n    reason: a test\n", "")
    found = problems(mini)
    assert any("mini-article.txt:7:1: to do" in p for p in found)  # (its copy, read later, is not cited)
    assert [p for p in found if "two lines" in p] == []  # one line printed twice is one place


def test_dates_that_the_links_between_events_contradict_are_refused(mini: Path) -> None:
    """An event that follows another and is over before it begins, a part outside its whole's dates: both
    built, and `kg timeline` listed the later event first."""
    later = (
        "  - id: talks\n    type: Meeting\n    name: talks\n    {date}\n    roles:\n"
        "      participant: [syria, russia]\n      {role}: extradition-demand\n"
        "    evidence:\n      - quote: Syria demanded Assad’s extradition\n"
    )
    edit(mini, FACTS, "claims:\n", later.format(date="date: 2025-01-02", role="follows") + "claims:\n")
    assert [p for p in problems(mini) if "before" in p] == [
        "mini.yaml:30:16: 'talks' is over (2025-01-02) before 'extradition-demand', which it follows, begins "
        "(2025-01-28): one of the dates, or the link, is wrong"
    ]
    edit(mini, FACTS, "date: 2025-01-02", "start: 2025-01")  # open: from January 2025 on, which meets it
    assert problems(mini) == []
    edit(mini, FACTS, "start: 2025-01", "date: 2019")
    edit(mini, FACTS, "      follows: extradition-demand", "      partOf: extradition-demand")
    assert [p for p in problems(mini) if "part of" in p] == [
        "mini.yaml:30:15: 'talks' (2019-01-01 – 2019-12-31) is part of 'extradition-demand', whose dates "
        "(2025-01-28) it does not meet: one of the dates, or the link, is wrong"
    ]


def test_a_value_yaml_reads_as_true_is_one_message_not_also_an_unknown_entity_true(mini: Path) -> None:
    edit(mini, FACTS, "agent: syria", "agent: yes")
    assert problems(mini) == [
        "mini.yaml:17:14: unexpected value true (yes, on): expected an id, a list of ids, or text (in quotes)"
    ]


def test_a_hint_shows_the_invisible_character_of_the_id_it_names(mini: Path) -> None:
    """ "did you mean 'Rus​sia'?" printed the zero-width space raw: the hint looked like the name it was given.
    (An id that is well-formed without it, or written as ids are, is defined by that id:
    `test_an_id_refused_for_what_no_one_sees…`, `test_an_id_refused_for_its_form…`; this one is neither.)"""
    edit(mini, FACTS, "- {id: russia,", '- {id: "Rus\\u200bsiä",')
    hints = [p for p in problems(mini) if "unknown entity 'russia'" in p]
    assert hints and all(p.endswith("did you mean 'Rus\\u200bsiä'?") for p in hints), hints


@pytest.mark.parametrize(
    ("meant", "written"),
    [
        *(("russia", written) for written in ("Russia", "RUSSIA", "russia ", " russia")),
        *(("tartus-naval-base", w) for w in ("tartus_naval_base", "tartus\\u2013naval-base", "Tartus.Naval.Base")),
    ],
)
def test_an_id_refused_for_its_form_defines_the_id_written_as_ids_are(mini: Path, meant: str, written: str) -> None:
    """A capital, an underscore, an en dash, a space at an end: one message, at the definition, which says which id
    it stands for; the records that name that id find it (each was "unknown entity 'russia' — did you mean
    'Russia'?": a cascade whose hint was the very id refused)."""
    edit(mini, FACTS, f"- {{id: {meant},", f'- {{id: "{written}",')
    found = problems(mini)
    line = {"russia": 7, "tartus-naval-base": 10}[meant]
    assert len(found) == 1 and found[0].startswith(f"mini.yaml:{line}:10: '"), found
    assert found[0].endswith(f"is not a valid id: use lowercase letters, digits and dashes — did you mean '{meant}'?")
    entities = load_sources(mini).model.entities
    assert entities[meant].where.path == ("entities", line - 4)


@pytest.mark.parametrize(
    ("written", "shown", "unseen"),
    [
        ("rus\\u200bsia", "rus\\u200bsia", "an invisible U+200B (ZERO WIDTH SPACE) after 'rus': delete it"),
        ("\\ufeffrussia", "\\ufeffrussia", "an invisible U+FEFF (ZERO WIDTH NO-BREAK SPACE) at its start: delete it"),
        ("russia\\t", "russia\\u0009", "a tab (U+0009) after 'russia': delete it"),
    ],
)
def test_an_id_refused_for_what_no_one_sees_in_it_still_defines_the_id_it_was_meant_to_have(
    mini: Path, written: str, shown: str, unseen: str
) -> None:
    """One message, at the definition: the records that name `russia` find it (each was "unknown entity 'russia'
    — did you mean 'rus\\u200bsia'?", a cascade that hid the one mistake), and are checked as ever."""
    edit(mini, FACTS, "- {id: russia,", f'- {{id: "{written}",')
    assert problems(mini) == [f"mini.yaml:7:10: '{shown}' is not a valid id: it holds {unseen}"]
    assert load_sources(mini).model.entities["russia"].where.path == ("entities", 3)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        (
            "utf-16",
            "mini.yaml:1:1: the file is not UTF-8 text: byte 0xff is not part of a UTF-8 character; it is "
            "UTF-16 text: save it as UTF-8",
        ),
        (
            "cp1252",
            "mini.yaml:21:36: the file is not UTF-8 text: byte 0x92 is not part of a UTF-8 character; save it as UTF-8",
        ),
    ],
)
def test_a_file_saved_in_another_encoding_is_one_message(mini: Path, encoding: str, expected: str) -> None:
    """What the file defines and cites is found in its text as another encoding writes it (the ids are ASCII
    in any): the outlet it defined was "unknown entity 'test-outlet'" in the article, and the sentences it
    cited were reported uncited, as when a file YAML cannot read is UTF-8."""
    path = mini / FACTS
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    assert problems(mini) == [expected]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("artcle: mini-article", "mini.yaml:2:1: unknown field 'artcle' — did you mean 'article'?"),
        ("Article: mini-article", "mini.yaml:2:1: unknown field 'Article' — did you mean 'article'?"),
        ("article: [mini-article]", "mini.yaml:2:10: expected text, got a list"),
    ],
)
def test_a_files_article_mistyped_is_one_message(mini: Path, written: str, expected: str) -> None:
    """Each evidence item was also "evidence names no article, and the file has no 'article:'", and each sentence
    it cites "to do: cite this sentence" (5 messages here, 60 in a real file): the article evidently meant is
    the evidence's."""
    edit(mini, FACTS, "article: mini-article", written)
    assert problems(mini) == [expected]


def test_evidence_is_not_said_to_name_no_article_when_the_files_article_is_no_id(mini: Path) -> None:
    edit(mini, FACTS, "article: mini-article", "article: 5")
    assert "mini.yaml:2:10: expected text, got a whole number" in problems(mini)
    assert not [problem for problem in problems(mini) if "names no article" in problem]


def test_an_id_meant_as_one_defined_already_is_a_duplicate(mini: Path) -> None:
    """Deleting what no one sees would make it one: said now, with the invisible character, not after."""
    edit(mini, FACTS, "- {id: syria,", '- {id: "rus\\u200bsia",')
    invalid, duplicate, unknown = problems(mini)
    assert invalid == (
        "mini.yaml:8:10: 'rus\\u200bsia' is not a valid id: it holds an invisible U+200B (ZERO WIDTH SPACE) after "
        "'rus': delete it"
    )
    assert duplicate.startswith("mini.yaml:8:10: duplicate id 'russia' (first defined at ")
    assert duplicate.endswith("mini.yaml:7:5)")
    assert unknown == "mini.yaml:17:14: unknown entity 'syria'"


def test_a_literal_value_must_be_text_not_what_yaml_makes_of_a_number(mini: Path) -> None:
    """`value: 012` was written as "10", `value: true` as "True": a literal is text as printed.  A YAML 1.1
    number in another base is that text (`012`); a decimal one is a number, refused."""
    edit(mini, FACTS, "predicate: operates\n    object: tartus-naval-base", "predicate: characterizedAs\n    value: 12")
    assert problems(mini) == [
        "mini.yaml:27:12: 'characterizedAs' takes text (xsd:string): got the number 12: write it in quotes, as printed"
    ]
    edit(mini, FACTS, "value: 12", "value: 012")
    assert problems(mini) == []
    claims = kg.load(mini, ONTOLOGY).claims.values()
    assert [claim.value for claim in claims if claim.predicate == "characterizedAs"] == ["012"]
    edit(mini, FACTS, "value: 012", 'value: "0\\u200b12"')  # a value is text a curator writes: nothing invisible
    assert problems(mini) == [
        "mini.yaml:27:12: '0\\u200b12' holds an invisible U+200B (ZERO WIDTH SPACE) after '0': delete it"
    ]


def test_a_quote_like_no_passage_of_the_text_has_no_hint(mini: Path) -> None:
    """A hint shows a passage that shares at least half the quote's words, or none: not a guess."""
    edit(mini, FACTS, "quote: Russia operates the Tartus naval base", "quote: An unrelated sentence about the weather")
    assert [p for p in problems(mini) if "quote not found" in p] == [
        "mini.yaml:29:16: quote not found verbatim in article 'mini-article'"
    ]


@pytest.mark.parametrize(
    ("text", "quote", "hint"),
    [
        (  # a zero-width space pasted into the quote: the quote looks like the passage it is not
            "Russia operates the Tartus naval base",
            "Russia operates the\u200b Tartus naval base",
            "it holds an invisible U+200B (ZERO WIDTH SPACE) after 'Russia operates the', which the article does "
            "not have there",
        ),
        (  # soft hyphens and joiners in the article's text, not typed in the quote
            "Russia oper\u00adates the Tartus na\u200dval base",
            "Russia operates the Tartus naval base",
            "the article's passage holds an invisible U+00AD (SOFT HYPHEN) after 'Russia oper', and an invisible "
            "U+200D (ZERO WIDTH JOINER) after 'the Tartus na', which it does not",
        ),
        (  # the same accented letter, one character in the text (NFC), a letter and an accent in the quote (NFD)
            "Russia operates the Tart\u00fas naval base",
            "Russia operates the Tartu\u0301s naval base",
            "its accented letters are encoded otherwise than the article's (a letter and a combining accent, or one "
            "character: Unicode NFD and NFC) — copy the passage from the article's text",
        ),
    ],
)
def test_a_quote_that_differs_in_what_no_reader_sees_is_told_what_differs(
    mini: Path, text: str, quote: str, hint: str
) -> None:
    """Shown as they are, the quote and the closest passage looked the same ("closest: '…'", the very words)."""
    edit(mini, Path("articles") / "mini-article.txt", "Russia operates the Tartus naval base", text)
    edit(mini, FACTS, "quote: Russia operates the Tartus naval base", f'quote: "{quote}"')
    assert f"mini.yaml:29:16: quote not found verbatim in article 'mini-article'; {hint}" in problems(mini)


def test_a_files_article_that_no_evidence_item_takes_is_checked_all_the_same(mini: Path) -> None:
    """It passed unchecked: a mistyped `article:` over evidence items that each name their own article, or atop a file
    of entities only (the next quote added would take it)."""
    edit(mini, FACTS, "article: mini-article", "article: mini-articel")
    for quote in ("Syria demanded", "Russia operates"):
        edit(mini, FACTS, f"- quote: {quote}", f"- article: mini-article\n        quote: {quote}")
    (mini / "facts" / "places.yaml").write_text(
        "article: mini-artcle\nentities:\n  - {id: damascus, type: City, name: Damascus}\n", encoding="utf-8"
    )
    assert problems(mini) == [
        "mini.yaml:2:10: unknown article 'mini-articel' (no evidence item of this file takes it) — did you mean "
        "'mini-article'?",
        "places.yaml:1:10: unknown article 'mini-artcle' (no evidence item of this file takes it) — did you mean "
        "'mini-article'?",
    ]


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (  # one at each quote it gave its article to, and each sentence of the article it meant, uncited
            FACTS,
            "article: mini-article",
            "article: mini-articel",
            "mini.yaml:2:10: unknown article 'mini-articel' (2 evidence items name it in this file) — did you "
            "mean 'mini-article'?",
        ),
        (  # and one at each quote of the article under its file's name
            ARTICLE,
            "id: mini-article",
            "id: mini-articles",
            "mini-article.yaml:2:5: article id 'mini-articles' must equal the file name 'mini-article'",
        ),
        (  # and "'operates' links two nodes: use 'object:'", which it did
            FACTS,
            "    object: tartus-naval-base\n",
            "    object: tartus-naval-base\n    value: Tartus\n",
            "mini.yaml:25:5: a claim needs exactly one of 'object' (an id) or 'value' (a literal), not both",
        ),
        (  # and "unknown entity 'Russia' — did you mean 'russia'?" at the same place
            FACTS,
            "  - subject: russia",
            "  - subject: Russia",
            "mini.yaml:25:14: 'Russia' is not a valid id: use lowercase letters, digits and dashes — did you mean "
            "'russia'?",
        ),
        (  # and "missing required field 'quote'" at the same place
            FACTS,
            "      - quote: Russia operates the Tartus naval base",
            "      - qoute: Russia operates the Tartus naval base",
            "mini.yaml:29:9: unknown field 'qoute' — did you mean 'quote'?",
        ),
        (  # a text where an id belongs: a relation to text takes a value
            FACTS,
            "    object: tartus-naval-base\n",
            "    object: Tartus naval base\n",
            "mini.yaml:27:13: 'Tartus naval base' is not a valid id: use lowercase letters, digits and dashes (a "
            "relation to text takes it as 'value:') — did you mean 'tartus-naval-base'?",
        ),
        (  # and "unknown entity 'Reuters'" at the same place
            FACTS,
            "via: [reuters, syrian-source]",
            "via: [Reuters, syrian-source]",
            "mini.yaml:22:15: 'Reuters' is not a valid id: use lowercase letters, digits and dashes — did you mean "
            "'reuters'?",
        ),
        (  # and "unknown entity 'Test Outlet'" at the same place
            ARTICLE,
            "outlet: test-outlet",
            "outlet: Test Outlet",
            "mini-article.yaml:4:9: 'Test Outlet' is not a valid id: use lowercase letters, digits and dashes — did "
            "you mean 'test-outlet'?",
        ),
        (  # and "unknown article" at each quote, and the article's sentences uncited
            FACTS,
            "article: mini-article",
            "article: Mini-Article",
            "mini.yaml:2:10: 'Mini-Article' is not a valid id: use lowercase letters, digits and dashes — did you "
            "mean 'mini-article'?",
        ),
        (  # and "missing required field 'predicate'"
            FACTS,
            "    predicate: operates",
            "    Predicate: operates",
            "mini.yaml:26:5: unknown field 'Predicate' — did you mean 'predicate'?",
        ),
        (  # and an unknown field 'ID' with no hint, and "unknown entity 'extradition-demand'" where it is named
            FACTS,
            "  - id: extradition-demand",
            "  - ID: extradition-demand",
            "mini.yaml:12:5: unknown field 'ID' — did you mean 'id'?",
        ),
        (  # and "did you mean 'id'" where it was given
            FACTS,
            "  - id: extradition-demand\n",
            "  - id: extradition-demand\n    ID: extradition-demand\n",
            "mini.yaml:13:5: unknown field 'ID': 'id' is given already (field names are lower case)",
        ),
        (  # a section the text does not print: taken as it was, and the line it printed reported uncited
            ARTICLE,
            "section: News Feed",
            "section: Opinion",
            "mini-article.yaml:6:10: section not found verbatim in the text",
        ),
        (  # a headline off by one space: and two more errors at the lines it was meant to account for
            ARTICLE,
            "headline: Russia keeps Tartus, officials say",
            "headline: Russia keeps  Tartus, officials say",
            "mini-article.yaml:5:11: headline not found verbatim in the text; it differs in spacing — the article "
            "prints one space between its words there",
        ),
        (  # a no-break space in the text, which looks like a space: named (quotes may span lines: not said)
            Path("articles") / "mini-article.txt",
            "Russia operates the Tartus",
            "Russia operates the\u00a0Tartus",
            "mini.yaml:29:16: quote not found verbatim in article 'mini-article'; it differs in spacing — the "
            "article has a no-break space (U+00A0) there: copy the passage as printed",
        ),
        # nothing invisible in what a curator writes (a name holding one looks like the name, and no text spells
        # it), wherever it is written: one message naming it, at the field (not also "unknown entity")
        (
            FACTS,
            "name: Russia}",
            "name: Vladimir\ufeffPutin}",
            "mini.yaml:7:39: name 'Vladimir\\ufeffPutin' holds an invisible U+FEFF (ZERO WIDTH NO-BREAK SPACE) after "
            "'Vladimir': delete it",
        ),
        (
            FACTS,
            "aliases: [Assad]",
            'aliases: [Assad, "Assad\\u202e\\u200d"]',
            "mini.yaml:9:81: name 'Assad\\u202e\\u200d' holds an invisible U+202E (RIGHT-TO-LEFT OVERRIDE) after "
            "'Assad', and an invisible U+200D (ZERO WIDTH JOINER) after 'Assad': delete them",
        ),
        (  # shown with the invisible character it holds: "unknown entity 'rus​sia'" looked like a bug
            FACTS,
            "recipient: russia",
            'recipient: "rus\\u200bsia"',
            "mini.yaml:18:18: 'rus\\u200bsia' holds an invisible U+200B (ZERO WIDTH SPACE) after 'rus': delete it",
        ),
        (
            FACTS,
            "  - id: extradition-demand",
            '  - id: "extradition\\u200c-demand"',
            "mini.yaml:12:9: 'extradition\\u200c-demand' is not a valid id: it holds an invisible U+200C (ZERO WIDTH "
            "NON-JOINER) after 'extradition': delete it",
        ),
        (
            FACTS,
            "inferred: [year]}",
            'inferred: [year], note: "\\u2066inferred"}',
            "mini.yaml:15:55: '\\u2066inferred' holds an invisible U+2066 (LEFT-TO-RIGHT ISOLATE) at its start: "
            "delete it",
        ),
        (
            ARTICLE,
            HEADLINE,
            title_instead("title: A\u200btitle"),
            "mini-article.yaml:5:8: 'A\\u200btitle' holds an invisible U+200B (ZERO WIDTH SPACE) after 'A': delete it",
        ),
        (
            ARTICLE,
            "note: Reports the Jan. 28 talks.",
            "note: Reports the Jan.\u00ad28 talks.",
            "mini-article.yaml:9:9: 'Reports the Jan.\\xad28 talks.' holds an invisible U+00AD (SOFT HYPHEN) after "
            "'Reports the Jan.': delete it",
        ),
        # a headline or a title is one line (the page shows it so), however the line break got in
        (
            ARTICLE,
            "headline: Russia keeps Tartus, officials say",
            "headline: |\n  Russia keeps Tartus, officials say",
            "mini-article.yaml:5:11: the headline must be one line: write it on one line (a `|` or `>` block ends it "
            "with a line break)",
        ),
        (  # and not also "not found verbatim in the text"
            ARTICLE,
            "headline: Russia keeps Tartus, officials say",
            'headline: "Russia keeps Tartus,\\nofficials say"',
            "mini-article.yaml:5:11: the headline must be one line: write it on one line (a `|` or `>` block ends it "
            "with a line break)",
        ),
        (
            ARTICLE,
            HEADLINE,
            title_instead('title: "A test\\u2028title"'),
            "mini-article.yaml:5:8: the title must be one line: write it on one line (a `|` or `>` block ends it "
            "with a line break)",
        ),
        # and so are a name, an id and the text of a role or a value: no tab in them, typed or escaped (a name
        # holding one was a second name that no text spells, and the page showed a space)
        (
            FACTS,
            "name: Russia}",
            "name: Rus\tsia}",
            "mini.yaml:7:39: name 'Rus\\tsia' holds a tab (U+0009) after 'Rus': write a space",
        ),
        (
            FACTS,
            "aliases: [Assad]",
            'aliases: ["Bashar\\tAssad"]',
            "mini.yaml:9:74: name 'Bashar\\tAssad' holds a tab (U+0009) after 'Bashar': write a space",
        ),
        (
            FACTS,
            "  - id: extradition-demand",
            '  - id: "extradition\\t-demand"',
            "mini.yaml:12:9: 'extradition\\u0009-demand' is not a valid id: it holds a tab (U+0009) after "
            "'extradition': delete it",
        ),
        (
            FACTS,
            "    object: tartus-naval-base\n",
            '    object: tartus-naval-base\n    qualifiers: {condition: "on\\tterms"}\n',
            "mini.yaml:28:29: the condition holds a tab (U+0009) after 'on': write a space",
        ),
        (
            FACTS,
            "      about: bashar-al-assad\n",
            '      about: bashar-al-assad\n      condition: "on\\nterms"\n',
            "mini.yaml:20:18: the condition must be one line: write it on one line (a `|` or `>` block ends it with a "
            "line break)",
        ),
        (
            FACTS,
            "predicate: operates\n    object: tartus-naval-base",
            'predicate: characterizedAs\n    value: "a\\tb"',
            "mini.yaml:27:12: the value holds a tab (U+0009) after 'a': write a space",
        ),
        (  # and not also "not found verbatim in the text"
            ARTICLE,
            "headline: Russia keeps Tartus, officials say",
            'headline: "Russia keeps\\tTartus, officials say"',
            "mini-article.yaml:5:11: the headline holds a tab (U+0009) after 'Russia keeps': write a space",
        ),
        (
            ARTICLE,
            HEADLINE,
            title_instead('title: "A\\ttitle"'),
            "mini-article.yaml:5:8: the title holds a tab (U+0009) after 'A': write a space",
        ),
        (  # a line break escaped into a name
            FACTS,
            "name: Russia}",
            'name: "Rus\\nsia"}',
            "mini.yaml:7:39: name 'Rus\\nsia' must be one line, with no space at its start or end",
        ),
        (  # NEL, a control character and a line break: the reader's message only, not also "one line"
            FACTS,
            "name: Russia}",
            'name: "Rus\\Nsia"}',
            "mini.yaml:7:39: the escape writes U+0085 (a control character) into the text: write plain text",
        ),
        (  # in a quote: not also "quote not found verbatim" (no text holds one)
            FACTS,
            "quote: Russia operates the Tartus naval base",
            'quote: "Russia operates the\\NTartus naval base"',
            "mini.yaml:29:16: the escape writes U+0085 (a control character) into the text: write plain text",
        ),
        # what no record can mean: a passage cited twice (asserted and hedged at once), a claim about a node
        # and itself, a role filled twice by one node, direct speech or words said to an outlet by no one
        (
            FACTS,
            "      - quote: Russia operates the Tartus naval base\n",
            "      - quote: Russia operates the Tartus naval base\n"
            "      - quote: Russia operates the Tartus naval base\n        modality: hedged\n",
            "mini.yaml:30:16: quoted twice for the same record (evidence item 1 quotes it too): merge them",
        ),
        (
            FACTS,
            "object: tartus-naval-base",
            "object: russia",
            "mini.yaml:27:13: 'russia' cannot be its own 'operates'",
        ),
        (
            FACTS,
            "about: bashar-al-assad",
            "about: [bashar-al-assad, bashar-al-assad]",
            "mini.yaml:19:32: 'bashar-al-assad' is in 'about' already",
        ),
        (
            FACTS,
            "      - quote: Russia operates the Tartus naval base\n",
            "      - quote: Russia operates the Tartus naval base\n        direct_speech: true\n",
            "mini.yaml:30:24: direct speech needs a speaker: name them in 'via' (the outlet's own words are no "
            "direct speech)",
        ),
        (  # a `via` that is no list: the schema's message only
            FACTS,
            "      - quote: Russia operates the Tartus naval base\n",
            "      - quote: Russia operates the Tartus naval base\n        via: reuters\n        direct_speech: true\n",
            "mini.yaml:30:14: expected a list, got text: write [reuters]",
        ),
        (  # a date written otherwise, that can be read one way only: that way offered
            FACTS,
            "value: 2025-01-28",
            "value: 2025-1-28",
            "mini.yaml:15:11: malformed date '2025-1-28': use YYYY, YYYY-MM or YYYY-MM-DD at the precision printed — "
            "did you mean '2025-01-28'?",
        ),
        (
            FACTS,
            "value: 2025-01-28",
            'value: "January 28, 2025"',
            "mini.yaml:15:11: malformed date 'January 28, 2025': use YYYY, YYYY-MM or YYYY-MM-DD at the precision "
            "printed — did you mean '2025-01-28'?",
        ),
        (
            FACTS,
            "value: 2025-01-28",
            "value: 01/2025",
            "mini.yaml:15:11: malformed date '01/2025': use YYYY, YYYY-MM or YYYY-MM-DD at the precision printed — "
            "did you mean '2025-01'?",
        ),
        (  # a passage cited and ignored: its `ignore:` entry left from before it was cited
            ARTICLE,
            "    reason: newsletter plea\n",
            "    reason: newsletter plea\n  - quote: Russia operates the Tartus naval base\n"
            "    reason: not yet cited\n",
            "mini-article.yaml:13:12: ignored passage is cited as evidence too (by "
            "'russia.operates.tartus-naval-base'): take it out of `ignore:` (a passage is cited or ignored, not both)",
        ),
        (  # the 1st of February or January the 2nd: nothing offered
            FACTS,
            "value: 2025-01-28",
            "value: 01/02/2025",
            "mini.yaml:15:11: malformed date '01/02/2025': use YYYY, YYYY-MM or YYYY-MM-DD at the precision printed",
        ),
        (  # "expected a mapping, got text" said nothing of what to write
            ARTICLE,
            "published:\n  after: 2025-01-28\n  note: Reports the Jan. 28 talks.\n",
            "published: [2025-01-28]\n",
            "mini-article.yaml:7:12: expected a date (YYYY, YYYY-MM or YYYY-MM-DD) or a mapping (note:; optional: "
            "after:, before:), got a list",
        ),
        (  # the date an article prints, malformed: said once, by the dates' reader
            ARTICLE,
            "published:\n  after: 2025-01-28\n  note: Reports the Jan. 28 talks.\n",
            "published: Jan. 28\n",
            "mini-article.yaml:7:12: malformed date 'Jan. 28': use YYYY, YYYY-MM or YYYY-MM-DD at the precision "
            "printed",
        ),
        (  # a record twice in `conflicts_with`: passed, where a role's filler twice was refused
            FACTS,
            "    object: tartus-naval-base\n",
            "    object: tartus-naval-base\n    conflicts_with: [extradition-demand, extradition-demand]\n",
            "mini.yaml:28:42: 'extradition-demand' is in 'conflicts_with' already",
        ),
        (  # a literal twice in a qualifier
            FACTS,
            "    object: tartus-naval-base\n",
            "    object: tartus-naval-base\n    qualifiers: {condition: [soon, soon]}\n",
            "mini.yaml:28:36: 'soon' is in 'condition' already",
        ),
        (
            FACTS,
            "      - quote: Russia operates the Tartus naval base\n",
            "      - quote: Russia operates the Tartus naval base\n        said_to: reuters\n",
            "mini.yaml:30:18: said to 'reuters' by no one: name who said it in 'via' (the outlet's own words are "
            "said to its readers)",
        ),
        (
            FACTS,
            "inferred: [year]",
            "inferred: [year, year]",
            "mini.yaml:15:48: 'year' is listed twice in 'inferred': list each part once",
        ),
        (  # an event, not "a claim"
            FACTS,
            "    roles:\n      agent: syria",
            "    conflicts_with: [extradition-demand]\n    roles:\n      agent: syria",
            "mini.yaml:16:22: an event cannot conflict with itself",
        ),
        (
            FACTS,
            "    object: tartus-naval-base\n",
            "    object: tartus-naval-base\n    id: tartus-claim\n    conflicts_with: [tartus-claim]\n",
            "mini.yaml:29:22: a claim cannot conflict with itself",
        ),
        (  # an entity's class given to an event: each of its roles "applies to Event, not to a Person" too
            FACTS,
            "    type: Demand\n",
            "    type: Person\n",
            "mini.yaml:13:11: unknown event class 'Person': 'Person' is not an event class; declare it under"
            " 'entities:'",
        ),
        # a date that is not text: said as written, not as Python's type ("not NoneType", "not bool")
        *(
            (
                FACTS,
                "date: {value: 2025-01-28, inferred: [year]}",
                f"date: {written}",
                f"mini.yaml:15:11: a date must be YYYY, YYYY-MM or YYYY-MM-DD, not {said}",
            )
            for written, said in (
                ("{value: null}", "an empty value"),
                ("yes", "true"),
                ("{value: off}", "false"),
                ("[2019-11-18]", "a list"),
                ("{value: {year: 2019}}", "a mapping"),
                ("2019.10", "a number with a decimal point: write the date as text (2019-10, not 2019.10)"),
                ("!!timestamp 2019-11-18", "the timestamp 2019-11-18: write the date without its tag"),
                ("!!binary aGVsbG8=", "binary data"),
            )
        ),
    ],
)
def test_one_mistake_is_one_message(mini: Path, relative: Path, old: str, new: str, expected: str) -> None:
    edit(mini, relative, old, new)
    assert problems(mini) == [expected]


def test_a_note_keeps_its_tabs_and_line_breaks(mini: Path) -> None:
    """What may run over lines (a note, a quote, an article's text) keeps what it holds: only one line of text (a
    name, an id, a headline, a role's text) is refused a tab or a line break."""
    edit(mini, FACTS, "inferred: [year]}", 'inferred: [year]}\n    note: "first\\tcolumn\\nsecond line"')
    assert problems(mini) == []
    event = kg.load(mini, ONTOLOGY).events["extradition-demand"]
    assert event.note == "first\tcolumn\nsecond line"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (  # it was located at the end of the file
            "      - quote: Syria demanded Assad’s extradition\n",
            '      - quote: "Syria demanded Assad’s extradition\n',
            "mini.yaml:21:16: YAML syntax error: this quote is never closed (the file ends first): close it "
            '(a " inside is written \\")',
        ),
        (
            "    name: Syria demands Assad's extradition",
            "    name: Syria demands: Assad's extradition",
            "mini.yaml:14:24: YAML syntax error: mapping values are not allowed in this context: a value holding ': ' "
            "must be in quotes, or this line is indented too far",
        ),
        (
            "    date: {value: 2025-01-28, inferred: [year]}",
            "  date: {value: 2025-01-28, inferred: [year]}",
            "mini.yaml:15:3: YAML syntax error: while parsing a block collection did not find expected '-' indicator: "
            "this line is indented less than the fields of its record, or a list item lacks its '- '",
        ),
        (
            "    roles:",
            "      roles:",
            "mini.yaml:16:7: YAML syntax error: while parsing a block mapping did not find expected key: this line is "
            "indented unlike the fields above it (or a quote above is left open)",
        ),
        (
            "    modality: reported\n",
            '    modality: reported\n    note: "never closed\n',
            "mini.yaml:24:11: YAML syntax error: this quote is never closed (the file ends first): close it "
            '(a " inside is written \\")',
        ),
        (  # single quotes double a quote inside
            "    modality: reported\n",
            "    modality: reported\n    note: 'never closed\n",
            "mini.yaml:24:11: YAML syntax error: this quote is never closed (the file ends first): close it "
            "(a ' inside is written '')",
        ),
        (  # it said "did not find expected key: this line is indented unlike the fields above it"
            "    modality: reported\n",
            "    modality: reported\n    note: 'it's closed early'\n",
            "mini.yaml:24:14: YAML syntax error: this ' ends the single-quoted value it stands in: a ' inside single "
            "quotes is written '' (it''s), or put the value in double quotes",
        ),
        (  # it said "while scanning a simple key could not find expected ':'", at the colon it had found
            "    modality: reported\n",
            "    modality: reported\n    " + "x" * 1100 + ": 1\n",
            "mini.yaml:24:5: YAML syntax error: a key of 1,100 characters, where YAML reads at most 1,024: no field "
            "has such a name (a key is what stands before ': ')",
        ),
        (  # in a flow mapping it said "expected ',' or '}', but got ':'", at the colon
            "    modality: reported\n",
            "    modality: reported\n    note: {" + "x" * 1100 + ": 1}\n",
            "mini.yaml:24:12: YAML syntax error: a key of 1,100 characters, where YAML reads at most 1,024: no field "
            "has such a name (a key is what stands before ': ')",
        ),
        (  # a quoted key: the ': ' inside it is text, not its end
            "    modality: reported\n",
            '    modality: reported\n    "k: ' + "x" * 1100 + '": 1\n',
            "mini.yaml:24:5: YAML syntax error: a key of 1,105 characters, where YAML reads at most 1,024: no field "
            "has such a name (a key is what stands before ': ')",
        ),
    ],
)
def test_a_yaml_syntax_error_says_where_the_mistake_is_and_how_to_mend_it(
    mini: Path, old: str, new: str, expected: str
) -> None:
    edit(mini, FACTS, old, new)
    assert problems(mini) == [expected]


def test_a_quoted_value_over_two_lines_is_not_blamed_for_an_error_below_it(mini: Path) -> None:
    """Any line opening a quote it did not close was blamed, a valid value spanning lines too."""
    edit(
        mini,
        FACTS,
        "    name: Syria demands Assad's extradition\n",
        '    name: "Syria demands Assad\'s\n      extradition"\n',
    )
    assert problems(mini) == []
    edit(mini, FACTS, "    roles:", "      roles:")
    assert [problem.split(": ", 1)[0] for problem in problems(mini)] == ["mini.yaml:17:7"]


def test_a_quote_left_open_is_found_where_it_opens_not_where_it_happens_to_close(mini: Path) -> None:
    """It was located at the next quote, eight lines on, where the one left open closed."""
    claim_quote = "      - quote: Russia operates the Tartus naval base"
    edit(mini, FACTS, claim_quote, claim_quote.replace("quote: ", 'quote: "') + '"')
    edit(
        mini,
        FACTS,
        "      - quote: Syria demanded Assad’s extradition\n",
        '      - quote: "Syria demanded Assad’s extradition\n',
    )
    assert problems(mini) == [
        "mini.yaml:21:16: YAML syntax error: this quote runs on past its line, and the file no longer reads (while "
        "parsing a block mapping did not find expected key): close it on its line"
    ]


@pytest.mark.parametrize("author", ["jane-dough", "Jane Doe"])
def test_a_mistyped_author_is_one_message_not_also_an_uncited_byline(mini: Path, author: str) -> None:
    """The byline was accounted for by the author's name: with no such author it read as a sentence to cite."""
    edit(
        mini,
        Path("articles") / "mini-article.txt",
        "Russia keeps Tartus, officials say\n",
        "Russia keeps Tartus, officials say\n\nJane Doe\n",
    )
    edit(mini, FACTS, "entities:\n", "entities:\n  - {id: jane-doe, type: Person, name: Jane Doe}\n")
    edit(mini, ARTICLE, "outlet: test-outlet", "outlet: test-outlet\nauthor: jane-doe")
    assert problems(mini) == []
    edit(mini, ARTICLE, "author: jane-doe", f"author: {author}")
    assert [problem.split(": ", 1)[0] for problem in problems(mini)] == ["mini-article.yaml:5:9"]


@pytest.mark.parametrize("byline", ["By JANE DOE", "BY JANE DOE", "By J. Doe"])
def test_a_byline_in_capitals_or_by_an_alias_is_the_authors(mini: Path, byline: str) -> None:
    """Wire reports print the byline in capitals: only the name as written accounted for it, and a person named
    "JANE DOE" was the only way out (an alias differing by case is the name twice)."""
    edit(
        mini,
        Path("articles") / "mini-article.txt",
        "Russia keeps Tartus, officials say\n",
        f"Russia keeps Tartus, officials say\n\n{byline}\n",
    )
    person = "  - {id: jane-doe, type: Person, name: Jane Doe, aliases: [J. Doe]}\n"
    edit(mini, FACTS, "entities:\n", "entities:\n" + person)
    edit(mini, ARTICLE, "outlet: test-outlet", "outlet: test-outlet\nauthor: jane-doe")
    assert problems(mini) == []


def test_a_key_led_by_a_byte_order_mark_inside_a_file_is_located_at_its_line(mini: Path) -> None:
    """Two files joined, the second starting with a byte order mark: its first key was '\ufeffclaims', reported at
    1:1 (libyaml, which places the problems, stops at the mark where the loader reads it as part of the key)."""
    edit(mini, FACTS, "claims:\n", "\ufeffclaims:\n")
    assert problems(mini)[-1] == "mini.yaml:24:1: unknown field '\\ufeffclaims' — did you mean 'claims'?"


def test_three_mistakes_are_all_reported_with_locations_and_exit_1(mini: Path) -> None:
    edit(mini, FACTS, "recipient: russia", "recipient: rusia")
    edit(mini, FACTS, "value: 2025-01-28", "value: 2025-13-01")
    edit(mini, FACTS, "Russia operates the Tartus naval base", "Russia runs the Tartus naval base")
    result = run_kg("validate", "--sources", str(mini), "--ontology", str(ONTOLOGY))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    facts = str(mini / FACTS)
    assert any(line.startswith(f"{facts}:15:11: impossible date '2025-13-01'") for line in lines), lines
    assert any(line.startswith(f"{facts}:18:18: unknown entity 'rusia'") for line in lines), lines
    assert any(line.startswith(f"{facts}:29:16: quote not found verbatim") for line in lines), lines
    assert lines[-1] == "3 errors"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"- just\n- a list\n",
        b"\xff\xfe\x00garbage",
        b"claims: 12\n",
        b"entities:\n  - 5\n  - [x]\n",
        b"events:\n  - {id: e, type: Demand, name: E, evidence: [{quote: 7}], roles: {agent: [1, {}]}}\n",
        b"claims:\n  - {subject: russia, predicate: operates, object: x, value: 1, evidence: [{}]}\n",
        b"!!python/object/apply:os.system ['echo pwned']\n",
    ],
)
def test_garbage_never_crashes(mini: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    (mini / "facts" / "garbage.yaml").write_bytes(content)
    code = main(["validate", "--sources", str(mini), "--ontology", str(ONTOLOGY)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "pwned" not in captured.out
    if content in (b"",):
        assert code == 0
    else:
        assert code == 1
        assert "garbage.yaml:" in captured.err


def test_an_unsafe_yaml_tag_is_refused_not_executed(mini: Path, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (mini / "facts" / "evil.yaml").write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    found = problems(mini)
    assert not marker.exists()
    assert any(
        p.startswith("evil.yaml:1:1: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed")
        for p in found
    ), found


def test_conflicts_must_name_known_claims(mini: Path) -> None:
    edit(
        mini,
        FACTS,
        "    object: tartus-naval-base\n",
        "    object: tartus-naval-base\n    conflicts_with: [extradition-demnd]\n",
    )
    assert any(
        "unknown claim or event 'extradition-demnd' — did you mean 'extradition-demand'?" in p for p in problems(mini)
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "russia.operates.tartus-naval-base",
            "'russia.operates.tartus-naval-base' is not a valid id: use lowercase letters, digits and dashes",
        ),
        ("russia-operates-tartus-naval-base", "unknown claim or event 'russia-operates-tartus-naval-base'"),
    ],
)
def test_a_conflict_with_a_claim_of_no_id_says_to_give_it_one(mini: Path, written: str, message: str) -> None:
    """A claim with no `id:` has the default `subject.predicate.object`, which is no id: the hint was "did you mean
    'russia.operates.tartus-naval-base'?", the very id refused, or that id for the id a curator would give it."""
    edit(
        mini,
        FACTS,
        "    evidence:\n      - quote: Syria",
        f"    conflicts_with: [{written}]\n    evidence:\n      - quote: Syria",
    )
    assert problems(mini) == [
        f"mini.yaml:20:22: {message} — the claim 'russia.operates.tartus-naval-base' has no id of its own (that is "
        "its default, which cannot be named): give it `id: russia-operates-tartus-naval-base` and name that"
    ]


def test_a_source_said_to_itself_is_refused(mini: Path) -> None:
    """`said_to` is whom the last of `via` said it to: the same node said "a Syrian source said it to itself"."""
    edit(
        mini,
        FACTS,
        "via: [reuters, syrian-source]\n",
        "via: [reuters, syrian-source]\n        said_to: syrian-source\n",
    )
    assert problems(mini) == [
        "mini.yaml:23:18: 'syrian-source' cannot have said it to itself: 'said_to' is whom the last of 'via' said it "
        "to (leave it out when the text does not say)"
    ]


def test_an_alias_given_twice_is_named_where_it_repeats(mini: Path) -> None:
    """It was JSON Schema's "['Tartus', 'Tartus'] has non-unique elements", at the list."""
    edit(mini, FACTS, "aliases: [Tartus]", "aliases: [Tartus, Tartus]")
    assert problems(mini) == ["mini.yaml:10:92: alias 'Tartus' is listed twice: list each name once"]


def test_a_line_of_nothing_visible_is_no_sentence_to_cite(mini: Path) -> None:
    """A web page's spacer (a zero-width space alone on a line), or a byte order mark at the start of each pasted
    part, was a sentence to cite: 'to do: cite this sentence as evidence, or ignore it …: "​"', which shows
    nothing, and can be ignored only by quoting an invisible character."""
    edit(mini, Path("articles") / "mini-article.txt", "\n\nSubscribe", "\n\u200b\n\ufeff \u2060\n\nSubscribe")
    assert problems(mini) == []


def test_a_byte_order_mark_that_starts_a_pasted_part_is_no_character_of_its_sentence(mini: Path) -> None:
    """Texts joined, each with its mark: the sentence after one was shown with it, unseen, to be cited or ignored,
    and its `ignore:` as printed did not match it."""
    edit(mini, Path("articles") / "mini-article.txt", "\n\nSubscribe", "\n\n\ufeffSubscribe")
    assert problems(mini) == []


@pytest.mark.parametrize(("written", "column"), [("=", 38), ("<<", 38)])
def test_a_plain_equals_sign_or_merge_sign_is_told_to_be_quoted(mini: Path, written: str, column: int) -> None:
    """YAML 1.1 reads a plain `=` as its 'value' key and `<<` as a merge key: it was "YAML tag
    'tag:yaml.org,2002:value' is not allowed", for a file that writes no tag."""
    edit(mini, FACTS, "name: Syria}", f"name: {written}}}")
    assert problems(mini) == [
        f"mini.yaml:8:{column}: YAML 1.1 reads a plain {written} as a sign of its own, not as text: write it in "
        f'quotes ("{written}")'
    ]


def test_a_conflict_with_an_entity_says_so(mini: Path) -> None:
    edit(
        mini, FACTS, "    object: tartus-naval-base\n", "    object: tartus-naval-base\n    conflicts_with: [russia]\n"
    )
    assert "mini.yaml:28:22: 'russia' is an entity: name a claim or an event" in problems(mini)


def test_sources_that_are_a_file_are_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "facts.yaml").write_text("entities: []\n", encoding="utf-8")
    assert problems(tmp_path / "facts.yaml") == ["facts.yaml:1:1: sources directory is a file, not a folder"]


def test_sources_behind_a_loop_of_links_are_said_so(tmp_path: Path) -> None:
    """They were "not found", which sent the curator looking for a typo."""
    (tmp_path / "sources").symlink_to(tmp_path / "sources")
    assert problems(tmp_path / "sources") == [
        "sources:1:1: sources directory cannot be reached: Too many levels of symbolic links"
    ]


def test_folders_nested_past_the_bound_are_said_so_not_a_recursion_error(mini: Path) -> None:
    """990 levels of folders ended every command with a RecursionError traceback (Python 3.11's `os.walk`): no
    walk goes deeper than the bound now."""
    deep = mini / "facts"
    for _ in range(MAX_FOLDER_DEPTH + 20):
        deep = deep / "a"
    deep.mkdir(parents=True)
    (deep / "deep.yaml").write_text("entities: []\n", encoding="utf-8")
    at = "/".join(["a"] * (MAX_FOLDER_DEPTH - 1))
    assert problems(mini) == [
        f"a:1:1: not read: a folder more than {MAX_FOLDER_DEPTH} levels under the sources: move its files up"
    ]
    assert kg.validate(mini, ONTOLOGY)[0].file == str(mini / "facts" / at / "a")
    run = run_kg("build", "--sources", str(mini), "--ontology", str(ONTOLOGY), "--out", str(mini.parent / "out"))
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"not read: a folder more than {MAX_FOLDER_DEPTH} levels under the sources" in run.stderr


def test_interval_must_not_end_before_it_starts(mini: Path) -> None:
    edit(
        mini,
        FACTS,
        "    object: tartus-naval-base\n",
        "    object: tartus-naval-base\n    start: 2025\n    end: 2024-06\n",
    )
    assert "mini.yaml:29:10: the interval ends (2024-06) before it starts (2025)" in problems(mini)


def test_datatype_relations_take_values(mini: Path) -> None:
    edit(
        mini,
        FACTS,
        "claims:\n",
        "claims:\n  - {subject: bashar-al-assad, predicate: holdsPosition, object: syria,"
        " evidence: [{quote: Assad’s extradition}]}\n",
    )
    assert any("'holdsPosition' takes a literal: use 'value:', not 'object:'" in p for p in problems(mini))


def test_a_broken_ontology_is_reported_at_its_line_and_column(mini: Path, tmp_path: Path) -> None:
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    turtle = ontology / "kg.ttl"
    lines = turtle.read_text(encoding="utf-8").splitlines(keepends=True)
    line_number = next(i for i, line in enumerate(lines, start=1) if line.startswith("kgo:Person a owl:Class"))
    lines[line_number - 1] = "kgo:Person a owl:Class oops ;\n"
    turtle.write_text("".join(lines), encoding="utf-8")
    result = run_kg("validate", "--sources", str(mini), "--ontology", str(ontology))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{turtle}:{line_number}:"), result.stderr
    assert "ontology syntax error" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------- the fast structure check


def _real_documents() -> list[tuple[str, Any]]:
    found = []
    for path in sorted(SOURCES.rglob("*.yaml")):
        kind = "article" if path.parent.name == "articles" else "facts"
        document, problems = read_yaml(path, SOURCES)
        assert not problems
        found.append((kind, document))
    return found


REAL_DOCUMENTS = _real_documents()
ODD_VALUES = st.sampled_from(
    [None, True, 0, -1, 2**70, 1.5, "", "x", "ok-id", "Bad Id", "id\n", "2025-02-30", "2025-2", "٢٠٢٥", [], {},
     ["a"], [1], {"value": "2025"}, {"value": "2025", "inferred": ["year", "year"]}, {"quote": "q"}]
)  # fmt: skip


def _mutate(document: Any, path: list[int], value: Any, key: str | None) -> Any:
    """`document` with one value somewhere replaced, or one key added (`key`), following `path` down."""
    if not path or not isinstance(document, dict | list) or not document:
        if isinstance(document, dict) and key is not None:
            return {**document, key: value}
        return value
    items = list(document.items()) if isinstance(document, dict) else list(enumerate(document))
    chosen = path[0] % len(items)
    changed = [(k, _mutate(v, path[1:], value, key) if i == chosen else v) for i, (k, v) in enumerate(items)]
    return dict(changed) if isinstance(document, dict) else [v for _, v in changed]


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, len(REAL_DOCUMENTS) - 1),
    st.lists(st.integers(0, 50), max_size=6),
    ODD_VALUES,
    st.sampled_from([None, "id", "note", "unknown_field", "value", "object", "evidence"]),
)
def test_the_fast_structure_check_answers_as_jsonschema_does(
    which: int, path: list[int], value: Any, key: str | None
) -> None:
    """jsonschema-rs says yes or no; a yes skips jsonschema, so it must never pass what jsonschema refuses.
    A no where jsonschema finds nothing only costs time (Python's `\\d` takes Arabic-Indic digits, Rust's
    regular expressions do not): the slow pass has the last word, and `_schema_errors` gives its answer."""
    kind, document = REAL_DOCUMENTS[which]
    mutated = _mutate(document, path, value, key)
    if not isinstance(mutated, dict):
        return
    errors = list(_validator(kind).iter_errors(mutated))
    try:
        fast = _fast_check(kind).is_valid(mutated)
    except (ValueError, TypeError, OverflowError):
        return  # _schema_errors then asks jsonschema
    assert not (fast and errors), [e.message for e in errors]
    assert [e.message for e in _schema_errors(kind, mutated)] == [e.message for e in errors]


def test_every_real_file_passes_the_fast_structure_check() -> None:
    assert all(_fast_check(kind).is_valid(document) for kind, document in REAL_DOCUMENTS)


def test_coverage_shows_its_accounting_and_then_the_other_errors(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kg coverage` with a mistake elsewhere in the sources: the accounting (worth seeing while an article is
    being written), then that mistake, located, and exit 1 (it exited 0, as if the sources were fine)."""
    edit(mini, FACTS, "object: tartus-naval-base", "object: tartus-naval-bas")
    assert main(["coverage", "--sources", str(mini), "--ontology", str(ONTOLOGY)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("mini-article: 100.0% of ")
    assert "unknown entity 'tartus-naval-bas' — did you mean 'tartus-naval-base'?" in err
    assert err.splitlines()[-1] == "1 error"


def test_coverage_shows_an_uncited_sentence_with_its_direction_overrides_escaped(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article's sentence holding a right-to-left override reached the terminal raw from `kg coverage`
    (reordering the very line a curator reads to check it), where `kg validate` shows `\\u202e`."""
    text = mini / "articles" / "mini-article.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nUncited sentence \u202eRLO here now.\n", encoding="utf-8")
    for verbose in ([], ["-v"]):
        assert main(["coverage", *verbose, "--sources", str(mini), "--ontology", str(ONTOLOGY)]) == 1
        out, _ = capsys.readouterr()
        assert "\u202e" not in out
        assert "unaccounted Uncited sentence \\u202eRLO here now." in out


def test_a_sentence_holding_a_line_separator_is_reported_on_one_line(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text may hold U+2028 or U+2029 (an editor shows no break there), but they are line breaks to whatever
    reads the output by Unicode's lines (`str.splitlines`): the sentence's "to do" reached it as two lines,
    the second with no `path:line:col`.  They are shown escaped, as the scaffold's `# quote:` writes them."""
    text = mini / "articles" / "mini-article.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nUncited\u2028sentence\u2029here now.\n", encoding="utf-8")
    assert main(["validate", "--sources", str(mini), "--ontology", str(ONTOLOGY)]) == 1
    _, err = capsys.readouterr()
    assert err.splitlines()[-1] == "1 error"
    assert err.splitlines()[0].endswith('with a reason: "Uncited\\u2028sentence\\u2029here now."')
    assert main(["coverage", "--sources", str(mini), "--ontology", str(ONTOLOGY)]) == 1
    out, _ = capsys.readouterr()
    assert out.splitlines()[-1].endswith("unaccounted Uncited\\u2028sentence\\u2029here now.")


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ba", "aa"]), max_size=6), min_size=1, max_size=12),
    st.sampled_from([" ", ".", ". "]),
    st.data(),
)
def test_the_automaton_finds_every_occurrence_a_scan_finds(
    lines: list[list[str]], separator: str, data: st.DataObject
) -> None:
    """Many passages are found by one automaton: the same occurrences, overlapping ones and ones across lines
    included, as a scan of the whole text for each (a passage is mostly a piece of the text, so it is found,
    often more than once)."""
    text = "\n".join(separator.join(words) for words in lines)
    needles = []
    for _ in range(MANY):
        start = data.draw(st.integers(0, max(len(text) - 1, 0)))
        needles.append(
            data.draw(
                st.one_of(st.just(text[start : start + data.draw(st.integers(0, 9))]), st.text("ab .\n", max_size=6))
            )
        )
    assert list(all_occurrences(text, needles)) == [list(occurrences(text, needle)) for needle in needles]


def test_coverage_of_an_article_of_ten_thousand_ignored_sentences_is_linear(tmp_path: Path) -> None:
    """Each sentence was checked against every ignored passage (and every mention of a name in the Turtle
    against every one too), and each passage looked for in the whole text twice over: a 1.5 MB article of
    10,748 ignored sentences took 27 s to build, and takes 2.5 s.  Here: the accounting is right, and so are
    the occurrences found by the automaton."""
    lines = [f"Russia keeps its bases in Syria, in copy {number}." for number in range(10_000)]
    article = Article("big", "big.txt", "\n".join(lines) + "\n", title="Big",
                      ignore=tuple(Ignored(line, "test") for line in lines))  # fmt: skip
    spans = ignored_spans(article)
    assert spans is not None and len(spans) == 10_000
    accounted = account_article(article, Model(articles={"big": article}), [])
    assert [item.status for item in accounted] == ["ignored"] * 10_000
    needles = ["keeps its bases in Syria, in copy 9999.", "in copy 1", " 12.\nRussia", *lines[: MANY - 3]]
    assert list(all_occurrences(article.text, needles)) == [list(occurrences(article.text, n)) for n in needles]
    assert next(all_occurrences(article.text, needles)) == [(spans[-1][0] + 7, spans[-1][1])]


def test_one_mistyped_ignored_passage_leaves_the_others_counted_where_coverage_is_shown() -> None:
    """`kg coverage` and the page show what the passages found account for; only the build's check passes the
    article over (the mistyped passage is its error)."""
    text = "A first sentence.\nA second one.\n"
    article = Article("a", "a.txt", text, title="A", ignore=(Ignored("A first sentence.", "x"), Ignored("Typo.", "y")))
    assert ignored_spans(article, whole=True) is None
    statuses = [item.status for item in account_article(article, Model(articles={"a": article}), [])]
    assert statuses == ["ignored", "unaccounted"]


def test_a_role_list_with_a_value_that_is_not_text_is_one_message(mini: Path) -> None:
    edit(mini, FACTS, "about: bashar-al-assad", "about: [yes, nobody]")
    assert problems(mini) == [
        "mini.yaml:19:14: unexpected value [true, nobody]: expected an id, a list of ids, or text (in quotes)"
    ]


def test_did_you_mean_is_the_same_whatever_the_order_of_the_candidates() -> None:
    for candidates in (["russia-gov", "russia-mod", "russia-fsb"], ["russia-mod", "russia-fsb", "russia-gov"]):
        assert did_you_mean("russia-xyzabcdefgh", set(candidates)) == " — did you mean 'russia-fsb'?"


def test_a_text_no_article_names_is_found_with_sources_given_as_dot(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mini / "articles" / "orphan.txt").write_text("An orphan.\n", encoding="utf-8")
    monkeypatch.chdir(mini)
    assert [str(text) for text in source_files(Path(".")).texts] == ["articles/mini-article.txt", "articles/orphan.txt"]


# ---------------------------------------------------------------------------- short forms the README documents


def editor_schema_of_facts() -> dict[str, Any]:
    from kg.ontology import load_ontology
    from kg.sources.schema import editor_schema

    return editor_schema("facts", load_ontology(ONTOLOGY))


def editor_problems(sources: Path) -> list[str]:
    """What the editor schema says of the facts file, read as an editor's YAML 1.2 server reads it (`yes` is
    text there): the paths of the values it refuses."""
    document = yaml_rs.loads((sources / FACTS).read_text(encoding="utf-8"), parse_datetime=False)
    validator = strict_validator(editor_schema_of_facts())  # its patterns as editors read them (`\p{Cf}`)
    return [".".join(map(str, error.absolute_path)) for error in validator.iter_errors(document)]


@pytest.mark.parametrize(
    ("written", "parts"), [("[year]", ("year",)), ("year", ("year",)), ("[day, year]", ("year", "day"))]
)
def test_an_inferred_date_part_may_stand_alone_for_kg_and_the_editor_alike(
    mini: Path, written: str, parts: tuple[str, ...]
) -> None:
    """The README: `inferred: year` is `inferred: [year]` (kg took it, and the editor schema marked it)."""
    edit(mini, FACTS, "inferred: [year]", f"inferred: {written}")
    assert problems(mini) == []
    assert kg.load(mini, ONTOLOGY).events["extradition-demand"].date.inferred == parts
    assert editor_problems(mini) == []


@pytest.mark.parametrize(
    ("written", "direct"),
    [("true", True), ("yes", True), ("On", True), ("false", False), ("no", False), ("OFF", False)],
)
def test_direct_speech_is_a_yaml_1_1_boolean_for_kg_and_the_editor(mini: Path, written: str, direct: bool) -> None:
    """The README: `yes` and `on` are true, `no` and `off` false, as PyYAML reads every file (an editor reading
    YAML 1.2 reads text, which the editor schema takes: it marked `direct_speech: yes`, which kg takes)."""
    edit(mini, FACTS, "modality: reported", f"modality: reported\n        direct_speech: {written}")
    assert problems(mini) == []
    assert kg.load(mini, ONTOLOGY).events["extradition-demand"].evidence[0].direct_speech is direct
    assert editor_problems(mini) == []


def test_direct_speech_quoted_is_text_and_refused(mini: Path) -> None:
    edit(mini, FACTS, "modality: reported", 'modality: reported\n        direct_speech: "yes"')
    assert problems(mini) == ["mini.yaml:24:24: expected true or false, got text"]


@pytest.mark.parametrize("word", ["yes", "Yes", "YES", "on", "On", "ON", "no", "No", "NO", "off", "Off", "OFF"])
def test_what_kg_reads_as_true_or_false_the_editor_schema_takes_for_direct_speech(tmp_path: Path, word: str) -> None:
    import jsonschema

    (tmp_path / "a.yaml").write_text(f"a: {word}\n", encoding="utf-8")
    assert read_yaml(tmp_path / "a.yaml", tmp_path) == ({"a": word.lower() in ("yes", "on")}, [])
    evidence = editor_schema_of_facts()["properties"]["claims"]["items"]["properties"]["evidence"]["items"]
    jsonschema.validate({"quote": "a quote", "direct_speech": word}, evidence)


# ---------------------------------------------------------------------------- what an editor says


def editor_schema_of(kind: str) -> dict[str, Any]:
    from kg.ontology import load_ontology
    from kg.sources.schema import editor_schema

    return editor_schema(kind, load_ontology(ONTOLOGY))


def schema_nodes(node: object) -> list[dict[str, Any]]:
    """Every mapping in a schema, nested ones too."""
    if isinstance(node, list):
        return [found for item in node for found in schema_nodes(item)]
    if isinstance(node, dict):
        return [node, *(found for value in node.values() for found in schema_nodes(value))]
    return []


@pytest.mark.parametrize("kind", ["facts", "article"])
def test_every_rule_of_an_editor_schema_that_an_editor_would_word_for_itself_has_words(kind: str) -> None:
    """The YAML language server says "String does not match the pattern of "^[^\\p{Cf}]*$"" of a pattern without a
    `patternErrorMessage`, and "Matches a schema that is not allowed" of any `not`; the validators of the build
    take the schema all the same."""
    import jsonschema_rs

    schema = editor_schema_of(kind)
    jsonschema_rs.meta.validate(schema)  # its patterns ECMA-262's, as editors read them (Python's `re` has no \\p)
    strict_validator(schema)
    jsonschema_rs.Draft202012Validator(schema)
    nodes = schema_nodes(schema)
    patterns = [node for node in nodes if "pattern" in node]
    assert patterns and all(node.get("patternErrorMessage") for node in patterns), patterns
    assert not [node for node in nodes if "not" in node]


def editor_messages(sources: Path, relative: Path) -> list[str]:
    """What an editor says of each value the editor schema refuses in the file at `relative` (read as its YAML 1.2
    server reads it): a pattern's own words, or the validator's for any other rule, each alternative of an
    `anyOf` as the server tries it."""

    def leaves(errors: Any) -> list[Any]:
        return [leaf for error in errors for leaf in (leaves(error.context) if error.context else [error])]

    kind = "article" if relative.parent.name == "articles" else "facts"
    document = yaml_rs.loads((sources / relative).read_text(encoding="utf-8"), parse_datetime=False)
    errors = strict_validator(editor_schema_of(kind)).iter_errors(document)
    return [error.schema.get("patternErrorMessage", error.message) for error in leaves(errors)]


UNSEEN = (
    "holds an invisible character (a zero-width space or joiner, a soft hyphen, a direction mark or override, a "
    "byte order mark): delete it (kg validate names it, and says where it is)"
)


@pytest.mark.parametrize(
    ("relative", "old", "new"),
    [
        (FACTS, "name: Russia}", "name: Rus\u200bsia}"),
        (FACTS, "aliases: [Assad]", 'aliases: ["Assad\\u00ad"]'),
        (FACTS, "inferred: [year]}", 'inferred: [year], note: "\\u2066inferred"}'),
        (FACTS, "agent: syria", 'agent: "sy\\u200dria"'),
        (FACTS, "operates\n    object: tartus-naval-base", 'characterizedAs\n    value: "a\u200bb"'),
        (ARTICLE, "headline: Russia keeps", "title: A\ufefftitle\nheadline: Russia keeps"),
    ],
)
def test_an_editor_says_in_words_that_a_value_holds_an_invisible_character(
    mini: Path, relative: Path, old: str, new: str
) -> None:
    assert editor_messages(mini, relative) == []
    edit(mini, relative, old, new)
    assert UNSEEN in editor_messages(mini, relative)
    assert not [message for message in editor_messages(mini, relative) if "not allowed" in message]


@pytest.mark.parametrize("content", ["", "# to curate\n"])
def test_an_empty_article_file_is_one_error_not_one_per_fact_that_cites_it(tmp_path: Path, content: str) -> None:
    """An article file emptied beside its text: its sentences were in no build and no coverage, without a word;
    said once, at the file, its facts are not also told the article is unknown."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    (tmp_path / "sources" / "articles" / "ki-bloomberg-russia-deal-near.yaml").write_text(content, encoding="utf-8")
    assert problems(tmp_path / "sources") == [
        "ki-bloomberg-russia-deal-near.yaml:1:1: the article file holds no article: write its id"
        " and text (`kg new article` scaffolds one)"
    ]


def test_the_passage_closest_to_a_quote_is_found_in_a_text_pasted_as_one_line() -> None:
    """A line longer than `PIECE` is looked through in pieces cut after sentences (compared whole, a line of 1 MB
    took 0.2 s a hint): the hint is the passage the quote changed, wherever it lies in the line, and whole."""
    from kg.checks.hints import PIECE, _Text

    sentences = [f"Delegation {k} met the {k % 7}th committee on base {k} for {k % 11} days." for k in range(400)]
    text = _Text(" ".join(sentences) + "\n")
    assert len(text.text) > 10 * PIECE and len(text.lines) > 10
    assert all(len(piece) <= PIECE and piece.endswith(". ") for piece in text.lines[:-1])
    for k in (0, 37, 211, 399):
        changed = sentences[k].replace("committee", "commission")
        assert text.hint(changed) == f"; closest: '{sentences[k][:-1]}'"  # from its first word to its last


@pytest.mark.skipif(os.geteuid() != 0, reason="changes to another user, to meet a folder it cannot list")
def test_an_ontology_folder_that_cannot_be_listed_is_said_so(nobodys: Path) -> None:
    """It was "no ontology (*.ttl) here: run kg in the project folder…", in the project folder."""
    shutil.copytree(SOURCES, nobodys / "sources")
    shutil.copytree(ONTOLOGY, nobodys / "ontology")
    for path in [nobodys, *nobodys.rglob("*")]:
        os.chown(path, 65534, 65534)
    (nobodys / "ontology").chmod(0)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "kg", "validate"]
    run = subprocess.run(nobody, cwd=nobodys, capture_output=True, text=True, check=False, timeout=120)
    assert (run.returncode, run.stderr) == (1, "ontology:1:1: cannot read the ontology: Permission denied\n1 error\n")
