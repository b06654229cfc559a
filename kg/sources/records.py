"""YAML files → model records, each remembering its file and YAML path.

Structure is checked here with the JSON Schemas of `kg.sources.schema`; meaning (ids, vocabulary,
domains and ranges, quotes) is checked afterwards by `kg.checks.meaning`.  Records are built
defensively from whatever parsed, so one mistake does not hide the next.
"""

from __future__ import annotations

import os
import re
import reprlib
import sys
import unicodedata
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from kg.collector import collector_paused
from kg.dates import Date, DateError, parse_date
from kg.limits import DEFAULT_LIMITS, MAX_FOLDER_DEPTH, MAX_NAME_CHARACTERS, Limits, folder_depth
from kg.literals import yaml_literal
from kg.model import Article, Claim, Entity, Event, Evidence, Ignored, Model, Photo, SourceRecords
from kg.problems import Hint, Problem, Where, closest, did_you_mean, visible, without_invisibles
from kg.sources.reading import FileRefused, forget_folders, read_text
from kg.sources.schema import (
    ARTICLE_FIELDS,
    BLANK,
    ENTITY_LINT_RULES,
    LINE_PATTERN,
    LINE_TEXT,
    LINT_RULES,
    NAME_PATTERN,
    TEXT_PATTERN,
    VISIBLE_PATTERN,
    id_form,
    invisible_problem,
    is_id,
    is_name,
    is_text,
    structure_schema,
    tab_problem,
    whole_pattern,
)
from kg.sources.yaml_reader import CONTROL, read_yaml
from kg.vocab import DEFAULT_MODALITY
from kg.yaml_positions import KEY

if TYPE_CHECKING:  # jsonschema itself is imported by the slow pass only: 64 ms of every start otherwise
    import jsonschema

ARTICLES_DIR = "articles"


@dataclass
class Loaded:
    """The model as far as it could be built, and every structural problem found on the way."""

    model: Model
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    unreadable_ignores: set[Path] = field(default_factory=set)
    """Article files whose `ignore:` holds something that is not a list of passages: coverage would only
    repeat that error, sentence by sentence."""
    unread: set[str] = field(default_factory=set)
    """The ids and article ids named in files that could not be read as YAML at all, or were not read (in a
    folder under `articles/`, or named `.yml`), and of records left out for an error in their own file
    (`FileRecords.unread`)."""
    unknown: bool = False
    """Whether what some sources define and cite is not known: a folder could not be listed, or was not (a linked
    one), or a file could not be read at all (`FileRecords.unknown`)."""

    def passed_over(self) -> Container[str]:
        """The ids not reported unknown where records name them, nor their articles' sentences uncited: those
        of `unread`; every id when what some sources define is not known (one message at the folder or file, not
        one at every id it defines: 317 for an unreadable `articles/`, 569 for an unreadable `entities.yaml`)."""
        return _EVERY_ID if self.unknown else frozenset(self.unread)


class _EveryId:
    """The container of every id (`Loaded.passed_over`)."""

    def __contains__(self, _: object) -> bool:
        return True


_EVERY_ID = _EveryId()


@dataclass
class FileRecords(SourceRecords):
    """What one source file holds, read on its own: a function of its bytes (and of its article's text,
    `text_file`), so it can be kept between builds and read in another process."""

    root: Path = field(kw_only=True)
    limits: Limits = field(default=DEFAULT_LIMITS, kw_only=True)
    problems: list[Problem] = field(default_factory=list, kw_only=True)
    unreadable_ignore: bool = field(default=False, kw_only=True)
    text_file: Path | None = field(default=None, kw_only=True)
    unread: frozenset[str] = field(default=frozenset(), kw_only=True)
    """When the file could not be read as YAML at all: the ids and article ids its text names (`id:`,
    `article:`, and an article file's own name); else the ids of records left out for an error reported
    in the file (`_left_out`).  Other files that name them are not told they are unknown, nor an article's
    sentences uncited: the file's own error is the one to fix, and those would point elsewhere, with hints
    that suggest wrong fixes."""
    default_article: str | None = field(default=None, kw_only=True)
    """A facts file's top-level `article:`: the article of each of its evidence items that names none."""
    unknown: bool = field(default=False, kw_only=True)
    """When not even the file's text could be read (no permission…): what it defines is not known, and every id
    is passed over (`Loaded.passed_over`)."""


@dataclass
class SourceFiles:
    """The files under a sources folder, each list sorted by path (for a deterministic model)."""

    articles: list[Path]  # article metadata, in `articles/`
    facts: list[Path]  # every other YAML file
    texts: list[Path]  # the files in `articles/` that end in .txt: each an article's text, or a mistake
    unlisted: list[OSError]  # the folders that could not be listed, by path
    misplaced: list[Path]  # YAML files in a folder under `articles/`: not read (an article's file lies in it)
    misnamed: list[Path]  # `.yml`, `.YAML`…: not read
    extensionless: list[Path]  # no extension, holding what a source holds (`_reads_as_source`): not read
    linked_folders: list[Path]  # not entered: a link could lead anywhere, or back up the tree
    yaml_folders: list[Path]  # folders named `x.yaml`: not entered (a source is a file)
    doubles: list[tuple[Path, Path]]  # (a link, the source file it leads to): not read twice
    too_deep: list[Path]  # folders deeper than MAX_FOLDER_DEPTH: not entered

    def problems(self) -> list[Problem]:
        """Every folder not listed and file not read: left out silently, their facts would be missing from a
        build that succeeds.  (Hidden files and folders, whose names start with '.', are an editor's or a
        tool's: they are passed over.)"""
        problems = [
            Problem(Where(Path(error.filename)), f"cannot read the folder: {error.strerror or error}", 1, 1)
            for error in self.unlisted
        ]
        for paths, message in (
            (self.misplaced, f"not read: an article's file lies in {ARTICLES_DIR}/ itself, not in a folder under it"),
            (self.misnamed, "not read: a source file's name ends in .yaml (rename it)"),
            (self.extensionless, "not read: it reads as a source, and a source file's name ends in .yaml (rename it)"),
            (self.linked_folders, "not read: a linked folder is not followed (it could lead anywhere): move its files"),
            (self.yaml_folders, "not read: a folder named like a source file (a source is a file): rename it"),
            (
                self.too_deep,
                f"not read: a folder more than {MAX_FOLDER_DEPTH} levels under the sources: move its files up",
            ),
        ):
            problems += [Problem(Where(path), message, 1, 1) for path in paths]
        for link, target in self.doubles:
            problems.append(Problem(Where(link), f"not read: a link to {target}, which is read already", 1, 1))
        return problems


def source_files(sources: Path, limits: Limits = DEFAULT_LIMITS) -> SourceFiles:
    """The files under `sources`.  Linked directories are not entered (a link could lead anywhere, or back up
    the tree), nor folders named `x.yaml`; linked files are listed, and refused when read if they lead outside
    `sources`."""
    unlisted: list[OSError] = []
    found: list[Path] = []
    misnamed: list[Path] = []
    extensionless: list[Path] = []
    linked: list[Path] = []
    yaml_folders: list[Path] = []
    texts: list[Path] = []
    articles_folder = os.path.normpath(sources / ARTICLES_DIR)  # as os.walk spells it (`./articles` for `.`)
    too_deep: list[Path] = []
    for folder, folders, names in os.walk(sources, onerror=unlisted.append):
        folders[:] = [name for name in folders if not name.startswith(".")]
        if folders and folder_depth(str(sources), folder) >= MAX_FOLDER_DEPTH:
            too_deep += [Path(folder, name) for name in folders]
            folders[:] = []
        links = [Path(folder, name) for name in folders if os.path.islink(os.path.join(folder, name))]
        linked += links
        yaml_folders += [
            Path(folder, name)
            for name in folders
            if name.lower().endswith(_YAML_ENDINGS) and Path(folder, name) not in links  # a link: said so
        ]
        folders[:] = [name for name in folders if not name.lower().endswith(_YAML_ENDINGS)]
        in_articles = os.path.normpath(folder) == articles_folder
        for name in names:
            if name.startswith("."):
                continue
            if name.endswith(".yaml"):
                found.append(Path(folder, name))
            elif name.lower().endswith(_YAML_ENDINGS):
                misnamed.append(Path(folder, name))
            elif name.endswith(".txt") and in_articles:
                texts.append(Path(folder, name))
            elif "." not in name and _reads_as_source(Path(folder, name), sources, limits, in_articles):
                extensionless.append(Path(folder, name))
    found, doubles = _without_doubles(found)
    # Compared by their parts, as paths are, but each path's parts made once (comparing paths made them at
    # each comparison: 0.09 s for the 5,610 files of 100,000 real-shaped facts, 0.03 s so).
    articles_dir = (sources / ARTICLES_DIR).parts
    articles = sorted((p for p in found if p.parts[:-1] == articles_dir), key=_parts)
    facts = sorted((p for p in found if p.parts[: len(articles_dir)] != articles_dir), key=_parts)
    under = [p for p in found if p.parts[: len(articles_dir)] == articles_dir]
    misplaced = sorted((p for p in under if p.parts[:-1] != articles_dir), key=_parts)
    return SourceFiles(
        articles,
        facts,
        sorted(texts, key=_parts),
        sorted(unlisted, key=lambda error: str(error.filename)),
        misplaced,
        sorted(misnamed, key=_parts),
        sorted(extensionless, key=_parts),
        sorted(linked, key=_parts),
        sorted(yaml_folders, key=_parts),
        sorted(doubles),
        sorted(too_deep, key=_parts),
    )


_YAML_ENDINGS = (".yaml", ".yml")


def _key_at_a_line_start(keys: Iterable[str]) -> re.Pattern[str]:
    return re.compile(f"^(?:{'|'.join(keys)})[ \\t]*:", re.MULTILINE)


_RECORD_LISTS = _key_at_a_line_start(
    key for key, field in structure_schema("facts")["properties"].items() if field.get("type") == "array"
)
_ARTICLE_KEYS = [_key_at_a_line_start([key]) for key in structure_schema("article")["required"]]


def _reads_as_source(path: Path, root: Path, limits: Limits, article: bool) -> bool:
    """Whether a file named with no extension holds what a source file holds, at the start of a line: a list of
    records (`entities:`, `events:`, `claims:`), or in `articles/` an article's `id:` and `text:`.  Such a file
    (`facts`, `entities`) is one the curator meant as a source, and is reported, not passed over as notes or a
    README are; one that cannot be read as text (binary, too large, a FIFO) is passed over."""
    try:
        text = read_text(path, root, limits.max_yaml_bytes, "the file")
    except (FileRefused, OSError):
        return False
    if article:
        return all(key.search(text) for key in _ARTICLE_KEYS)
    return _RECORD_LISTS.search(text) is not None


def _without_doubles(found: list[Path]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """`found` less the links to a file listed as itself (each record would be defined twice: 97 duplicate ids
    for a link to `entities.yaml`), and those links with the file they lead to."""
    links = {path for path in found if os.path.islink(path)}
    if not links:
        return found, []
    listed = {os.path.realpath(path): path for path in found if path not in links}
    doubles = [(link, listed[target]) for link in sorted(links) if (target := os.path.realpath(link)) in listed]
    doubled = {link for link, _ in doubles}
    return [path for path in found if path not in doubled], doubles


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


def _not_a_folder(path: Path) -> str:
    """Why `path` is no folder to read: it is a file, it is not there, or it cannot be reached (a loop of links,
    no permission to pass: the system's words)."""
    try:
        path.stat()
    except FileNotFoundError:
        return "not found"
    except OSError as error:
        return f"cannot be reached: {error.strerror or error}"
    return "is a file, not a folder"


def load_sources(sources: Path, limits: Limits = DEFAULT_LIMITS, read: FileLoader | None = None) -> Loaded:
    """Read every YAML file under `sources` into one model, within `limits`.

    `read` turns the list of files into their records (in the same order); by default each file is read
    here, one after the other (`kg.sources.kept` has readers that use every core and keep records
    between builds).
    """
    if not sources.is_dir():
        return Loaded(Model(), [Problem(Where(sources), f"sources directory {_not_a_folder(sources)}", 1, 1)])
    forget_folders()
    listed = source_files(sources, limits)
    files = listed.articles + listed.facts
    with collector_paused():
        records = (read or read_files)(files, sources, limits)
        loaded = merge(records)
    loaded.files = files
    listing_problems = listed.problems()
    empty = _empty_articles(records, set(listed.articles))
    loaded.unread |= {file.stem for file in empty}  # its id: the facts that cite it are not told it is unknown
    empty_problems = [Problem(Where(file), EMPTY_ARTICLE, 1, 1) for file in empty]
    orphans = _texts_of_no_article(listed, loaded.model, loaded.unread)
    loaded.problems[:0] = listing_problems + orphans + empty_problems
    if not (files or listed.texts or listing_problems):  # an empty graph would replace the last good one
        message = "no source file here (entities.yaml, articles/, facts/): is it the sources folder?"
        loaded.problems.append(Problem(Where(sources), message, 1, 1))
    loaded.unknown |= bool(listed.unlisted or listed.linked_folders or listed.yaml_folders)
    # Not read: what they name is not reported unknown elsewhere.
    for file in listed.misplaced + listed.misnamed + listed.extensionless:
        kind = "article" if file in listed.misplaced else "facts"
        named = _named_ids(file, kind, FileRecords(file, root=sources, limits=limits))
        loaded.unread |= named or set()
        loaded.unknown |= named is None
    return loaded


def _empty_articles(records: list[FileRecords], article_files: set[Path]) -> list[Path]:
    """The article files that hold nothing (empty, or comments only): a facts file may, it names no text, but
    one of these stands for the text beside it, whose sentences would be in no build and no coverage."""
    return [
        read.file
        for read in records
        if read.file in article_files and not (read.articles or read.problems or read.unread)
    ]


EMPTY_ARTICLE = "the article file holds no article: write its id and text (`kg new article` scaffolds one)"


def _texts_of_no_article(listed: SourceFiles, model: Model, unread: Container[str]) -> list[Problem]:
    """A text in `articles/` that no article names, nor an article file of its own name (which may not have
    read, or be misnamed: `x.yml`, `x`), nor an article left unread for an error said in its file (its id not its
    file's name: a second message of one mistake): its sentences would be in no build, and in no coverage."""
    named = {Path(article.text_file).name for article in model.articles.values()}
    named |= {text.name for text in listed.texts if text.stem in unread}
    own = {path.with_suffix("") for path in (*listed.articles, *listed.misnamed, *listed.extensionless)}
    message = "no article names this text: add its article file (`kg new article`), or remove it"
    return [
        Problem(Where(text), message, 1, 1)
        for text in listed.texts
        if text.name not in named and text.with_suffix("") not in own
    ]


FileLoader = Callable[[list[Path], Path, Limits], list[FileRecords]]


def read_files(files: list[Path], root: Path, limits: Limits = DEFAULT_LIMITS) -> list[FileRecords]:
    """The records of each of `files` (inside `root`), read in this process."""
    return [read_file(file, root, limits) for file in files]


def read_file(file: Path, root: Path, limits: Limits = DEFAULT_LIMITS) -> FileRecords:
    """The records of one source file: an article's metadata under `articles/`, else facts."""
    loaded = FileRecords(file, root=root, limits=limits)
    if file.parent == root / ARTICLES_DIR:
        _load_article_file(file, loaded)
    else:
        _load_facts_file(file, loaded)
    return loaded


def merge(files: list[FileRecords]) -> Loaded:
    """One model from the records of every file, in file order; a repeated id is reported where it
    repeats, pointing at its first definition, and the first one is kept."""
    loaded = Loaded(Model(files=[records.file for records in files]))
    model = loaded.model
    for records in files:
        loaded.problems.extend(records.problems)
        if records.unreadable_ignore:
            loaded.unreadable_ignores.add(records.file)
        loaded.unread |= records.unread
        loaded.unknown |= records.unknown
        if records.default_article is not None:
            model.default_articles[records.file] = records.default_article
        for article in records.articles:
            if article.id in model.articles:
                first = model.articles[article.id].where
                problem = Problem(article.where.at("id"), f"duplicate article id '{article.id}'", related=first)
                loaded.problems.append(problem)
            else:
                model.articles[article.id] = article
        for entity in records.entities:
            _register(loaded, entity, model.entities)
        for event in records.events:
            _register(loaded, event, model.events)
        for claim in records.claims:
            if claim.id in model.claims:
                first = model.claims[claim.id].where
                hint = "merge the evidence into one claim, or give each claim its own 'id'"
                loaded.problems.append(Problem(claim.where, f"duplicate claim '{claim.id}': {hint}", related=first))
            else:
                model.claims[claim.id] = claim
    for claim in model.claims.values():  # after every file: which of the two comes first does not matter
        node = model.entities.get(claim.id) or model.events.get(claim.id)
        if node is not None:
            kind = "an entity" if isinstance(node, Entity) else "an event"
            message = f"duplicate id '{claim.id}': {kind} has it already (a record named by id must be one record)"
            loaded.problems.append(Problem(claim.where.at("id"), message, related=node.where))
    for entity in model.entities.values():  # (an event may have its article's id: the corpus has one)
        if (taken := model.articles.get(entity.id)) is not None:  # read first: article files come first
            message = f"duplicate id '{entity.id}': an article has it already (an id names one record, in all files)"
            loaded.problems.append(Problem(entity.where.at("id"), message, related=taken.where.at("id")))
    return loaded


@cache
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    return strict_validator(structure_schema(kind))


def strict_validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """jsonschema's validator of `schema`, its patterns matched as JSON Schema means them (ECMA-262,
    `whole_pattern`): Python's `$` also matches before a final line break, which let `id: "russia\\n"`
    through, and Python's expressions do not read `\\p{Cf}`."""
    import jsonschema

    def pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Any:
        if validator.is_type(instance, "string") and not whole_pattern(pattern).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    strict = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern})
    return strict(schema)


@cache
def _fast_check(kind: str) -> Any:
    """The same schema compiled by `jsonschema-rs` (Rust, 14× faster than fastjsonschema on a file of 1,000
    claims), asked only yes or no.

    Most files are valid: they pay for this check only; the others are checked again with jsonschema,
    which lists every error with its path, and is the reference: where the two could differ, this one only
    sends a valid file down the slow path.  `tests/test_validate.py` holds them to the same answers."""
    return jsonschema_rs.Draft202012Validator(structure_schema(kind))


def _schema_errors(kind: str, data: dict[str, Any]) -> list[jsonschema.ValidationError]:
    try:
        if _fast_check(kind).is_valid(data):
            return []
    except (ValueError, TypeError, OverflowError):  # a value it cannot take (a huge integer…): the slow pass
        pass
    return list(_validator(kind).iter_errors(data))


def _read(file: Path, kind: str, loaded: FileRecords) -> dict[str, Any] | None:
    """The document of a source file, checked against the schema; None when it is empty or unusable."""
    data, problems = read_yaml(file, loaded.root, loaded.limits)
    loaded.problems.extend(problems)
    if data is None:  # an empty file (or one of comments only) says nothing, and is fine; or it was unreadable
        if problems:
            _pass_over_named_ids(file, kind, loaded)
        return None
    if problems:  # keys left out (a record whose `- ` was forgotten, a list given twice…): the ids they defined,
        # and the articles they cited, are passed over elsewhere (17 "unknown entity" for one dash forgotten)
        loaded.unread |= _named_ids(file, kind, loaded) or frozenset()
    where = Where(file)
    if not isinstance(data, dict):
        loaded.problems.append(Problem(where, "the file must hold a mapping (key: value) at the top level"))
        _pass_over_named_ids(file, kind, loaded)
        return None
    try:
        errors = _schema_errors(kind, data)
    except RecursionError:  # nested almost as deep as the parser allows: the schema's walk needs more stack
        loaded.problems.append(Problem(where.at(*_deep_path(data)), _NESTED))
        _pass_over_named_ids(file, kind, loaded)
        return None
    for error in errors:
        loaded.problems.extend(_schema_problems(error, where))
    return data


_DEEPEST = 64
_NESTED = f"nested more than {_DEEPEST} levels deep here: a source is a few levels of mappings and lists"


def _deep_path(data: object) -> tuple[str | int, ...]:
    """The path to the first value nested more than `_DEEPEST` levels deep in `data` (walked without recursion)."""
    waiting: list[tuple[object, tuple[str | int, ...]]] = [(data, ())]
    while waiting:
        value, path = waiting.pop()
        if len(path) > _DEEPEST:
            return path
        if isinstance(value, dict):
            waiting += [(item, (*path, str(key))) for key, item in reversed(value.items())]
        elif isinstance(value, list):
            waiting += [(item, (*path, index)) for index, item in reversed(list(enumerate(value)))]
    return ()


def _left_out(raw: dict[str, Any], default_article: str | None, passed_over: set[str]) -> None:
    """A record left out for an error reported here (a name that is not text…): its id, and the articles its
    evidence cites, go into `passed_over`, which becomes the file's `FileRecords.unread`: they are passed over
    where other records name them, as an unread file's are, and its articles' sentences it alone cites are
    not reported uncited.  (Added to a set, and to `unread` once: a frozenset made again for each of 49,000
    records left out took 31 s.)"""
    given_id = next((value for key, value in raw.items() if str(key).lower() == "id"), None)  # `ID:` too
    if isinstance(given_id, str):
        passed_over.add(_defined_id(given_id))
    for item in _items(raw.get("evidence")):
        article = item.get("article", default_article)
        if isinstance(article, str):
            passed_over.add(article)


_NAMED = re.compile(r"(?<![\w-])(?:id|article):[ \t]*[\"']?([a-z0-9][a-z0-9-]*)")


def _pass_over_named_ids(file: Path, kind: str, loaded: FileRecords) -> None:
    """Let what a file that YAML could not read names be passed over elsewhere (`_named_ids`)."""
    named = _named_ids(file, kind, loaded)
    loaded.unread = named if named is not None else frozenset()
    loaded.unknown = named is None


def _named_ids(file: Path, kind: str, loaded: FileRecords) -> frozenset[str] | None:
    """The ids a file that YAML could not read names (`FileRecords.unread`), found in its text as written, in
    whatever encoding it was saved; None when its text cannot be read either (no permission, too large…): what
    it defines is not known, and every id is then passed over (`Loaded.passed_over`), as for a folder that
    cannot be listed (an `entities.yaml` no one may read gave 569 messages, "unknown entity" all but one)."""
    try:
        text = read_text(file, loaded.root, loaded.limits.max_yaml_bytes, "the file", any_encoding=True)
    except (FileRefused, OSError):
        return None
    return frozenset(({file.stem} if kind == "article" else set()) | set(_NAMED.findall(text)))


_TOP_ARTICLE = re.compile(r"^article:[ \t]*([\"']?)([a-z0-9][a-z0-9-]*)\1[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)


def names_article_at_top(file: Path, article_id: str) -> bool:
    """Whether the facts file's top-level `article:` names `article_id` (found in its text: asked only of a
    file whose evidence names an unknown article, to report it where the mistake is)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return any(found.group(2) == article_id for found in _TOP_ARTICLE.finditer(text))


_ONE_LINE = "must be one line: write it on one line (a `|` or `>` block ends it with a line break)"


def _schema_problems(error: jsonschema.ValidationError, where: Where) -> list[Problem]:
    """Turn a JSON Schema error into curator-facing messages at the offending key or value."""
    at = where.at(*error.absolute_path)
    path = [str(part) for part in error.absolute_path]
    schema = error.schema if isinstance(error.schema, dict) else {}
    keyword = error.validator
    if str(schema.get("description", "")).startswith("a date"):
        if error.instance is None:  # `date: ~`, `date:` was taken for no date at all
            return [Problem(at, "an empty date: write it (YYYY, YYYY-MM or YYYY-MM-DD), or leave the field out")]
        # kg.dates explains malformed dates better, and a note that is not text; not a blank or invisible one.
        notes = [e for e in error.context or () if e.validator == "pattern" and e.absolute_path[-1] == "note"]
        return [problem for note in notes for problem in _schema_problems(note, where)]
    if path == ["published"] and keyword in ("pattern", "type"):  # the date printed, or the bounds with their note
        if keyword == "pattern":
            return []  # a malformed date: kg.dates explains it (`_date`)
        form = f"a date (YYYY, YYYY-MM or YYYY-MM-DD) or a mapping{_keys({**schema, 'type': 'object'})}"
        return [Problem(at, f"expected {form}, got {_type_name(type(error.instance).__name__)}")]
    if keyword == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        # A key may be a number or null as well as text (`2: x`): sorted as text, located by its text.
        unexpected = sorted(set(error.instance if isinstance(error.instance, dict) else ()) - set(allowed), key=str)
        in_article = not error.absolute_path and "claims" in allowed  # a facts file's top level
        if error.absolute_path and error.absolute_path[-1] == "lint":  # a mark's rule: not "unknown field"
            return [
                Problem(at.at(key if isinstance(key, str) else str(key), KEY), _lint_rule_refused(key, allowed))
                for key in unexpected
            ]
        return [
            Problem(
                at.at(key if isinstance(key, str) else str(key), KEY),
                f"unknown field '{visible(_yaml_spelling(key))}'"
                + (
                    f": `{key}:` belongs in the article's own file, sources/articles/<article id>.yaml"
                    if in_article and key in ARTICLE_FIELDS
                    else _of_the_other_kind(key, allowed) or _in_lower_case(str(key), allowed, error.instance)
                ),
            )
            for key in unexpected
        ]
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        allowed = list(schema.get("properties", {}))
        given = [str(key) for key in error.instance if key not in allowed] if isinstance(error.instance, dict) else []
        if any(key.lower() == missing or closest(key, allowed) == missing for key in given):
            return []  # there misspelled (`qoute:`) or in another case (`Subject:`): its "unknown field" says so
        hint = ": every claim and event needs at least one quote from an article" if missing == "evidence" else ""
        return [Problem(at, f"missing required field '{missing}'{hint}")]
    if keyword == "pattern" and schema.get("pattern") == VISIBLE_PATTERN:
        named = "name " if _field(error.absolute_path) in ("name", "aliases") else ""
        return [Problem(at, f"{named}{_short(error.instance)} {invisible_problem(str(error.instance))}")]
    if keyword == "anyOf" and path[-2:-1] == ["lint"]:  # a mark: its reason, or its fields' reasons
        inner = [e for e in error.context or () if e.validator != "type"]  # what the form of its own type lacks
        if inner:
            return [problem for e in inner for problem in _schema_problems(e, where)]
        return [Problem(at, f'a lint mark is its reason, or the fields it excuses with theirs: `{path[-1]}: "why …"`')]
    if keyword == "anyOf" and path[-3:-2] == ["lint"]:  # a field's mark: its reason, or its fillers' reasons
        inner = [e for e in error.context or () if e.validator != "type"]
        if inner:
            return [problem for e in inner for problem in _schema_problems(e, where)]
        shown = f'`{path[-1]}: "why …"`, or `{path[-1]}: {{filler: "why …"}}`'
        return [Problem(at, f"a lint mark of a field is its reason, or the fillers it excuses with theirs: {shown}")]
    if keyword == "minProperties" and path[-3:-2] == ["lint"]:
        return [Problem(at, f'a lint mark of fillers names at least one: `{path[-1]}: {{filler: "why …"}}`')]
    if keyword == "pattern" and path[-4:-3] == ["lint"]:
        return [
            Problem(
                at, f"a lint mark needs its reason: why does '{path[-3]}' not apply to '{path[-1]}' at '{path[-2]}'?"
            )
        ]
    if keyword == "minProperties" and path[-2:-1] == ["lint"]:
        return [Problem(at, f'a lint mark of fields names at least one: `{path[-1]}: {{partOf: "why …"}}`')]
    if keyword == "pattern" and path[-2:-1] == ["lint"]:
        return [Problem(at, f"a lint mark needs its reason: why does '{path[-1]}' not apply here?")]
    if keyword == "pattern" and path[-3:-2] == ["lint"]:
        return [Problem(at, f"a lint mark needs its reason: why does '{path[-2]}' not apply at '{path[-1]}'?")]
    if keyword == "maxLength" and isinstance(error.instance, str):  # a name's or an alias's
        return [
            Problem(
                at,
                f"name {_short(error.instance)} has {len(error.instance):,} characters: a name has "
                f"{MAX_NAME_CHARACTERS} at most (a description belongs in note:)",
            )
        ]
    if keyword == "minItems" and error.absolute_path and error.absolute_path[-1] == "evidence":
        return [Problem(at, "no evidence: every claim and event needs at least one quote from an article")]
    if keyword == "pattern" and schema.get("pattern") == TEXT_PATTERN:
        return [Problem(at, BLANK)]
    if keyword == "pattern" and schema.get("pattern") in (LINE_PATTERN, NAME_PATTERN):
        return _not_one_line(at, error.absolute_path, str(error.instance), name=schema["pattern"] == NAME_PATTERN)
    if keyword == "pattern" and schema.get("pattern", "").startswith("^[a-z0-9]"):
        shown = visible(str(error.instance))
        unseen = invisible_problem(str(error.instance))
        tab = tab_problem(str(error.instance))
        message = f"'{shown}' is not a valid id: " + (
            f"it {unseen}" if unseen else f"it {tab}: delete it" if tab else "use lowercase letters, digits and dashes"
        )
        if error.absolute_path and error.absolute_path[-1] == "object":  # `holdsPosition` takes text
            message += " (a relation to text takes it as 'value:')"
        elif error.absolute_path and error.absolute_path[-1] == "id" and not unseen and not tab:
            meant = _meant_definition(str(error.instance))  # the id it is defined by (`_defined_id`)
            message += f" — did you mean '{meant}'?" if meant is not None else ""
        return [Problem(at, message, hint=_meant_id(error.absolute_path, str(error.instance)))]
    if keyword == "uniqueItems" and isinstance(error.instance, list):  # an entity's or event's `aliases`
        items = error.instance
        again = next(index for index, item in enumerate(items) if item in items[:index])
        return [Problem(at.at(again), f"alias {_short(items[again])} is listed twice: list each name once")]
    if keyword == "type":
        expected = schema.get("type")
        message = f"expected {_type_name(expected)}{_keys(schema)}, got {_type_name(type(error.instance).__name__)}"
        if expected == "array" and isinstance(error.instance, str) and error.instance.strip():
            message += f": write [{error.instance}]"  # `via: sana`
        return [Problem(at, message)]
    if keyword == "oneOf" and {"required": ["headline"]} in schema.get("oneOf", []):
        if isinstance(error.instance, dict) and "headline" in error.instance:  # and a title: shown nowhere
            return [
                Problem(
                    at.at("title", KEY),
                    "a 'title' is for an article whose text prints no headline; this one has its 'headline': "
                    "delete the title",
                )
            ]
        return [Problem(at, "an article needs its 'headline' as printed, or a 'title' when the text prints none")]
    if keyword == "anyOf" and isinstance(error.instance, str) and not error.instance.strip():
        return [Problem(at, BLANK)]  # in a role or qualifier, which may take text
    if keyword == "anyOf" and isinstance(error.instance, str) and (unseen := invisible_problem(error.instance)):
        return [Problem(at, f"{_short(error.instance)} {unseen}")]
    if keyword == "anyOf":
        literal = LINE_TEXT in schema.get("anyOf", [])
        if literal and isinstance(error.instance, str):  # neither an id nor one line of text
            return _not_one_line(at, error.absolute_path, error.instance, name=False)
        expected = "an id, a list of ids, or text (in quotes)" if literal else "an id or a list of ids"
        return [Problem(at, f"unexpected value {_short(error.instance)}: expected {expected}")]
    return [Problem(at, error.message)]


def _lint_rule_refused(key: object, allowed: list[str]) -> str:
    """Why a mark's rule is refused: a rule of the other kind of record ("place-not-located" on an event: it
    lints entities), or no rule, with the closest one marked here."""
    if key in LINT_RULES:
        kind, other = (
            ("entities", "claims and events") if key in ENTITY_LINT_RULES else ("claims and events", "entities")
        )
        return f"lint rule '{key}' applies to {kind}, not to {other} (the rules marked here: {', '.join(allowed)})"
    shown = visible(_yaml_spelling(key))
    return f"unknown lint rule '{shown}'" + (
        did_you_mean(str(key), allowed) or f" (the rules marked here: {', '.join(allowed)})"
    )


def _not_one_line(at: Where, path: Iterable[str | int], value: str, name: bool) -> list[Problem]:
    """What keeps `value` from being one line of text (`LINE_PATTERN`; a name's `NAME_PATTERN`): it is blank,
    or holds a tab or a line break (or, a name, a space at an end).  A control character an escape wrote (NEL)
    is the reader's to report (`CONTROL`): one mistake, one message."""
    if CONTROL.search(value):
        return []
    if not value.strip():
        return [Problem(at, "blank name: write the name, or leave it out" if name else BLANK)]
    subject = f"name {_short(value)}" if name else f"the {_field(path)}"
    if tab := tab_problem(value):
        return [Problem(at, f"{subject} {tab}: write a space")]
    if name:
        return [Problem(at, f"{subject} must be one line, with no space at its start or end")]
    return [Problem(at, f"{subject} {_ONE_LINE}")]


def _field(path: Iterable[str | int]) -> str:
    """The field a value at `path` is written in ('aliases' for `aliases[2]`)."""
    return next((step for step in reversed(list(path)) if isinstance(step, str)), "text")


_NAMING = {"subject": "node", "object": "node", "via": "node", "said_to": "node", "outlet": "node", "author": "node"}
_NAMING |= {"conflicts_with": "record", "article": "article"}
"""The fields whose id names another record, and what it names (as `kg.checks.hints` looks through them)."""


def _meant_id(path: Iterable[str | int], written: str) -> Hint | None:
    """The hint of a malformed id in a field that names a record: the closest id to it written as ids are
    (`Bloomberg`, `New York Times`: 'bloomberg', 'new-york-times')."""
    kind = _NAMING.get(_field(path))
    return Hint(kind, id_form(written)) if kind is not None else None


def _yaml_spelling(key: object) -> str:
    """A key as YAML reads it back, not Python (`~:` is null, not 'None'; `yes:` is true)."""
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return str(key)


_CLAIM_FIELDS = frozenset({"subject", "predicate", "object", "value", "qualifiers"})
_EVENT_FIELDS = frozenset({"type", "name", "aliases", "roles"})


def _of_the_other_kind(key: object, allowed: list[str]) -> str:
    """The hint of an event's field given to a claim, or a claim's to an event (`qualifiers:` of an event said
    "unknown field" and no more)."""
    if "roles" in allowed and key in _CLAIM_FIELDS:
        return f": '{key}' is a claim's field, not an event's (an event names what it involves under roles:)"
    if "predicate" in allowed and key in _EVENT_FIELDS:
        return f": '{key}' is an event's field, not a claim's (a claim is subject, predicate and object or value)"
    return ""


def _in_lower_case(key: str, allowed: list[str], given: object) -> str:
    """The hint of an unknown field: its name in lower case, when that is a field (`ID:`, `Subject:`), or the
    closest field."""
    lower = key.lower()
    if lower not in allowed:
        return did_you_mean(key, allowed)
    if isinstance(given, dict) and lower in given:
        return f": '{lower}' is given already (field names are lower case)"
    return f" — did you mean '{lower}'?"


def _keys(schema: dict[str, Any]) -> str:
    """The keys a mapping of `schema` takes, as a message names them: ' (note:; optional: after:, before:)'.  A
    mapping given as text (`published: 2025-03-10`) was "expected a mapping, got text", which said nothing of what
    to write instead."""
    if schema.get("type") != "object" or not (keys := list(schema.get("properties", {}))):
        return ""
    required = ", ".join(f"{key}:" for key in keys if key in schema.get("required", []))
    optional = ", ".join(f"{key}:" for key in keys if key not in schema.get("required", []))
    return f" ({'; '.join(filter(None, [required, optional and f'optional: {optional}']))})"


def _type_name(name: object) -> str:
    names = {
        "string": "text",
        "str": "text",
        "array": "a list",
        "list": "a list",
        "object": "a mapping",
        "dict": "a mapping",
        "integer": "a whole number",
        "int": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "bool": "true or false",
        "NoneType": "nothing",
        "null": "nothing",
        # what YAML's tags make (`!!binary`, `!!set`, `!!omap`, `.inf`), said in YAML's words, not Python's
        "float": "a number with a fraction (or .inf, .nan)",
        "bytes": "binary data (!!binary)",
        "set": "a set (!!set)",
        "tuple": "ordered pairs (!!omap, !!pairs)",
    }
    if isinstance(name, list):
        return " or ".join(names.get(str(n), str(n)) for n in name)
    return names.get(str(name), str(name))


_SHORT = reprlib.Repr()  # keyword arguments need Python 3.12
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 4, 4, 40, 40


def _short(value: object) -> str:
    """A value in a message: a bounded preview, whatever the size or depth of the value; YAML's own words for
    what it read as true, false or nothing (`yes`, `off`, `~` are read so: quote them to mean the word)."""
    if isinstance(value, bool) or value is None:
        return {True: "true (yes, on)", False: "false (no, off)", None: "null (~)"}[value]
    text = _SHORT.repr(value)
    if isinstance(value, list | dict):  # in YAML's flow style, as written: [true, nobody], not [True, 'nobody']
        text = re.sub(r"'((?:[^'\\]|\\.)*)'|\bTrue\b|\bFalse\b|\bNone\b", _yaml_word, text)
    return text if len(text) < 60 else text[:57] + "…"


def _yaml_word(found: re.Match[str]) -> str:
    """A piece of a Python repr as YAML writes it: text unquoted, True/False/None as true/false/null."""
    return (
        found.group(1)
        if found.group(1) is not None
        else {"True": "true", "False": "false", "None": "null"}[found.group()]
    )


# --------------------------------------------------------------------------- articles


def _load_article_file(file: Path, loaded: FileRecords) -> None:
    data = _read(file, "article", loaded)
    if data is None:
        return
    where = Where(file)
    article_id = data.get("id")
    if not isinstance(article_id, str) or not is_id(article_id):
        loaded.unread |= {file.stem}  # the schema has said what is wrong with it; citations of the file pass
        return
    if article_id != file.stem:
        loaded.problems.append(
            Problem(where.at("id"), f"article id '{article_id}' must equal the file name '{file.stem}'")
        )
        loaded.unread |= {file.stem, article_id}  # cited by either name: the one mistake is said here
        return
    text_name = data.get("text")
    text = _article_text(file, text_name, where.at("text"), loaded) if isinstance(text_name, str) else ""
    raw_published = data.get("published")
    published: dict[str, Any] = raw_published if isinstance(raw_published, dict) else {}
    after = _date(published.get("after"), where, ("published", "after"), loaded)
    before = _date(published.get("before"), where, ("published", "before"), loaded)
    if isinstance(raw_published, str | int) and not isinstance(raw_published, bool):  # the date it prints
        after = before = _date(raw_published, where, ("published",), loaded)
    photos = tuple(
        Photo(p["id"], p["caption"], _str(p.get("credit")))
        for p in _items(data.get("photos"))
        if isinstance(p, dict) and isinstance(p.get("id"), str) and isinstance(p.get("caption"), str)
    )
    if len({photo.id for photo in photos}) < len(photos):  # one photo, two captions in the graph
        listed = [p.get("id") if isinstance(p, dict) else None for p in _items(data.get("photos"))]
        for index, photo_id in enumerate(listed):
            if isinstance(photo_id, str) and photo_id in listed[:index]:
                message = f"photo '{photo_id}' is listed already in this article: list each photo once"
                loaded.problems.append(Problem(where.at("photos", index, "id"), message))
    ignore = tuple(
        Ignored(item["quote"], str(item.get("reason", "")), where.at("ignore", index))
        for index, item in enumerate(_items(data.get("ignore")))
        if isinstance(item, dict) and isinstance(item.get("quote"), str)
    )
    raw_ignore = data.get("ignore")
    if raw_ignore is not None and (not isinstance(raw_ignore, list) or len(ignore) < len(raw_ignore)):
        loaded.unreadable_ignore = True
    article = Article(
        id=article_id,
        text_file=f"{ARTICLES_DIR}/{text_name}" if isinstance(text_name, str) else "",
        text=text,
        headline=_str(data.get("headline")),
        title=_str(data.get("title")),
        outlet=_str(data.get("outlet")),
        outlet_note=_str(data.get("outlet_note")),
        author=_str(data.get("author")),
        section=_str(data.get("section")),
        published_after=after,
        published_before=before,
        published_note=_str(published.get("note")),
        photos=photos,
        ignore=ignore,
        where=where,
    )
    loaded.articles.append(article)


def _article_text(file: Path, text_name: str, where: Where, loaded: FileRecords) -> str:
    """The article's text: a file next to its YAML, inside the sources, plain prose; '' after a problem.

    Problems in the text itself (a byte that is not UTF-8, a control character) are located in the
    text file; problems with the name or the file as a whole at the `text:` field.
    """
    what = f"article text '{text_name}'"
    if not is_text(text_name):  # blank, or holding what no one sees: said by the schema
        return ""
    if Path(text_name).name != text_name or text_name in (".", ".."):
        loaded.problems.append(Problem(where, f"{what} must be a file name next to {file.name}, with no folder"))
        return ""
    if not text_name.endswith(".txt"):  # `text: x.yaml` made each line of YAML a sentence to account for
        loaded.problems.append(Problem(where, f"{what} must be a .txt file: the article's plain text"))
        return ""
    text_path = loaded.text_file = file.parent / text_name
    try:
        text = read_text(text_path, loaded.root, loaded.limits.max_text_bytes, what, prose=True)
        if not text.strip():  # '': nothing is then looked for in it (each quote would repeat the error)
            loaded.problems.append(Problem(where, f"{what} is empty: it holds no sentence to cite"))
            return ""
        return text
    except FileNotFoundError:
        loaded.problems.append(Problem(where, f"{what} not found next to {file.name}"))
    except FileRefused as refused:
        if refused.line > 1 or refused.column > 1:
            loaded.problems.append(Problem(Where(text_path), refused.message, refused.line, refused.column))
        else:
            loaded.problems.append(Problem(where, refused.message))
    except OSError as error:
        loaded.problems.append(Problem(where, f"cannot read {what}: {error.strerror or error}"))
    return ""


# --------------------------------------------------------------------------- facts


def _load_facts_file(file: Path, loaded: FileRecords) -> None:
    data = _read(file, "facts", loaded)
    if data is None:
        return
    where = Where(file)
    default_article, given = _file_article(data)
    loaded.default_article = default_article
    passed_over: set[str] = set()  # of the records left out (`_left_out`)
    for index, raw in enumerate(_items(data.get("entities"))):
        entity_where = where.at("entities", index)
        if not _has_name(raw):
            _left_out(raw, default_article, passed_over)
            continue
        entity = Entity(
            _defined_id(raw["id"]),
            sys.intern(raw["type"]),
            raw["name"],
            _strs(raw.get("aliases")),
            _str(raw.get("note")),
            entity_where,
            lint=_lint(raw.get("lint")),
        )
        loaded.entities.append(entity)
    for index, raw in enumerate(_items(data.get("events"))):
        event_where = where.at("events", index)
        if not _has_name(raw):
            _left_out(raw, default_article, passed_over)
            continue
        roles = _roles(raw.get("roles"))
        event = Event(
            id=_defined_id(raw["id"]),
            type=sys.intern(raw["type"]),
            name=raw["name"],
            aliases=_strs(raw.get("aliases")),
            date=_date(raw.get("date"), event_where, ("date",), loaded),
            start=_date(raw.get("start"), event_where, ("start",), loaded),
            end=_date(raw.get("end"), event_where, ("end",), loaded),
            roles=roles,
            evidence=_evidence(raw.get("evidence"), default_article, event_where, loaded, article_given=given),
            conflicts_with=_refs(raw.get("conflicts_with")),
            note=_str(raw.get("note")),
            where=event_where,
            lint=_lint(raw.get("lint")),
        )
        loaded.events.append(event)
    for index, raw in enumerate(_items(data.get("claims"))):
        claim_where = where.at("claims", index)
        if not _has_str(raw, "subject", "predicate") or not _ids(raw.get("subject"), raw.get("object")):
            _left_out(raw, default_article, passed_over)  # `subject: Russia`: "not a valid id", not also "unknown"
            continue
        if ("object" in raw) == ("value" in raw):
            loaded.problems.append(Problem(claim_where, _OBJECT_OR_VALUE["object" in raw]))
        obj = _ref(raw.get("object"))
        value, value_kind = yaml_literal(raw.get("value")) or (None, "text")  # a list…: reported by the schema
        given_id = raw.get("id")
        claim_id = (
            _defined_id(given_id)
            if isinstance(given_id, str)
            else f"{raw['subject']}.{raw['predicate']}.{obj if obj is not None else _slug(value or '')}"
        )
        claim = Claim(
            id=claim_id,
            subject=sys.intern(raw["subject"]),
            predicate=sys.intern(raw["predicate"]),
            object=obj,
            value=value,
            date=_date(raw.get("date"), claim_where, ("date",), loaded),
            start=_date(raw.get("start"), claim_where, ("start",), loaded),
            end=_date(raw.get("end"), claim_where, ("end",), loaded),
            qualifiers=_roles(raw.get("qualifiers")),
            evidence=_evidence(raw.get("evidence"), default_article, claim_where, loaded, article_given=given),
            conflicts_with=_refs(raw.get("conflicts_with")),
            note=_str(raw.get("note")),
            where=claim_where,
            lint=_lint(raw.get("lint")),
            value_kind=value_kind,
        )
        loaded.claims.append(claim)
    loaded.unread |= passed_over


_OBJECT_OR_VALUE = {
    True: "a claim needs exactly one of 'object' (an id) or 'value' (a literal), not both",
    False: "a claim needs an 'object' (an id) or a 'value' (a literal)",
}


def _defined_id(written: str) -> str:
    """The id a record is defined by: as written, or, where the schema refuses it, the id it was evidently meant
    to have (`_meant_definition`), by which the records that name it find it.  A zero-width space in
    `tartus-naval-base` was one message at its definition, then 17 "unknown entity 'tartus-naval-base'" where it
    was named (each hinting at the id with the space); so were `Tartus-naval-base`, `tartus_naval_base`, an en
    dash or a space at its end."""
    if is_id(written):
        return written
    return _meant_definition(written) or written


def _meant_definition(written: str) -> str | None:
    """The well-formed id a malformed one written where a record is defined stands for: its words as ids are
    written (`id_form`), once any invisible character is taken out; None if that is no id either."""
    meant = id_form(without_invisibles(written))
    return meant if is_id(meant) else None


def _register(loaded: Loaded, record: Entity | Event, table: dict[str, Any]) -> None:
    """Entities and events share one id space: claims and roles may point at either."""
    model = loaded.model
    existing = model.entities.get(record.id) or model.events.get(record.id)
    if existing is not None:
        problem = Problem(record.where.at("id"), f"duplicate id '{record.id}'", related=existing.where)
        loaded.problems.append(problem)
        return
    table[record.id] = record


def _file_article(data: dict[str, Any]) -> tuple[str | None, bool]:
    """The article of a facts file's evidence by default, and whether the file gives one at all.  A key meant as
    `article:` gives it too (`Article:`, `artcle:`: an unknown field), and so does the one id of a list
    (`article: [x]`: not text): the schema says what is wrong there, once; each evidence item was also said to
    name no article, and each sentence it cites to be uncited (60 messages for a real file)."""
    keys = ["article"] if "article" in data else [key for key in data if isinstance(key, str) and _meant_article(key)]
    if not keys:
        return None, False
    value = data[keys[0]]
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return _ref(value), True


def _meant_article(key: str) -> bool:
    """Whether an unknown key of a facts file's top level is `article` written otherwise (as its message says)."""
    return key.lower() == "article" or closest(key, list(structure_schema("facts")["properties"])) == "article"


def _evidence(
    raw: Any, default_article: str | None, record: Where, loaded: FileRecords, *, article_given: bool
) -> tuple[Evidence, ...]:
    """The evidence items of the record at `record`, each knowing its place there (`Evidence.where`).  An item
    with no article of its own is left out when the file's `article:` is not usable (`article_given`: the
    schema says why, once), and said to name none when the file has none."""
    result = []
    for index, item in enumerate(_items(raw)):
        article = _ref(item.get("article")) or default_article
        if not isinstance(item.get("quote"), str):  # the schema says so; the sentence it cites would read uncited
            loaded.unread |= {article} if article is not None else set()
            continue
        if article is None:
            if not article_given:
                where = record.at("evidence", index)
                loaded.problems.append(Problem(where, "evidence names no article, and the file has no 'article:'"))
            continue
        if item.get("via", []) == []:  # the outlet's own voice (a `via` that is no list: the schema says so)
            loaded.problems += _no_speaker(item, record.at("evidence", index))
        modality = item.get("modality", DEFAULT_MODALITY)
        result.append(
            Evidence(
                article=article,
                quote=item["quote"],
                via=_refs(item.get("via")),
                said_to=_ref(item.get("said_to")),
                modality=sys.intern(modality) if isinstance(modality, str) else DEFAULT_MODALITY,
                direct_speech=item.get("direct_speech") is True,
                owner=record,
                index=index,
            )
        )
    return tuple(result)


def _no_speaker(item: dict[str, Any], where: Where) -> list[Problem]:
    """Direct speech, and words said to someone, are a source's, named last in `via`: with none, the words are the
    outlet's own, which it prints for its readers.  (`kgo:saidTo` on such evidence said "said to" whom, by
    nobody.)"""
    problems = []
    if item.get("direct_speech") is True:
        message = "direct speech needs a speaker: name them in 'via' (the outlet's own words are no direct speech)"
        problems.append(Problem(where.at("direct_speech"), message))
    said_to = item.get("said_to")
    if isinstance(said_to, str) and is_id(said_to):  # else the schema said what is wrong with it
        message = (
            f"said to '{said_to}' by no one: name who said it in 'via' (the outlet's own words are said to its readers)"
        )
        problems.append(Problem(where.at("said_to"), message))
    return problems


def _lint(raw: Any) -> tuple[tuple[str, str, str], ...]:
    """`lint: {rule: reason}`, `lint: {rule: {field: reason}}` and `lint: {rule: {field: {filler: reason}}}` as
    (rule, reason, field) triples, the field "" for a mark of the whole record, "field filler" for a filler's; a
    reason that is not text, or empty, is left out (the schema reports it): a mark without a reason spares nothing."""
    if not isinstance(raw, dict):
        return ()
    marks = []
    for rule, value in raw.items():
        pairs = value.items() if isinstance(value, dict) else (("", value),)
        name = sys.intern(str(rule))
        for place, reason in pairs:
            if isinstance(reason, dict):  # `{about: {russia: why}}`: each filler of the field with its reason
                marks += [(name, why, f"{place} {filler}") for filler, why in reason.items() if _why(why)]
            elif _why(reason):
                marks.append((name, reason, str(place)))
    return tuple(marks)


def _why(reason: Any) -> bool:
    """Whether a mark's reason is one: text, not empty."""
    return isinstance(reason, str) and bool(reason)


def _roles(raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(raw, dict):
        return ()
    roles = []
    for key, value in raw.items():  # values other than text are reported by the schema (`agent: yes` is True)
        if isinstance(value, list):  # with one that is not text, the role is left out: its places would shift
            if not all(isinstance(v, str) for v in value):
                continue
            values = tuple(sys.intern(v) for v in value)
        elif isinstance(value, str) and is_text(value):  # blank, invisible: the schema says so, not "unknown entity"
            values = (sys.intern(value),)
        else:
            continue
        roles.append((sys.intern(str(key)), values))
    return tuple(roles)


def _date(raw: Any, record: Where, key: tuple[str, ...], loaded: FileRecords) -> Date | None:
    """The date at `key` of the record at `record`, if any (its Where made only for a problem: most
    records have no date, or a good one)."""
    if raw is None:
        return None
    try:
        return parse_date(raw)
    except DateError as error:
        loaded.problems.append(Problem(record.at(*key, *error.path), str(error)))
        return None


def _items(raw: Any) -> list[dict[str, Any]]:
    return [item if isinstance(item, dict) else {} for item in raw] if isinstance(raw, list) else []


def _has_name(raw: dict[str, Any]) -> bool:
    """Whether an entity or event has the id, type and name it is kept by (a name one line, no space at an end)."""
    return _has_str(raw, "id", "type", "name") and is_name(raw["name"])


def _has_str(raw: dict[str, Any], *keys: str) -> bool:
    return all(isinstance(raw.get(key), str) for key in keys)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _ids(*values: Any) -> bool:
    """Whether each of `values` that is text is a well-formed id (the schema reports those that are not)."""
    return all(is_id(value) for value in values if isinstance(value, str))


def _ref(value: Any) -> str | None:
    """An id or a name from the ontology, as the one string object this process holds for its value
    (interned): such names repeat in thousands of records, and are then held once, and pickled once per
    file.  At 100,000 synthetic facts, 774,624 strings held 151,732 values (38 MB of copies)."""
    return sys.intern(value) if isinstance(value, str) else None


def _refs(value: Any) -> tuple[str, ...]:
    """The ids of a list (`via`, `conflicts_with`); one id alone where the list belongs is the schema's to report
    ("expected a list"), not also checked as an id."""
    return tuple(sys.intern(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _slug(text: str) -> str:
    """A value as a default claim id writes it: composed first (NFC), so that an editor that decomposes accents
    ("café" as "cafe" and a combining accent) does not change the claim's id, and its IRI."""
    return id_form(unicodedata.normalize("NFC", text))[:60] or "value"
