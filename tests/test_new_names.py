"""The names `kg new article` points out as new (kg.curation.new_names): what it lists, and what it leaves out
rather than list noise."""

from __future__ import annotations

import pytest

from kg.checks.coverage import split_sentences
from kg.checks.names import NameFinder
from kg.curation.new_names import GUESSES, MAX_LISTED, NewName, new_names
from kg.ontology import load_ontology

from .conftest import ONTOLOGY

KNOWN = {
    "russia": ["Russia"],
    "syria": ["Syria"],
    "ahmad-al-sharaa": ["Ahmad al-Sharaa", "Ahmed al-Sharaa"],
    "mikhail-bogdanov": ["Mikhail Bogdanov"],
    "hayat-tahrir-al-sham": ["Hayat Tahrir al-Sham"],
    "tartus": ["Tartus"],
    "kremlin": ["Kremlin"],
    "washington-post": ["The Washington Post"],
    "photo-conference": ["Photo: al-Sharaa speaking at the National Dialogue Conference"],
}


def found(text: str, taken: set[str] | None = None) -> list[NewName]:
    finder = NameFinder((owner, name) for owner, names in KNOWN.items() for name in names)
    known = [name for names in KNOWN.values() for name in names]
    names, more = new_names(text, list(split_sentences(text)), finder, known, taken or set(KNOWN))
    assert not more
    return names


def listed(text: str) -> list[str]:
    return [name.name for name in found(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Russian Foreign Ministry spokesperson Maria Zakharova said that Hmeimim Air Base stays.",
            ["Russian Foreign Ministry", "Maria Zakharova", "Hmeimim Air Base"],
        ),
        # A title before a known name: the name is known ("Syrian President", "Deputy Foreign Minister").
        ("Syrian President Ahmed al-Sharaa met Deputy Foreign Minister Mikhail Bogdanov.", []),
        (
            "Kremlin Spokesman Dmitry Peskov met US Secretary of State Marco Rubio.",
            ["Dmitry Peskov", "Marco Rubio"],
        ),
        # A sentence's first word: left out when common, or when the text writes it in lower case too.
        (
            "The Syrian Democratic Forces withdrew. After Russia left, Ivan Petrov stayed.",
            ["Syrian Democratic Forces", "Ivan Petrov"],
        ),
        ("Foreign Ministry officials met. Its foreign policy changed.", []),
        ("Foreign Ministry officials met.", ["Foreign Ministry"]),
        # Months and weekdays end a name; a possessive too; "of" after two words of a name.
        ("On Monday Ivan Petrov left, and in January Maria Zakharova came.", ["Ivan Petrov", "Maria Zakharova"]),
        (
            "Sergei Lavrov’s visit. Ivan Petrov of Rosneft met the Bank of England.",
            ["Sergei Lavrov", "Ivan Petrov", "Bank of England"],
        ),
        # A headline in Title Case, an adjective, a known name's part, one new word beside a known name.
        ("Russia Keeps Its Grip On Tartus Naval Base", []),
        ("Russian-made S-400 systems. Russia–Syria talks.", []),
        ("Tahrir al-Sham fighters left. The Tartus Port was shut.", []),
        ("The Tartus Port Authority said so.", ["Tartus Port Authority"]),
        # A name inside a known description is not known for that; particles inside a name are the name's.
        (
            "He spoke at the National Dialogue Conference with Abd al Aziz al Saud.",
            ["National Dialogue Conference", "Abd al Aziz al Saud"],
        ),
    ],
)  # fmt: skip
def test_the_names_listed_are_those_no_known_name_covers_and_not_what_merely_starts_with_a_capital(
    text: str, names: list[str]
) -> None:
    assert listed(text) == names


def test_each_name_is_listed_once_at_the_line_that_first_prints_it_with_a_free_id_and_a_guessed_class() -> None:
    text = (
        "Russia said so.\nMaria Zakharova spoke at the Hmeimim Air Base.\nMaria ZAKHAROVA spoke again. Мария Захарова"
    )
    assert found(text, {"maria-zakharova"}) == [
        NewName("Maria Zakharova", 2, "maria-zakharova-2", "Person"),
        NewName("Hmeimim Air Base", 2, "hmeimim-air-base", "MilitaryBase", "Base"),
        NewName("Мария Захарова", 3, "new-name-3", "Person"),
    ]


def test_only_the_passages_given_are_read() -> None:
    text = "Maria Zakharova spoke.\nLazarski University is where the reporter studied."
    finder = NameFinder([])
    names, _ = new_names(text, list(split_sentences(text))[:1], finder, [], set())
    assert [name.name for name in names] == ["Maria Zakharova"]


def test_a_large_text_is_read_as_far_as_the_names_listed() -> None:
    """4 MB of text: the first `MAX_LISTED` names, and "more"; or, of runs of capitalised words too long to be
    names, each a different one, none (0.2 s and 1.1 s on the 2-core benchmark machine)."""
    many = "\n".join(f"Ivan Petrov{n} met Maria Zakharova{n} in Moscow." for n in range(90_000))
    assert len(many) > 4_000_000
    names, more = new_names(many, list(split_sentences(many)), NameFinder([]), [], set())
    assert (len(names), more) == (MAX_LISTED, True)
    assert names[-1] == NewName("Maria Zakharova49", 50, "maria-zakharova49", "Person")
    runs = "\n".join(" ".join(f"Word{line} Name{n}" for n in range(7)) + "." for line in range(50_000))
    assert len(runs) > 4_000_000
    assert new_names(runs, list(split_sentences(runs)), NameFinder([]), [], set()) == ([], False)


def test_every_class_guessed_is_a_class_of_the_ontology() -> None:
    ontology = load_ontology(ONTOLOGY)
    assert set(GUESSES.values()) <= {*ontology.entity_classes, *ontology.event_classes}
