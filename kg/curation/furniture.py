"""What a captured news page prints besides the story: headline, section, byline, photo captions and
credits, and the boilerplate around them (navigation, pleas, bios, teasers).

The rules are the patterns of the outlets in the corpus (Kyiv Independent and Kyiv Post pages, copied
as text).  Every guess is a suggestion that `kg new article` writes into the scaffold for the curator to
confirm: a rule that misfires costs a line to delete, one that does not fire leaves a "to do".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from kg.checks.coverage import Sentence, split_sentences
from kg.dates import meant_date

_READING_TIME = re.compile(r"\d+ min read")
_CREDIT = re.compile(r"^(?P<caption>.+?)\s*\((?P<credit>[^()]*(?:/|Getty|AFP|Reuters|AP Photo|Photo)[^()]*)\)\s*$")
_MARKDOWN_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\([^)]*\)$")
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
BYLINE = re.compile(r"^By (?P<name>[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,3})$")
"""A byline line of a plain text: "By Jane Doe"."""

_TIMESTAMP = re.compile(
    r"^(?:(?:Updated|Published|Posted|First published)(?: on)?:?\s+)?"  # "Updated 4:12 PM GMT+2, March 11, 2025"
    r"(?:(?:\d{1,2}:\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:[A-Z]{2,5}(?:[+-]\d{1,2})?)?|[A-Z][a-z]+day),?\s+)?"
    r"(?P<date>[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:[A-Z]{2,5}(?:[+-]\d{1,2})?)?)?$"
)
"""A line that is only the date the page was published or updated, with its time: a wire report's timestamp."""

BOILERPLATE = {  # a whole line as printed → why it is not part of the story
    "show more": "navigation link",
    "read more": "navigation link",
    "news feed": "navigation link",
    "video": "navigation link",
    "avatar": "author avatar placeholder",
    "join us on telegram": "social-media plea",
}
_PLEAS = (
    (re.compile(r"^Follow (our|us)\b|\bfollow us on\b", re.IGNORECASE), "social-media plea"),
    (
        re.compile(r"journalism|members by the end of|\bsubscribe\b|\bnewsletter\b|\bdonate\b", re.IGNORECASE),
        "membership/newsletter plea",
    ),
    (re.compile(r"^\d[\d,]* out of [\d,]+$"), "membership counter widget (page chrome)"),
    (re.compile(r"press Ctrl \+ Enter", re.IGNORECASE), "site interface prompt (typo reporting)"),
    (
        re.compile(r"^(?:Copyright\b|©)|^All rights reserved\.?$|may not be published, broadcast", re.IGNORECASE),
        "copyright notice",
    ),
    (re.compile(r"\bcontributed (?:to )?this report\.?$", re.IGNORECASE), "contributors' credit"),
)


@dataclass
class Furniture:
    """What `find_furniture` recognised in an article's text."""

    headline: str | None = None
    section: str | None = None
    author: str | None = None  # the byline name, as printed
    published: str | None = None  # the date a timestamp line prints (YYYY-MM-DD), and that line
    timestamp: str | None = None
    photos: list[tuple[str, str]] = field(default_factory=list)  # (caption, credit), as printed
    boilerplate: dict[str, str] = field(default_factory=dict)  # sentence text → suggested reason to ignore it


def find_furniture(text: str) -> Furniture:
    """The page furniture of `text` (see the module docstring for what is recognised)."""
    lines = [line.strip() for line in text.split("\n")]
    found = Furniture()
    found.headline = _headline(lines)
    if found.headline is not None:
        start = lines.index(found.headline)
        before = [line for line in lines[:start] if line]
        if before and len(before[-1].split()) <= 3 and not _SENTENCE_END.search(before[-1]):
            found.section = before[-1]
    for line in lines[:40]:
        match = _CREDIT.match(line)
        if match and line != found.headline and not _MARKDOWN_IMAGE.match(line):
            found.photos.append((match["caption"], match["credit"].strip()))
    job_title = None
    bylines = [match["name"] for line in lines[:15] if (match := BYLINE.match(line))]
    if bylines:
        found.author = bylines[0]
    for index, line in enumerate(lines):
        if line.lower() == "avatar" and index + 1 < len(lines) and lines[index + 1]:
            found.author = lines[index + 1]
            following = [later for later in lines[index + 2 : index + 6] if later]
            if following and len(following[0].split()) <= 4 and not _SENTENCE_END.search(following[0]):
                job_title = following[0]
    for line in lines[:15]:
        if (stamp := _TIMESTAMP.match(line)) and (day := meant_date(stamp["date"])) is not None:
            found.published, found.timestamp = day, line
            break
    found.boilerplate = _boilerplate(text, lines, found)
    if job_title is not None:
        found.boilerplate[job_title] = "author job title in the byline box"
    return found


def _headline(lines: list[str]) -> str | None:
    """A line printed twice near the top (a page's title and its heading), or the line before "N min read"."""
    top = [line for line in lines[:30] if line]
    for line in top:
        if top.count(line) > 1 and len(line.split()) >= 4 and line.lower() not in BOILERPLATE:
            return line
    for before, line in itertools.pairwise(top):
        if _READING_TIME.fullmatch(line) and len(before.split()) >= 4:
            return before
    if top and _is_heading(top[0]) and len(top[0].split()) <= 25 and not BYLINE.match(top[0]):
        return top[0]  # a plain text opening on its headline (the corpus's captured pages open on a lede)
    return None


def _boilerplate(text: str, lines: list[str], found: Furniture) -> dict[str, str]:
    """Sentence → suggested reason, for each sentence that is obvious page furniture."""
    reasons: dict[str, str] = {}
    body_started = found.headline is None
    author = found.author
    # What the whole line is, worked out once a line, not once for each of its sentences: a text pasted as one
    # line of 360 KB took 40 s, each of its 6,000 sentences splitting the whole line again (`_is_heading`).
    images: dict[int, bool] = {}
    for sentence in split_sentences(text):
        number = sentence.line - 1
        line = lines[number]
        if number not in images:
            images[number] = _MARKDOWN_IMAGE.match(line) is not None
        reason = _reason(sentence, line, images[number], found, author)
        if sentence.text == found.headline:
            body_started = True
        elif author is not None and sentence.text == line and BYLINE.match(line):
            continue  # the byline: accounted for by the article's author
        elif (
            reason is None and body_started and sentence.text == line and _is_heading(line) and not _CREDIT.match(line)
        ):
            reason = "teaser headline or subheading (check: a teaser for another story, or this story's own)"
        if reason is not None:
            reasons.setdefault(sentence.text, reason)
    return reasons


def _reason(sentence: Sentence, line: str, image: bool, found: Furniture, author: str | None) -> str | None:
    """Why `sentence` (of `line`, a teaser image's line when `image`) is page furniture, if it is."""
    text = sentence.text
    if text.lower() in BOILERPLATE and text != found.section:
        return BOILERPLATE[text.lower()]
    if line == found.timestamp:
        return f"publication timestamp (its date is published: {found.published})"
    if _READING_TIME.fullmatch(text):
        return "reading-time label (navigation)"
    if image:
        return "teaser image (link to another story)"
    for pattern, reason in _PLEAS:
        if pattern.search(text):
            return reason
    if author and text.startswith(author + " is "):
        return "author bio"
    if author and line.startswith(author + " is "):
        return "author bio"
    return None


def _is_heading(line: str) -> bool:
    """A line set as a heading: several words and no sentence punctuation at its end."""
    return len(line.split()) >= 3 and not _SENTENCE_END.search(line)
