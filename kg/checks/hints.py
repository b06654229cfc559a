"""The hints that end some problems' messages: the id closest to an unknown one, or the passage of an
article closest to a quote not found in it.  Each looks through every id or every line of an article, so
`kg.problems.locate` asks for them for the first problems printed only (`kg.limits.HINTS`)."""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from kg.checks.names import QUOTE_MARKS
from kg.model import Model
from kg.problems import (
    Hint,
    HintMaker,
    closest,
    did_you_mean,
    holds_invisible,
    invisible_characters,
    invisibles_named,
    is_invisible,
    visible,
)
from kg.sources.schema import id_form, is_id

SNIPPET = 120
"""The longest passage a hint shows, in characters (then cut, with '…')."""
SHARED = 0.5
"""The share of a quote's words a line must have to be shown as its closest passage."""
PIECE = 2_000
"""The longest stretch of a line, in characters, that a hint compares a quote with: a longer line (a text pasted
as one paragraph) is looked through in pieces of about this length, cut after a sentence where one ends, else
between words.  Compared whole, a line of 1 MB was split into its 190,000 words and lined up with each quote's:
0.2 s a hint, 40 s for 200."""
_WORD = re.compile(r"\w+")


def hint_maker(model: Model) -> HintMaker:
    """The hints of `model`'s problems (`kg.problems.Hint`): the id closest to an unknown one, among every
    entity and event ('node'), every event ('event'), every claim and event ('record') or every article ('article');
    or the passage
    of an article closest to a text not found in it ('passage').  What is looked through is made once, when
    first needed (48,000 entities and events at 100,000 facts; an article's lines and their words)."""

    @cache
    def ids(kind: str) -> Iterable[str]:
        if kind == "node":
            return model.entities.keys() | model.events.keys()
        if kind == "record":
            return model.claims.keys() | model.events.keys()
        if kind == "event":
            return model.events.keys()
        return model.articles.keys()

    @cache
    def text(article_id: str) -> _Text | None:
        article = model.articles.get(article_id)
        return _Text(article.text) if article is not None and article.text else None

    def make(hint: Hint) -> str:
        if hint.kind == "passage":
            found = text(hint.within)
            return found.hint(hint.wrong) if found is not None else ""
        if hint.kind == "record":
            return _record_meant(hint.wrong, ids(hint.kind))
        return did_you_mean(hint.wrong, ids(hint.kind))

    return make


def _record_meant(wrong: str, records: Iterable[str]) -> str:
    """The hint of a claim or event not found: the closest id, or, when that is a claim's default id
    (`subject.predicate.object`, no id: nothing can name it), that the claim needs an id of its own."""
    meant = closest(wrong, records)
    if meant is None:
        return ""
    if is_id(meant):
        return f" — did you mean '{visible(meant)}'?"
    return (
        f" — the claim '{visible(meant)}' has no id of its own (that is its default, which cannot be named): give it"
        f" `id: {id_form(meant)}` and name that"
    )


@dataclass
class _Text:
    """An article's text, as the hints for the quotes not found in it look through it."""

    text: str

    @cached_property
    def unmarked(self) -> str:
        """The text with QUOTE_MARKS made plain, one `str.replace` (in C) a mark: `str.translate` took 0.34 s over
        a text of 4 MB.  (No mark is made into another mark: the order does not matter.)"""
        text = self.text
        for mark, plain in QUOTE_MARKS.items():
            text = text.replace(chr(mark), str(plain))
        return text

    @cached_property
    def spaced(self) -> str:
        return " ".join(self.text.split())

    @cached_property
    def lines(self) -> list[str]:
        """Each line with text, a long one in pieces (`PIECE`)."""
        return [piece for line in self.text.splitlines() if line.strip() for piece in _pieces(line)]

    @cached_property
    def words(self) -> list[frozenset[str]]:
        """The words of each line (lower case)."""
        return [frozenset(_words(line)) for line in self.lines]

    def hint(self, quote: str) -> str:
        """Why `quote` is not in the text, if it differs in quote marks, dashes or spacing only; else the passage
        closest to it; '' when no line shares half its words."""
        position = self.unmarked.find(quote.translate(QUOTE_MARKS))  # one character for one: same positions
        if position >= 0:
            printed = self.text[position : position + len(quote)]
            return f"; it differs in quote marks or dashes — the article has '{printed}'"
        if quote.endswith("\n") and quote.rstrip("\n") in self.text:
            return "; it ends with a line break (a `|` block keeps it: write `|-`, or the quote on one line)"
        if " ".join(quote.split()) in self.spaced:
            return self.spacing(quote)
        unseen = self.unseen(quote)
        if unseen:
            return unseen
        passage = self.closest(quote)
        if passage is None:
            return ""
        return f"; closest: '{passage if len(passage) <= SNIPPET else passage[: SNIPPET - 1] + '…'}'"

    def spacing(self, quote: str) -> str:
        """How `quote` differs from the passage it spells but for its spaces: which spaces the article prints
        there (a no-break space, a line break), named, since they look like a space."""
        words = quote.split()
        found = re.search(r"\s+".join(map(re.escape, words)), self.text)
        printed = found.group() if found else ""
        gaps = [gap for gap in re.findall(r"\s+", printed) if gap != " "]
        if not gaps:
            return "; it differs in spacing — the article prints one space between its words there"
        named = sorted({_space_name(c) for gap in gaps for c in gap if c != " "})
        breaks = "\n" in printed
        advice = (
            "quote across the line break as a quoted string with \\n, or quote one line"
            if breaks and named == ["a line break"]
            else "copy the passage as printed"
        )
        return f"; it differs in spacing — the article has {' and '.join(named)} there: {advice}"

    def unseen(self, quote: str) -> str:
        """Why `quote` is not in the text if it differs in what a reader cannot see: invisible characters (a
        zero-width space, a soft hyphen, a direction mark) in the quote or in the article's passage, or accented
        letters encoded otherwise (Unicode NFC and NFD).  Shown as they are, the two look the same."""
        in_quote = holds_invisible(quote)
        if in_quote or self.has_invisible:
            passage = self.passage_seen(_invisible().sub("", quote))
            if passage is not None and in_quote:
                return f"; it holds {invisibles_named(quote)}, which the article does not have there"
            if passage is not None:
                return f"; the article's passage holds {invisibles_named(passage)}, which it does not"
        if unicodedata.normalize("NFC", quote) in self.composed:
            return (
                "; its accented letters are encoded otherwise than the article's (a letter and a combining accent,"
                " or one character: Unicode NFD and NFC) — copy the passage from the article's text"
            )
        return ""

    @cached_property
    def has_invisible(self) -> bool:
        """Looked for once per article, not once per quote (200 hints over a 3.7 MB text took 62 s), among the
        text's distinct characters (a pattern of every invisible character took 1.3 s over 4 MB, a set 0.05 s)."""
        return any(map(is_invisible, set(self.text)))

    @cached_property
    def seen(self) -> tuple[str, list[int]]:
        """The text without its invisible characters, and where each one taken out stood in that shorter text
        (before the character now at that index).  Made once: a pattern allowing them between every two
        letters of each quote, run over the whole text, took 0.4 s a quote over 4.4 MB."""
        invisible = _invisible()
        taken = [found.start() - count for count, found in enumerate(invisible.finditer(self.text))]
        return invisible.sub("", self.text), taken

    def passage_seen(self, shown: str) -> str | None:
        """The first passage of the text that reads as `shown` once its invisible characters are left out."""
        if not shown:
            return None
        text, taken = self.seen if self.has_invisible else (self.text, [])
        start = text.find(shown)
        if start < 0:
            return None
        last = start + len(shown) - 1
        return self.text[start + bisect.bisect_right(taken, start) : last + bisect.bisect_right(taken, last) + 1]

    @cached_property
    def composed(self) -> str:
        return unicodedata.normalize("NFC", self.text)

    def closest(self, quote: str) -> str | None:
        """The passage of the line that shares most of `quote`'s words (at least `SHARED` of them): as many
        words as the quote has, lined up on their longest run in common.  Lines, not whole texts, are
        compared: a short headline resembles a short quote more than the long paragraph that holds it once
        changed in one word (difflib's ratio over whole lines chose the headline)."""
        wanted = frozenset(_words(quote))
        if not wanted:
            return None
        # Counted by C loops (map), not a generator: 200 hints among 34,000 lines took 7.5 s.
        shares = list(map(len, map(wanted.intersection, self.words)))
        share = max(shares, default=0)
        if share < SHARED * len(wanted):
            return None
        text = self.lines[shares.index(share)]  # the first line of those that share most
        spans = [found.span() for found in _WORD.finditer(text)]
        words, quoted = [text[a:b].casefold() for a, b in spans], _words(quote)
        run = difflib.SequenceMatcher(None, words, quoted, autojunk=False).find_longest_match()
        first = max(run.a - run.b, 0)
        last = min(first + len(quoted), len(spans)) - 1
        return text[spans[first][0] : spans[last][1]]


def _pieces(line: str) -> list[str]:
    """`line` cut into pieces of at most `PIECE` characters: after the last sentence end (". ") within that
    length, else after its last space, else at that length."""
    pieces, start = [], 0
    while len(line) - start > PIECE:
        end = start + PIECE
        sentence, space = line.rfind(". ", start, end), line.rfind(" ", start, end)
        stop = sentence + 2 if sentence >= 0 else space + 1 if space >= 0 else end
        pieces.append(line[start:stop])
        start = stop
    pieces.append(line[start:])
    return pieces


@cache
def _invisible() -> re.Pattern[str]:
    """Any one invisible character (`kg.problems.is_invisible`), looked for across a whole text at once."""
    return re.compile(f"[{invisible_characters()}]")


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def _space_name(character: str) -> str:
    """A space character as a curator would know it: "a no-break space (U+00A0)", "a line break"."""
    if character == "\n":
        return "a line break"
    if character == "\t":
        return "a tab"
    return f"a {unicodedata.name(character, 'space').lower()} (U+{ord(character):04X})"
