"""`kg new article`: copy a captured article into the sources and scaffold its YAML.

It writes three files, and refuses to overwrite any; all three are composed first, then put in place together
(`kg.curation.placing`), so that a failure or a Ctrl-C leaves none of them:
- `sources/articles/<id>.txt`: the text, byte for byte (a text there already is scaffolded where it is, its
  name the id);
- `sources/articles/<id>.yaml`: the article with what `kg.curation.furniture` recognised (headline,
  section, byline, photos) and the obvious boilerplate under `ignore:` with a suggested reason;
- `sources/facts/<id>.yaml`: every sentence of the text in order, each still to decide as a commented
  `# quote:` with the known entities it names, the others listed with how they are accounted for; then the
  names the text prints that no entity or event has (`kg.curation.new_names`), each with a commented stub.

The sentence accounting is the validator's own (`kg.checks.coverage`), so `kg validate` then reports
exactly the sentences still to decide, as "to do" errors located in the text.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from kg.checks.coverage import Accounted, account_article, quotes_by_article
from kg.checks.names import NameFinder, same_name
from kg.curation.authoring import CurationError, slug, sources_model, yaml_quoted, yaml_word
from kg.curation.entity import ENTITIES_FILE, entry_lines, entry_record
from kg.curation.furniture import Furniture, find_furniture
from kg.curation.new_names import NewName, new_names
from kg.curation.placing import put_in_place
from kg.limits import DEFAULT_LIMITS
from kg.model import Article, Entity, Ignored, Model, Photo
from kg.ontology import Ontology, load_ontology
from kg.sources.reading import FileRefused, as_read, decode, read_bounded, refuse_controls
from kg.sources.records import ARTICLES_DIR
from kg.sources.schema import is_id
from kg.vocab import K


@dataclass(frozen=True)
class Scaffold:
    text: Path
    article: Path
    facts: Path
    to_decide: int  # sentences listed as `# quote:` to cite or ignore
    next_steps: tuple[str, ...] = ()  # commands the article's YAML needs run (its photos' and author's entities)
    new_names: tuple[NewName, ...] = ()  # names no entity or event has, listed with a stub in the facts file
    more_names: bool = False  # the text has more such names than are listed
    copied: bool = True  # whether the text was copied (else it was in `articles/` already)

    def names_summary(self) -> str:
        """The new names in one line, the first `NAMES_SHOWN` of them with the line that first prints each."""
        more = self.more_names
        count = f"{len(self.new_names)}{'+' if more else ''} name{'' if len(self.new_names) == 1 and not more else 's'}"
        shown = ", ".join(f"{name.name} (line {name.line})" for name in self.new_names[:NAMES_SHOWN])
        rest = ", …" if len(self.new_names) > NAMES_SHOWN or more else ""
        return f"{count} no entity or event has (listed with a stub each in {self.facts}): {shown}{rest}"


NAMES_SHOWN = 5
"""The new names `kg new article` prints; the facts file lists them all, each with a stub."""


MAX_ID_LENGTH = 120
"""An article id names its files (`<id>.yaml`, `<id>.txt`); file systems take 255 bytes a name."""


def new_article(text_file: Path, sources: Path, ontology_dir: Path, article_id: str | None = None) -> Scaffold:
    """Copy `text_file` into `sources` and write its article and facts scaffolds (see the module docstring)."""
    if text_file.suffix.lower() in (".yaml", ".yml"):  # `kg new article sources/entities.yaml` made an article of it
        raise CurationError(f"{text_file} is a YAML file: give the article's text, as it was printed")
    articles = sources / ARTICLES_DIR
    # A text put in articles/ already is scaffolded where it is, its name the id ("exists already: choose another
    # --id, or remove it" named the text itself).
    in_place = text_file.suffix == ".txt" and text_file.parent.resolve() == articles.resolve()
    if in_place and article_id not in (None, text_file.stem):
        raise CurationError(
            f"{text_file} is in {articles}/ already, where its name is its article's id: leave --id out, or rename "
            f"the text {article_id}.txt"
        )
    try:
        data = read_bounded(text_file, DEFAULT_LIMITS.max_text_bytes, "the text", "the build would refuse it")
    except FileRefused as refused:  # a FIFO, /dev/zero, too large
        raise CurationError(f"{text_file}: {refused.message}") from None
    except OSError as error:  # not there, not readable: told as the command's other refusals are, with their exit
        raise CurationError(f"{text_file}: {error.strerror or error}") from None
    try:  # the build would refuse the copy: refused before anything is written, where the build locates it
        printed = decode(data, "the text")
        refuse_controls(printed, "the text")
    except FileRefused as refused:
        raise CurationError(f"{text_file}:{refused.line}:{refused.column}: {refused.message}") from None
    text = as_read(printed, prose=True)  # what the build will read of the copy: a BOM's headline was not found in it
    if not text.strip():
        raise CurationError(f"{text_file}: the text is empty: there is nothing to scaffold")
    furniture = find_furniture(text)
    if in_place:
        article_id = text_file.stem
    elif article_id is None:
        article_id = slug(furniture.headline or "", default="") or slug(text_file.stem, default="")
        if not article_id:  # "article" for every such text: the second clashed
            raise CurationError(
                f"{text_file}: neither the headline nor the file's name has a Latin letter or digit to make an "
                "id of: give one with --id"
            )
    if not is_id(article_id):
        own = f" (the name of {text_file}: rename the text)" if in_place else ""
        raise CurationError(f"'{article_id}' is not an id{own}: use lowercase letters, digits and dashes")
    if len(article_id) > MAX_ID_LENGTH:  # it names three files: "File name too long" once two were written
        raise CurationError(f"the id is {len(article_id)} characters long: an article id has {MAX_ID_LENGTH} at most")
    model = sources_model(sources)
    if article_id in model.articles:
        raise CurationError(f"article '{article_id}' exists already ({model.articles[article_id].where.file})")
    if in_place and (owner := _article_of_text(model, text_file)) is not None:  # two articles of one text
        raise CurationError(f"{text_file} is the text of article '{owner.id}' already ({owner.where.file})")
    if (owner := _article_printing(model, text)) is not None:  # scaffolded again under another id: one text twice
        raise CurationError(
            f"{text_file} prints what article '{owner.id}' prints already ({owner.text_path}): one article, twice"
        )
    if (entity := model.entities.get(article_id)) is not None:  # kg validate refuses it: an id names one record
        advice = "rename the text" if in_place else "choose another --id"
        raise CurationError(f"'{article_id}' is an entity's id already ({entity.where.file}): {advice}")
    paths = Scaffold(
        articles / f"{article_id}.txt", articles / f"{article_id}.yaml", sources / "facts" / f"{article_id}.yaml", 0
    )
    for path in (paths.article, paths.facts) if in_place else (paths.text, paths.article, paths.facts):
        if path.exists():
            raise CurationError(f"{path} exists already: choose another --id, or remove it")
    ontology = load_ontology(ontology_dir)
    author = _entity_named(model, furniture.author, ontology, K.Person) if furniture.author else None
    known_photos = _known_photos(model, [caption for caption, _ in furniture.photos], ontology)
    photo_ids = [
        known.id if known is not None else _photo_id(article_id, number) for number, known in enumerate(known_photos, 1)
    ]
    article = Article(
        article_id,
        paths.text.name,
        text,
        headline=furniture.headline,
        section=furniture.section,
        author=author.id if author else None,
        photos=tuple(Photo(photo_ids[n], caption, credit) for n, (caption, credit) in enumerate(furniture.photos)),
        ignore=tuple(Ignored(quote, reason) for quote, reason in furniture.boilerplate.items()),
    )
    with_author = Model(entities={author.id: author} if author else {})
    # Evidence elsewhere may cite this article already (an article taken out and added again).
    accounted = account_article(article, with_author, quotes_by_article(model).get(article_id, []))
    finder = NameFinder((e.id, name) for e in model.entities.values() for name in e.names)
    furniture_text = "\n".join(furniture.boilerplate)  # an outlet named in a bio or a plea is the likeliest
    named_anywhere = _first_mentions(finder, furniture_text + "\n" + text)
    outlets = [model.entities[i] for i in named_anywhere if ontology.is_a(model.entities[i].type, K.NewsOrganization)]

    known_ids = {known.id for known in known_photos if known is not None}
    article_yaml = _article_yaml(article, furniture, outlets, known_ids)
    lines = [
        "# yaml-language-server: $schema=../../ontology/facts.schema.json",
        f"# Facts of {article.label!r} (articles/{paths.text.name}), scaffolded by `kg new article`.",
        "# Every sentence of the text is listed below, in order.  Decide each `# quote:`: cite the words that",
        "# state a fact as evidence of an event or claim (verbatim), or add the sentence to the `ignore:` list",
        f"# of articles/{paths.article.name} with a reason.  `kg validate` lists every sentence still to decide.",
        f"article: {yaml_word(article_id)}",
        "",
    ]
    to_decide = 0
    for item in accounted:
        sentence = item.sentence
        where = f"# line {sentence.line}, column {sentence.column}"
        if item.status == "unaccounted":
            to_decide += 1
            lines.append(f"{where}: to decide")
            lines.append(f"# quote: {yaml_quoted(sentence.text)}")
            named = [f"{i} ({name})" for i, name in _first_mentions(finder, sentence.text).items()]
            if named:
                lines.append(f"#   mentions: {', '.join(named)}")
        else:
            lines.append(f"{where}: {item.status} ({yaml_quoted(item.detail)[1:-1]}): {yaml_quoted(sentence.text)}")
    found, more = _unknown_names(model, article, accounted, furniture.author)
    lines += _new_names_block(found, more, ontology)
    lines += ["", "events: []", "", "claims: []", ""]
    scaffolds = [(paths.article, article_yaml.encode()), (paths.facts, "\n".join(lines).encode())]
    put_in_place(scaffolds if in_place else [(paths.text, data), *scaffolds])  # the text byte for byte, as read
    steps = []
    for number, (photo, known) in enumerate(zip(article.photos, known_photos, strict=True), 1):
        new_photo = (
            f"kg new entity {_photo_id(article_id, number)} --type Photograph --name {_photo_name(photo.caption)}"
        )
        if known is None:
            if _photo_id(article_id, number) not in model.entities:  # else left from the article taken out
                steps.append(new_photo)
        else:
            steps.append(
                f"check that photo {number} is {known.id} ({known.name!r}, {known.where.file}): its name matches the "
                f"caption; if it is another photo, `{new_photo}` and use that id in {paths.article.name}"
            )
    if furniture.author and author is None:
        person = slug(furniture.author, 4)
        uncomment = f"then uncomment `author: {yaml_word(person)}` in {paths.article.name}"
        steps.append(f"{_new_person(furniture.author)}  ({uncomment})")
    return Scaffold(paths.text, paths.article, paths.facts, to_decide, tuple(steps), tuple(found), more, not in_place)


def _unknown_names(
    model: Model, article: Article, accounted: list[Accounted], author: str | None
) -> tuple[list[NewName], bool]:
    """The names of the article no entity or event has (`new_names`), the byline's aside (it has its step)."""
    passages = [item.sentence for item in accounted if _may_name(item)]
    known = [name for node in model.nodes() for name in node.names]
    finder = NameFinder((node.id, name) for node in model.nodes() for name in node.names)
    taken = {*model.entities, *model.events, *model.articles, *(photo.id for photo in article.photos)}
    if author:
        known.append(author)
        taken.add(slug(author, 4))
    return new_names(article.text, passages, finder, known, taken)


def _may_name(item: Accounted) -> bool:
    """Whether a sentence may print a name the facts need: not page furniture (ignored), the section or the
    byline (the author has its own step)."""
    return item.status != "ignored" and not (item.status == "metadata" and item.detail in ("section", "author byline"))


def _new_names_block(found: list[NewName], more: bool, ontology: Ontology) -> list[str]:
    """The facts file's commented list of the names no entity or event has, each with a stub to uncomment."""
    if not found:
        return []
    lines = [
        "",
        f"# ---- New names: {len(found)}{' (the first ones; the text has more)' if more else ''} ----",
        "# Names the text prints that no entity or event has (as its name or an alias), each at the line that",
        "# first prints it.  For each one the facts need, uncomment its stub into the `entities:` of",
        f"# {ENTITIES_FILE} (or run `kg new entity`), checking the type it guessed; a new spelling of a known",
        "# entity's name goes into that entity's `aliases:`; an event is written under `events:`, with evidence.",
    ]
    for name in found:
        lines.append(f"# line {name.line}: {yaml_quoted(name.name)}")
        entry = entry_lines(entry_record(name.id, name.type, name.name))
        guess = f"guessed from {yaml_quoted(name.cue)}" if name.cue else "guessed"
        event = " (an event: under `events:`, with evidence)" if name.type in ontology.event_classes else ""
        entry[1] += f"  # {guess}: check{event}"
        lines += [f"#   {line}" for line in entry]
    return lines


def _new_person(name: str) -> str:
    """The command that adds the byline's person, safe to paste into a shell whatever the name holds.  A byline in
    capitals (wire reports print "By LEENA HADDAD") is named as a name is written: the byline matches any case."""
    written = name.title() if name.isupper() else name
    return f"kg new entity {slug(name, 4)} --type Person --name {shlex.quote(written)}"


_TRAILING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
_WORD = re.compile(r"\w{4,}")  # the words that tell one caption from another ("at", "the" do not)


_PHOTO_LABEL = re.compile(r"photo\s*:\s*", re.IGNORECASE)
"""A caption's own label, as some pages print it ("Photo: …"): the name has it once."""


def _photo_name(caption: str, words: int = 8) -> str:
    """A photo's name for the shell: 'Photo: ' and the caption's first words, ending on one that means
    something ("holds a speech", not "holds a speech at…"), without the trailing punctuation."""
    label = _PHOTO_LABEL.match(caption)
    parts = (caption[label.end() :] if label else caption).split()[:words] or caption.split()[:words]
    while len(parts) > 1 and parts[-1].strip(",.;:").lower() in _TRAILING:
        parts.pop()
    return shlex.quote("Photo: " + " ".join(parts).rstrip(",.;:"))


def _known_photos(model: Model, captions: list[str], ontology: Ontology) -> list[Entity | None]:
    """For each caption, the Photograph entity whose name it matches (at least 3 of the name's words of four
    letters or more, and 3 in 4 of them), each entity for one caption at most: the same photo, in an article
    taken out and added again, or run by another outlet too."""
    photos = [entity for entity in model.entities.values() if ontology.is_a(entity.type, K.Photograph)]
    taken: set[str] = set()
    found: list[Entity | None] = []
    for caption in captions:
        said = {word.casefold() for word in _WORD.findall(caption)}
        best: tuple[float, Entity] | None = None
        for photo in photos:
            named = {word.casefold() for word in _WORD.findall(photo.name)} - {"photo"}
            shared = len(named & said)
            if photo.id in taken or shared < 3 or shared < 0.75 * len(named):
                continue
            if best is None or shared / len(named) > best[0]:
                best = (shared / len(named), photo)
        found.append(best[1] if best is not None else None)
        if best is not None:
            taken.add(best[1].id)
    return found


def _photo_id(article_id: str, number: int) -> str:
    return f"photo-{article_id}" + (f"-{number}" if number > 1 else "")


def _first_mentions(finder: NameFinder, text: str) -> dict[str, str]:
    """Entity id → the name `text` first calls it by, in order of first mention."""
    first: dict[str, str] = {}
    for found in finder.spans(text):
        first.setdefault(found.owner, found.printed)
    return first


def _article_of_text(model: Model, text_file: Path) -> Article | None:
    """The article whose text is `text_file`, if one is."""
    same = text_file.resolve()
    return next((article for article in model.articles.values() if article.text_path.resolve() == same), None)


def _article_printing(model: Model, text: str) -> Article | None:
    """The article whose text is `text` as the build reads it, spacing at its ends aside, if one is."""
    printed = text.strip()
    return next((article for article in model.articles.values() if article.text.strip() == printed), None)


def _entity_named(model: Model, name: str, ontology: Ontology, cls: str) -> Entity | None:
    """The entity of class `cls` (or a subclass) with `name` as its name or an alias (as a reader reads it)."""
    for entity in model.entities.values():
        if any(same_name(name, known) for known in entity.names) and ontology.is_a(entity.type, cls):
            return entity
    return None


def _article_yaml(article: Article, furniture: Furniture, outlets: list[Entity], known_photos: set[str]) -> str:
    quoted = yaml_quoted
    lines = [
        "# yaml-language-server: $schema=../../ontology/article.schema.json",
        "# Scaffolded by `kg new article`: check every detected field against the text.",
        f"id: {yaml_word(article.id)}",
        f"text: {article.text_file}",
    ]
    if outlets:
        names = ", ".join(f"{e.id} ({e.name})" for e in outlets)
        lines.append(f"# outlet: {yaml_word(outlets[0].id)}  # the text names {names}: set the outlet it ran in")
    else:
        lines.append("# outlet: <news organisation id>  # the outlet the article ran in, if the text shows it")
    if article.headline:
        lines.append(f"headline: {quoted(article.headline)}")
    else:
        lines.append('# title: "…"  # the text prints no headline: describe the article (or set headline:)')
    if article.author:
        lines.append(f"author: {yaml_word(article.author)}")
    elif furniture.author:
        person, byline = yaml_word(slug(furniture.author, 4)), furniture.author
        lines.append(f"# author: {person}  # byline {quoted(byline)}: first `{_new_person(byline)}`")
    if article.section:
        lines.append(f"section: {quoted(article.section)}")
    if furniture.published:
        lines.append(f"published: {furniture.published}  # printed: {quoted(furniture.timestamp or '')}")
    else:
        lines += [
            "# published:  # the date the text prints (published: 2025-03-11), else bounds it supports, and why:",
            "#   after: …",
            "#   before: …",
            "#   note: …",
        ]
    if article.photos:
        lines.append("photos:  # each id is a Photograph entity: `kg new entity ID --type Photograph --name …`")
        for photo in article.photos:
            known = (
                "  # an existing Photograph whose name the caption matches: check it"
                if photo.id in known_photos
                else ""
            )
            lines += [f"  - id: {yaml_word(photo.id)}{known}", f"    caption: {quoted(photo.caption)}"]
            if photo.credit:
                lines.append(f"    credit: {quoted(photo.credit)}")
    if article.ignore:
        lines.append("ignore:  # suggested: obvious page furniture; keep what is right, cite what is not")
        for item in article.ignore:
            lines += [f"  - quote: {quoted(item.quote)}", f"    reason: {quoted(item.reason)}"]
    return "\n".join(lines) + "\n"
