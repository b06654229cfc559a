"""Names in an article that no entity or event has: the people, organisations and places `kg new article`
points out, so that the curator need not find them by reading.

A candidate is a run of capitalised words on one line, joined by single spaces (and the particles of names:
"Ahmed al-Sharaa", "Ministry of Defense"), of two such words at least that no known name covers.  It is
told apart from what merely starts with a capital letter by rules that prefer missing a name to listing
noise:
- a sentence's first word is left out when the text also writes it in lower case, or it is a common word
  ("The", "After"); a run with a capitalised common word inside is Title Case ("Keeps Its Grip On"), not a
  name;
- month and weekday names, a number and any punctuation end a run, a possessive ("Russia's") ends it after
  the name, and "of" after two words ("Ivan Petrov of Rosneft", but "Bank of Russia"); an adjective
  ("Russian-made") is no word of a name;
- a title before a name is taken off, with whatever comes before it ("Deputy Foreign Minister", "Syrian
  President", "Kremlin Spokesman"), and what is left must hold two words no known name covers (so "Syrian
  President Ahmed al-Sharaa" is a known name, and "Tartus Port Authority" is new although "Tartus" is known);
- a run of more than `MAX_WORDS` words is a heading, not a name; one that is part of a known name ("Tahrir
  al-Sham" of "Hayat Tahrir al-Sham") is that name's.

It looks at the passages it is given only (the scaffold leaves out the page furniture), finds the runs in one
pass of a regular expression, reads each distinct run once, and stops after `MAX_LISTED` names, listed in
order of first appearance.  It is a scaffold aid only: no check (`kg validate`, `kg coverage`, `kg lint`)
uses it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from kg.checks.coverage import Sentence
from kg.checks.names import NameFinder, name_key
from kg.curation.authoring import slug

MAX_WORDS = 6
"""The most words of a name (particles aside); a longer run of capitalised words is a heading."""
MAX_LISTED = 100
"""The most names listed: a long text lists its first ones, and is read no further."""


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


PARTICLES = _words("of al el ad bin ibn bint de del della der den van von da dos das du la le ul")
"""Lower-case words inside a name, between two capitalised ones ("Bank of Russia", "Abd al Aziz")."""
CALENDAR = _words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
COMMON = _words(
    "a about above across after against all along also although amid among an and another any around as at "
    "because before behind being below beside besides between beyond both but by despite during each either "
    "even every following for from given he her here his how however i if in including into is it its "
    "meanwhile more most my neither no nor not now of on once one only or other our outside over per "
    "regarding she since so some such than that the their then there these they this those though through "
    "throughout thus to toward towards under unlike until upon via was we were what when where whether which "
    "while who whom whose why with within without yet you your"
)
"""Words a sentence may start with that start no name; capitalised inside a run, they make it Title Case."""
TITLES = _words(
    "president minister secretary spokesperson spokesman spokeswoman ambassador envoy chancellor king queen "
    "prince emir sheikh senator governor mayor premier chairman chairwoman chair director commander leader "
    "gen colonel col lieutenant major admiral marshal adviser advisor representative mr mrs ms dr pope "
    "patriarch editor reporter correspondent analyst dictator chief staff officer"
)
"""Words of a person's title that end it ("Foreign Minister"): what precedes a name, not the name."""
TITLE_WORDS = _words("state defense defence foreign affairs interior finance justice energy general")
"""Words of a title after the word that ends it ("Secretary of State", "Minister of Foreign Affairs")."""

GUESSES = {
    "base": "MilitaryBase", "airbase": "MilitaryBase", "airfield": "MilitaryBase", "airport": "Facility",
    "port": "Facility", "dam": "Facility", "refinery": "Facility", "plant": "Facility",
    "ministry": "GovernmentBody", "government": "GovernmentBody", "parliament": "GovernmentBody",
    "council": "GovernmentBody", "assembly": "GovernmentBody", "forces": "MilitaryForce", "army": "MilitaryForce",
    "navy": "MilitaryForce", "fleet": "MilitaryForce", "brigade": "ArmedGroup", "front": "ArmedGroup",
    "university": "Organization", "party": "Organization", "agency": "Organization", "company": "Organization",
    "group": "Organization", "bank": "Organization", "committee": "Organization", "images": "Organization",
    "times": "NewsOrganization", "post": "NewsOrganization", "press": "NewsOrganization",
    "news": "NewsOrganization", "journal": "NewsOrganization", "province": "Region", "governorate": "Region",
    "region": "Region", "krai": "Region", "oblast": "Region", "city": "City", "republic": "Country",
    "kingdom": "Country", "states": "Country", "emirates": "Country", "union": "InternationalOrganization",
    "nations": "InternationalOrganization", "authority": "GovernmentBody",
    "east": "Region", "west": "Region", "north": "Region", "south": "Region", "conference": "Conference",
    "summit": "Conference", "forum": "Conference", "talks": "Negotiation", "war": "Conflict",
    "offensive": "MilitaryOperation", "operation": "MilitaryOperation", "agreement": "Agreement",
    "accord": "Agreement", "treaty": "Agreement", "deal": "Agreement",
}  # fmt: skip
"""A name's last word → the class (of the ontology) it suggests; any other name is guessed a Person, the
commonest, for the curator to check."""


def _upper_letters() -> str:
    """The upper-case and title-case letters of the Basic Multilingual Plane, as the ranges of a character class
    (Python's `re` has no class of capitals but ASCII's)."""
    ranges: list[list[int]] = []
    for code in range(0x10000):
        if chr(code).isupper() or chr(code).istitle():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(
        re.escape(chr(first)) + (f"-{re.escape(chr(last))}" if last > first else "") for first, last in ranges
    )


_CAPITAL = f"[{_upper_letters()}]"
_PREFIXES = "al|el|ad|an|ar|as|ash|at|az|ul|bin|ibn|bint"
_NAME_WORD = (
    rf"(?:(?:{_PREFIXES})-)?{_CAPITAL}[^\W_]*(?:-(?:{_CAPITAL}|\d)[^\W_]*|['’ʼ](?!s(?![^\W_]))[^\W_]+)*"
    r"(?![^\W_]|-[^\W_])"
)
"""A capitalised word, hyphens and apostrophes inside it ("Al-Sharaa", "Hay'at", "S-400"), or a particle
joined to one ("al-Sharaa"); never a possessive's "'s", which ends a name, nor an adjective ("Russian-made")."""
_JOIN = "[ \u00a0]"
_RUN = re.compile(rf"(?<![\w'’ʼ-]){_NAME_WORD}(?:{_JOIN}(?:(?:{'|'.join(sorted(PARTICLES))}){_JOIN})*{_NAME_WORD})+")
"""Two capitalised words or more, each joined to the next by a space, or by particles between spaces."""
_MAX_RUN = 3 * MAX_WORDS
"""The most words of a run worth reading: a name, a title before it and the particles inside."""


@dataclass(frozen=True)
class NewName:
    """A name no known node has, where the text first prints it, and the entity stub suggested for it."""

    name: str
    line: int
    id: str
    type: str  # the class guessed from its last word (`GUESSES`), else Person
    cue: str | None = None  # the last word, as printed, when the class was guessed from it


def new_names(
    text: str, passages: Sequence[Sentence], finder: NameFinder, known: Iterable[str], taken_ids: set[str]
) -> tuple[list[NewName], bool]:
    """The first `MAX_LISTED` names of `passages` (sentences of `text`, in order) that no `known` name covers, in
    order of first appearance, and whether the text has more.  `finder` finds the known names; `taken_ids`
    are the ids the stubs must not take."""
    reader = _Reader(text, finder, _known_parts(known))
    found = list(itertools.islice(_first_mentions(text, passages, reader), MAX_LISTED + 1))
    listed: list[NewName] = []
    used = set(taken_ids)
    for name, line in found[:MAX_LISTED]:
        last = name.rsplit(maxsplit=1)[-1]
        cue = last if last.casefold() in GUESSES else None
        entity_id = _free_id(name, used, len(listed) + 1)
        used.add(entity_id)
        listed.append(NewName(name, line, entity_id, GUESSES[cue.casefold()] if cue else "Person", cue))
    return listed, len(found) > MAX_LISTED


def _first_mentions(text: str, passages: Sequence[Sentence], reader: _Reader) -> Iterator[tuple[str, int]]:
    """Each new name of `passages` and its line, at its first mention: read lazily, so that a text of many
    names is read only as far as the names listed (a 4 MB text of 200,000 took 4 s to read whole)."""
    starts = [passage.start for passage in passages]
    seen: set[str] = set()
    for match in _RUN.finditer(text):
        index = bisect.bisect_right(starts, match.start()) - 1
        if index < 0 or match.end() > passages[index].end:  # in no passage: page furniture
            continue
        for name in reader.names(match, passages[index]):
            if (key := name_key(name)) not in seen:
                seen.add(key)
                yield name, passages[index].line


class _Reader:
    """Reads the runs of capitalised words of one text, each distinct run once."""

    def __init__(self, text: str, finder: NameFinder, known_parts: set[str]):
        self.text, self.finder, self.known_parts = text, finder, known_parts
        self._lower: set[str] | None = None
        self._read: dict[str, str | None] = {}

    def names(self, match: re.Match[str], passage: Sentence) -> Iterator[str]:
        """The new names of `match`, a run of `passage`: its first word left out when it is a sentence's common
        first word, split where a name ends (`_ends_name`); none in a run of Title Case ("Grip On Tartus")."""
        run = match.group()
        if run.count(" ") + run.count("\u00a0") >= _MAX_RUN:  # counted before a split of a long one
            return
        words, folded = run.split(), run.casefold().split()
        first = match.start() - passage.start <= 3 and not any(
            c.isalnum() for c in self.text[passage.start : match.start()]
        )
        start = 0
        while start < len(words) and (
            folded[start] in COMMON or words[start] in PARTICLES or (first and start == 0 and self._common(folded[0]))
        ):
            start += 1
        if not COMMON.isdisjoint(folded[start:]) and any(
            fold in COMMON and word not in PARTICLES for word, fold in zip(words[start:], folded[start:], strict=True)
        ):
            return
        offsets = list(itertools.accumulate((len(word) + 1 for word in words), initial=match.start()))
        ends = [end for end in range(start, len(words)) if _ends_name(end, words, folded, start)]
        for begin, end in itertools.pairwise([start - 1, *ends, len(words)]):
            begin += 1
            while end > begin and words[end - 1] in PARTICLES:
                end -= 1
            if end - begin > 1 and (name := self._new(self.text[offsets[begin] : offsets[end] - 1])):
                yield name

    def _common(self, folded: str) -> bool:
        """Whether a sentence's first word is a common word: one the text also writes in lower case."""
        if self._lower is None:  # the words of the text, once: most texts start a run with a common word
            self._lower = {word.strip(_PUNCTUATION).casefold() for word in set(self.text.split()) if word[:1].islower()}
        return folded in self._lower

    def _new(self, run: str) -> str | None:
        """The new name `run` prints once a title before it is taken off, or None: fewer than two words that no
        known name covers, more than `MAX_WORDS` words, or a part of a known name.  Each run is read once."""
        if run not in self._read:
            self._read[run] = self._read_new(run)
        return self._read[run]

    def _read_new(self, run: str) -> str | None:
        words, folded = run.split(), run.casefold().split()
        start = _title_end(words, folded)
        named = [index for index in range(start, len(words)) if words[index] not in PARTICLES]
        if not 2 <= len(named) <= MAX_WORDS:
            return None
        offsets = list(itertools.accumulate((len(word) + 1 for word in words), initial=0))
        name = run[offsets[start] :]
        spans = [(offsets[start] + found.start, offsets[start] + found.end) for found in self.finder.spans(name)]
        uncovered = sum(
            not any(begin <= offsets[i] and offsets[i] + len(words[i]) <= end for begin, end in spans) for i in named
        )
        return name if uncovered > 1 and name_key(name) not in self.known_parts else None


def _ends_name(index: int, words: list[str], folded: list[str], start: int) -> bool:
    """Whether word `index` ends the name before it: a month or weekday name, or "of" after two words of a
    name ("Ivan Petrov of Rosneft"; "Bank of Russia", "US Secretary of State" are one)."""
    if words[index] == "of":
        named = sum(word not in PARTICLES for word in words[start:index])
        return named > 1 and folded[index - 1] not in TITLES
    return folded[index] in CALENDAR


_PUNCTUATION = "\"'“”‘’()[],.;:!?…—–-"


def _known_parts(names: Iterable[str]) -> set[str]:
    """The name keys of every run of words of each known name ("tahrir al sham" of "Hayat Tahrir al-Sham").
    A longer name than a name can be is a description ("Photo: al-Sharaa speaking at the National Dialogue
    Conference"): the names inside it are not known for that."""
    parts = set()
    for name in names:
        words = name_key(name).split()
        if len(words) > MAX_WORDS:
            continue
        for first in range(len(words)):
            for last in range(first + 1, len(words) + 1):
                parts.add(" ".join(words[first:last]))
    return parts


def _title_end(words: list[str], folded: list[str]) -> int:
    """Where the name of `words` starts: after the title before it, if any (the words up to the last that ends
    a title, and the title's words after that one: "Syrian President", "Kremlin Spokesman", "Bank of Russia
    Governor", "Secretary of State"); 0 when no title is in them."""
    titles = [index for index, fold in enumerate(folded) if fold in TITLES]
    if not titles:
        return 0
    end = titles[-1] + 1
    while end < len(words) and (words[end] in PARTICLES or folded[end] in TITLE_WORDS):
        end += 1
    return end


def _free_id(name: str, used: set[str], number: int) -> str:
    """An id for the entity named `name` (as `kg new entity` would be given it) that no node has yet."""
    base = slug(name, MAX_WORDS + 2, default=f"new-name-{number}")
    entity_id, suffix = base, 2
    while entity_id in used:
        entity_id, suffix = f"{base}-{suffix}", suffix + 1
    return entity_id
