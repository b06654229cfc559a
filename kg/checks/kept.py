"""Checks kept between builds: a source file whose records checked clean, or an article whose every sentence
was accounted for, is not checked again while everything its check read stays the same.

A file's claims and events are checked against its own bytes and against facts of other files: the class of
each node they point at, whether each claim they conflict with exists, the text of each article they quote.
The check lists those reads (`Reads`); the file is kept with its digest and each read with its value then, and
skipped while all of them hold.  An article's coverage reads its own file and text, the name of its author
and every quote citing it, from whichever file: it is kept with their digests.  The ontology and the
builder's version name the shelf.  Only clean results are kept: a problem is reported afresh every time,
with hints (`did you mean`) taken from the whole model as it is then.  The entries are written by the
build's own process, packed in a few files (`kg.shelf.Packed`).
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import orjson

from kg.checks.names import names_digest
from kg.model import Article, Model, SourceRecords
from kg.reads import ReadValues, read_now
from kg.shelf import Packed, Shelf, keepable

READS = ("node", "record", "article")
"""What a file's check reads of other files, by kind: the class of a node ("" when there is none), whether
a claim or event of an id exists, an article's outlet and the digest of its text ("" when there is no such
article: an evidence item's quote is found in the text, and its `via` may not name the outlet)."""

Reads = dict[str, set[str]]
"""The ids a check read, by kind."""


def no_reads() -> Reads:
    return {kind: set() for kind in READS}


class KeptChecks:
    """The clean results of the last builds' checks, on `shelf`, for the sources whose content `digests`
    describe (`kg.exports.manifest`: a linked or unreadable file is checked every time)."""

    def __init__(self, shelf: Shelf, digests: dict[Path, str]):
        self.shelf = Packed(shelf)
        self.whole = shelf  # for an entry of its own: the names' keys (8 MB at 127,500 names), not packed
        self.digests = digests
        self.model = Model()
        self.texts: dict[str, str | None] = {}
        self.outlets: dict[str, str | None] = {}
        self.types: dict[str, str] = {}
        self._accounting: dict[str, tuple[str, str, str | None, str] | None] = {}
        self._name_keys: dict[str, str] | None = None  # as kept (`name_keys`)
        self._names = ""  # the digest of the model's names (`names_hold`)
        self.changes: ReadValues | None = None  # what the kept checks read, and what of it changed (`start`)

    def start(self, model: Model) -> None:
        """Check `model` from now on."""
        self.model = model
        self._accounting = {}
        self.texts = {article.id: self.digests.get(article.text_path) for article in model.articles.values()}
        self.outlets = {article.id: article.outlet for article in model.articles.values()}
        self.types = {node.id: node.type for node in (*model.entities.values(), *model.events.values())}
        self.changes = ReadValues(self.whole, self.values)

    def values(self, kind: str, keys: tuple[str, ...]) -> list[str | None]:
        """What each of `keys` reads today; None for a text that is not plain content (not to be kept)."""
        if kind == "node":
            types = self.types
            return [types.get(key, "") for key in keys]
        if kind == "record":
            claims, events = self.model.claims, self.model.events
            return ["yes" if key in claims or key in events else "" for key in keys]
        texts, outlets = self.texts, self.outlets
        values: list[str | None] = []
        for key in keys:
            text = texts.get(key, "")
            values.append(f"{outlets.get(key) or ''}\0{text}" if text == "" or keepable(text) else None)
        return values

    # ------------------------------------------------------------------ a file's claims and events

    def records_hold(self, group: SourceRecords) -> bool:
        """Whether `group`'s claims and events checked clean from what they are made of today.  An entry that
        does not hold is removed: were the check to find problems, nothing would replace it, and what it read
        would no longer be what the map of reads says (`kg.reads.ReadValues`), which would trust it later."""
        name = _records_name(group)
        kept = self.shelf.get(name)
        if kept is None:
            return False
        digest, read = kept[0]
        if (
            self.changes is not None
            and keepable(self.digests.get(group.file))
            and digest == self.digests[group.file]
            and isinstance(read, bytes)
            and self.changes.holds(read)
        ):
            return True
        self.shelf.drop(name)
        return False

    def keep_records(self, group: SourceRecords, reads: Reads) -> None:
        """`group` checked clean after `reads`: keep that, if everything read can be kept."""
        digest = self.digests.get(group.file)
        read = read_now(reads, self.values)
        if keepable(digest) and self.changes is not None and not any(None in values for _, _, values in read):
            self.changes.note(read)
            self.shelf.put(_records_name(group), (digest, pickle.dumps(read, pickle.HIGHEST_PROTOCOL)), None)

    # ------------------------------------------------------------------ an article's coverage

    def coverage_holds(self, article: Article, quotes: list[tuple[str, str]], uncovered: bool) -> bool:
        stamp = self._accounting[article.id] = accounting_stamp(article, self.model, quotes, self.digests)
        kept = self.shelf.get(_coverage_name(article))
        return stamp is not None and kept is not None and kept[0] == (stamp, uncovered)

    def keep_coverage(self, article: Article, quotes: list[tuple[str, str]], uncovered: bool) -> None:
        if article.id in self._accounting:  # worked out by coverage_holds
            stamp = self._accounting[article.id]
        else:
            stamp = accounting_stamp(article, self.model, quotes, self.digests)
        if stamp is not None:
            self.shelf.put(_coverage_name(article), (stamp, uncovered), None)

    # ------------------------------------------------------------------ the names

    def names_hold(self, model: Model) -> bool:
        """Whether every node's id and names are as in a build whose names check found no clash: the check
        (each of 127,500 names against the others, at 100,000 real-shaped facts) then finds none again, and is
        skipped with the reading of the names' keys (0.18 s of a one-file edit's 0.65 s of checks, where this
        digest takes 0.03 s).  Only the ids and names are digested: where a node is only locates a clash."""
        self._names = names_digest(model.nodes())
        kept = self.whole.get(_NAMES_CLEAN)
        if kept is None or kept[0] != self._names:
            return False
        self.whole.used.add(_NAME_KEYS)  # kept as they are, for the next build whose names change
        return True

    def keep_names_clean(self) -> None:
        """The names of the model given to `names_hold` checked clean."""
        self.whole.put(_NAMES_CLEAN, self._names, None)

    def name_keys(self) -> dict[str, str]:
        """Each name of the last build's model → its `kg.checks.names.name_key`: the names check compares
        every name of the model, and working their keys out again was 0.27 s of its 0.4 s at 100,000
        real-shaped facts (127,500 names), where looking them up is a hundredth of that."""
        kept = self.whole.get(_NAME_KEYS)
        self._name_keys = kept[1] if kept is not None and isinstance(kept[1], dict) else None
        return dict(self._name_keys or {})

    def keep_name_keys(self, model: Model, keys: dict[str, str]) -> None:
        """Keep the keys of `model`'s names (`keys`: those kept, and those worked out today).  Nothing is written
        while no key was worked out (a name removed leaves its key until then: making the dict of today's
        names to compare was 0.1 s of a one-file edit's checks at 127,500 names); else only today's names'."""
        if self._name_keys is not None and len(keys) == len(self._name_keys):
            return
        today = {name: keys[name] for node in model.nodes() for name in node.names if name in keys}
        if today != self._name_keys:
            self.whole.put(_NAME_KEYS, None, today)

    def finish(self) -> None:
        """Write what was kept, and only the entries of today's files and articles, with the map of what they
        read (`kg.reads.ReadValues`)."""
        if self.changes is None:
            self.shelf.flush()
            return
        self.changes.write_with(self.shelf.flush)


def accounting_stamp(
    article: Article, model: Model, quotes: list[tuple[str, str]], digests: dict[Path, str]
) -> tuple[str, str, str | None, str] | None:
    """What accounting for `article`'s text is made of (`kg.checks.coverage`: its coverage, the page's marks):
    its file, its text, its author's name and the (quote, record) pairs citing it; None when its file or
    text is not plain content."""
    file, text = digests.get(article.where.file), digests.get(article.text_path)
    if file is None or text is None or not keepable(file, text):
        return None
    author = model.entities.get(article.author) if article.author else None
    # As JSON (orjson: 8 ms for 2,550 articles, against 42 ms pickled): a pickle tells apart equal strings held
    # once or twice (see kg.sources.records), and an equal list would then need a new stamp.
    cited = hashlib.sha256(orjson.dumps(quotes)).hexdigest()
    return (file, text, author.name if author else None, cited)


_NAME_KEYS = "name keys"
_NAMES_CLEAN = "names checked clean"


def _records_name(group: SourceRecords) -> str:
    return f"records {group.file}"


def _coverage_name(article: Article) -> str:
    return f"coverage {article.id}"
