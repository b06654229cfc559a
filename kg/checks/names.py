"""Names as a reader sees them: one key for "the same name", and one finder of names in a text.

`name_key` is what `kg validate` and `kg new entity` compare: two names are one when their words are, case,
accents, punctuation and spacing aside ("Bashar al Assad" is "Bashar al-Assad", "Hay'at" is "Hayat").

`NameFinder` finds names in running text a little more strictly, since a text is not a list of names: case,
accents, the kind of dash or quote mark and spacing aside ("Sharaa’s" holds "Sharaa", "Russia–Syria" is
"Russia-Syria"), but other punctuation must match ("U.S." is not "US"); a name that starts with a capital is
found only where the text starts it with one ("the West", not the west of "central-west"), and a name
without a lower-case letter ("US", "EU", "X") only in capitals ("us" is not the US).

The finder works on words, not on a pattern per name: a text is split into words once, and each word
that can start a name looks up the few word sequences that start there.  Its cost grows with the length of
the text, not with the number of names, so the build can look for every name of every entity in every
article.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress, repeat
from typing import NamedTuple

import orjson

from kg.limits import MAX_NAME_WORDS
from kg.model import Node

_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_SPLIT = re.compile(rf"((?:[^\W_]|[{_COMBINING}])+)")  # a word: letters and digits, and accents typed apart
_SPLIT_PLAIN = re.compile(r"([^\W_]+)")  # the same split of a text without accents typed apart, in half the time
_ACCENT_APART = re.compile(f"[{_COMBINING}]")
_SPACING = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "—": "-", "–": "-"})
"""Typographic quote marks and dashes as typed on a keyboard: a quote typed with straight marks matches the
text's curly ones (the validator, kg lint), and so does a name."""
_MARKS = {**QUOTE_MARKS, ord("`"): "'", ord("´"): "'"}  # in names, accents typed as apostrophes too
_SPACE = " "
_NO_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`´")
_TAIL = re.compile(r"[^\w\s]+$")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
_WORDS = re.compile(r"[^\W_]+")


def _plain(word: str) -> str:
    """`word` without accents (Ç → C), case kept."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _gap(between: str) -> str:
    """What separates two words of a name: spacing and dashes count as one space; anything else ("." in
    "U.S.", the apostrophe of "d'Ivoire") must match."""
    kept = _SPACING.sub("", between).translate(_MARKS)
    return kept or _SPACE


def _parts(text: str) -> tuple[list[str], list[str]]:
    """The words of `text` (accents off, case kept) and the gaps between them."""
    pieces = _SPLIT.split(text)
    words = [word if word.isascii() else _plain(word) for word in pieces[1::2]]
    gaps = [_SPACE if gap == _SPACE else _gap(gap) for gap in pieces[2:-1:2]]
    return words, gaps


def too_long(name: str) -> tuple[str, int] | None:
    """`name` as a message shows it (its start) and its words, if it has more than `MAX_NAME_WORDS`; None for
    nearly every name without counting (each word takes a character, and each gap one more)."""
    if len(name) < 2 * MAX_NAME_WORDS or (words := len(_SPLIT.findall(name))) <= MAX_NAME_WORDS:
        return None
    return (f"{name[:60]}…" if len(name) > 60 else name), words


def _joined(words: list[str], gaps: list[str]) -> str:
    return words[0] + "".join(gap + word for gap, word in zip(gaps, words[1:], strict=True))


def names_digest(nodes: Iterable[Node]) -> str:
    """A digest of the ids and names of `nodes`, in order: each node's id and names as a JSON list, in one JSON
    list, so that no name can pass for a separator (a name may hold a NUL or a line break); written in one
    call by orjson (0.03 s for the 48,000 entities of 100,000 real-shaped facts, 0.05 s with the json
    module, twice that one node at a time)."""
    return hashlib.sha256(orjson.dumps([[node.id, *node.names] for node in nodes])).hexdigest()


def name_key(name: str) -> str:
    """The key under which two names are the same for a reader: its words, accents and case aside, whatever
    separates them ("St. Petersburg" is "St Petersburg"), apostrophes dropped ("Hay'at" is "Hayat")."""
    if name.isascii():  # most names: no accents, casefold is lower, two apostrophes (the same key, in half the time)
        return " ".join(_WORDS.findall(name.lower().replace("'", "").replace("`", "")))
    return any_name_key(name)


def any_name_key(name: str) -> str:
    """`name_key` of any text, ASCII or not."""
    return " ".join(_WORDS.findall(_plain(name.casefold()).translate(_NO_APOSTROPHES)))


def same_name(one: str, other: str) -> bool:
    """Whether two names are the same for a reader: case, accents, punctuation and spacing aside."""
    return name_key(one) == name_key(other)


def in_capitals(name: str) -> bool:
    """Whether `name` is written without a lower-case letter ("US"): it then matches capitals only."""
    if name.isascii():  # most names: no letter from a to z (a fifth of the time)
        return name.upper() == name
    return not any(c.islower() for c in name)


class Found(NamedTuple):
    """A name found in a text: whose it is, where (character offsets), and the text as printed."""

    owner: str
    start: int
    end: int
    printed: str


class NameFinder:
    """Finds the names of many owners (node ids) in texts.

    `names` gives (owner, name) pairs.  A name two owners share keeps the first owner given, and one of more than
    `MAX_NAME_WORDS` words is not looked for (the validator refuses both; the finder must not fail on a model that
    has not passed it yet)."""

    def __init__(self, names: Iterable[tuple[str, str]]):
        # key → (owner, what the name prints after its last word (the last "." of "U.S."), whether the name
        # starts with a capital)
        self._folded: dict[str, tuple[str, str, bool]] = {}  # casefolded keys, of names with a lower-case letter
        self._capitals: dict[str, tuple[str, str, bool]] = {}  # keys as written, of names in capitals
        self._longest: dict[str, int] = {}  # a first word (casefolded) → most words of a name starting with it
        # The first two words or more of each name of several, as a text's words are joined to look them up:
        # a run of words that starts no name is not made longer.
        self._prefixes: set[str] = set()
        for owner, name in names:
            if _PLAIN_NAME.fullmatch(name):  # most names: ASCII words and single spaces, their own key
                key, count, tail = name, name.count(_SPACE) + 1, ""
                if count > MAX_NAME_WORDS:  # refused by the validator, which may not have run yet
                    continue
                first = name.split(_SPACE, 1)[0]
                if count > 1:  # its runs of words, casefolded: lower-case ASCII, whole or word by word
                    lowered = name.lower()
                    self._prefixes.add(lowered)
                    space, first_space = lowered.rfind(_SPACE), len(first)
                    while space > first_space:
                        self._prefixes.add(lowered[:space])
                        space = lowered.rfind(_SPACE, 0, space)
            else:
                words, gaps = _parts(name)
                if not words or len(words) > MAX_NAME_WORDS:
                    continue
                found_tail = _TAIL.search(name)
                key, count, first = _joined(words, gaps), len(words), words[0]
                tail = found_tail.group().translate(_MARKS) if found_tail else ""
                self._add_prefixes(words, gaps)
            entry = (owner, tail, first[:1].isupper())
            if in_capitals(name):
                self._capitals.setdefault(key, entry)
            else:
                known = self._folded.setdefault(key.casefold(), entry)
                if known[0] == owner and known[2] and not entry[2]:  # "Al-Sharaa" and "al-Sharaa": either
                    self._folded[key.casefold()] = entry
            first = first.casefold()
            self._longest[first] = max(self._longest.get(first, 0), count)

    def _add_prefixes(self, words: list[str], gaps: list[str]) -> None:
        """The runs of two words or more that start the name of `words` and `gaps`, casefolded as a whole
        (as names with a lower-case letter are looked up) and word by word (as the text's words are joined:
        the same, unless a gap changes when casefolded)."""
        run, run_folded, add = words[0], words[0].casefold(), self._prefixes.add
        for gap, word in zip(gaps, words[1:], strict=True):
            run, run_folded = run + gap + word, run_folded + gap + word.casefold()
            add(run_folded)
            add(run.casefold())

    def _candidates(self, text: str) -> Iterator[list[Found]]:
        """For each word of `text` that starts a name: every name starting there, longest first.

        The words that start no name (most of them) are passed over in C (`compress`): the loop below only
        sees the others (a third or less of a text's words), and stops adding words to a run that starts no
        name (most runs: "Russia" starts names, "Russia said" none)."""
        pieces = (_SPLIT if _ACCENT_APART.search(text) else _SPLIT_PLAIN).split(text)  # gap, word, …, gap
        words = pieces[1::2]
        if not text.isascii():
            words = [word if word.isascii() else _plain(word) for word in words]
        folded = list(map(str.casefold, words))
        longest, folded_names, capitals, prefixes = self._longest, self._folded, self._capitals, self._prefixes
        mosts = list(map(longest.get, folded, repeat(0)))
        starts = list(compress(range(len(words)), mosts))
        if not starts:
            return
        ends = list(accumulate(map(len, pieces)))  # word i spans ends[2i] to ends[2i + 1]
        count = len(words)
        for index in starts:
            first, written = folded[index], words[index]
            keys = [(first, written)]
            for offset in range(index + 1, min(index + mosts[index], count)):
                between = pieces[2 * offset]
                gap = _SPACE if between == _SPACE else _gap(between)
                first = first + gap + folded[offset]
                if first not in prefixes:
                    break
                written = written + gap + words[offset]
                keys.append((first, written))
            found: list[Found] = []
            for length in range(len(keys), 0, -1):
                key_folded, key_written = keys[length - 1]
                entry = folded_names.get(key_folded) or capitals.get(key_written)
                if entry is not None and (not entry[2] or words[index][:1].isupper()):
                    owner, tail, _ = entry
                    start, end = ends[2 * index], ends[2 * (index + length) - 1]
                    if tail and text[end : end + len(tail)].translate(_MARKS) == tail:
                        end += len(tail)
                    found.append(Found(owner, start, end, text[start:end]))
            if found:
                yield found

    def spans(self, text: str) -> list[Found]:
        """Each name in `text`, leftmost and longest first, none overlapping ("Bashar al-Assad" is one
        name, not also "Assad")."""
        found: list[Found] = []
        end = -1
        for candidates in self._candidates(text):
            if candidates[0].start >= end:
                found.append(candidates[0])
                end = candidates[0].end
        return found

    def owners(self, text: str) -> set[str]:
        """Every owner with a name in `text`, names inside longer names included."""
        return {found.owner for candidates in self._candidates(text) for found in candidates}
