"""The bad-input catalogue: small files dropped into a copy of the real corpus, and how `kg build` must answer.

Each case writes its files into one *place* a source can live: `sources/` itself, `sources/facts/`, or
`sources/articles/` (an article file, with its `.txt`).  The same catalogue drives the test suite
(`tests/test_bad_input.py`) and the report a person can run (`python -m tests.tools.bad_input_report`).
A case names what `kg build` must print: one located message per problem (`path:line:col: …`), each
matching one of its patterns, or nothing at all for input that is valid.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.limits import MAX_ERRORS_SHOWN

from .tools.measure import Measured, run_measured

ROOT = Path(__file__).resolve().parent.parent
PLACES = ("sources", "facts", "articles")
FACT_PLACES = ("sources", "facts")
ERROR_LINE = r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$"
FIFTY_MB = 50 * 1024 * 1024
MARKER = Path("/tmp/kg-bad-input-was-executed")  # a YAML tag must never get to create this

# A real article of the corpus, and a sentence of it, for evidence in new fact files.
ARTICLE = "kp-abu-qasra-russian-bases"
QUOTE = "Abu Qasra responded when asked whether Russian bases would remain"

Make = Callable[[Path, str], None]


@dataclass(frozen=True)
class Case:
    """One bad (or valid) input: `make(sources, place)` writes it; `expect` has one pattern per error."""

    name: str
    kind: str
    make: Make
    expect: tuple[str, ...]
    places: tuple[str, ...] = PLACES
    seconds: float = 20.0
    errors: int = 10_000  # of a "volume" case: how many it makes

    @property
    def valid(self) -> bool:
        return not self.expect


def source_file(sources: Path, place: str, name: str = "x.yaml") -> Path:
    folder = {"sources": sources, "facts": sources / "facts", "articles": sources / "articles"}[place]
    return folder / name


def write(path: Path, data: str | bytes) -> None:
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)


# ------------------------------------------------------------------ valid templates, to break one thing at a time

ARTICLE_TEXT = "A short test article.\nIt has two sentences.\n"


def article_yaml(**fields: str) -> str:
    """A valid article file `x.yaml` for `x.txt` (ARTICLE_TEXT), with `fields` replacing or adding lines."""
    lines = {
        "id": "x",
        "text": "x.txt",
        "title": "A test article",
        "outlet": "kyiv-post",
        "ignore": "".join(f'\n  - {{quote: "{sentence}", reason: test}}' for sentence in ARTICLE_TEXT.splitlines()),
    }
    lines.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in lines.items() if value is not None)


def evidence_via(chain: str) -> str:
    """`facts_yaml()` with the event's evidence citing the attribution chain `chain` (`[reuters]`)."""
    quoted = f'      - quote: "{QUOTE}"\n'
    return facts_yaml().replace(f"{quoted}claims:", f"{quoted}        via: {chain}\nclaims:")


def facts_yaml(claim: str = "", event: str = "", entity: str = "", top: str = "") -> str:
    """A valid facts file about the real article, with lines added to its claim, event or entity."""
    return f"""article: {ARTICLE}
{top}entities:
  - id: test-person
    type: Person
    name: Test Person
{entity}events:
  - id: test-event
    type: Statement
    name: A test statement
    roles:
      agent: russia
{event}    evidence:
      - quote: "{QUOTE}"
claims:
  - id: test-claim
    subject: russia
    predicate: operates
    object: tartus-naval-base
{claim}    evidence:
      - quote: "{QUOTE}"
"""


def same_everywhere(data: str | bytes) -> Make:
    """The same file content in any place (YAML-level problems do not depend on what the file is for)."""

    def make(sources: Path, place: str) -> None:
        write(source_file(sources, place), data)
        if place == "articles":
            write(source_file(sources, place, "x.txt"), ARTICLE_TEXT)

    return make


def per_place(facts: str | bytes | None, article: str | bytes | None, text: str | bytes = ARTICLE_TEXT) -> Make:
    """A facts file in `sources/` and `sources/facts/`, an article file (and its text) in `sources/articles/`."""

    def make(sources: Path, place: str) -> None:
        if place == "articles":
            assert article is not None
            write(source_file(sources, place), article)
            write(source_file(sources, place, "x.txt"), text)
        else:
            assert facts is not None
            write(source_file(sources, place), facts)

    return make


def edit_existing(path: str, change: Callable[[bytes], bytes]) -> Make:
    """Change a real file of the corpus in place (for valid variants that must build the same graph)."""

    def make(sources: Path, place: str) -> None:
        target = sources / path
        target.write_bytes(change(target.read_bytes()))

    return make


def article_text(text: str | bytes, **fields: str) -> Make:
    """An article file with its own text (for problems in the text itself)."""
    return per_place(None, article_yaml(**fields), text)


def _symlink_out(sources: Path, place: str) -> None:
    write(source_file(sources, place), article_yaml())
    source_file(sources, place, "x.txt").symlink_to("/etc/passwd")


def _fifo_text(sources: Path, place: str) -> None:
    write(source_file(sources, place), article_yaml())
    os.mkfifo(source_file(sources, place, "x.txt"))


def _yaml_symlink_out(sources: Path, place: str) -> None:
    outside = sources.parent / "outside.yaml"
    write(outside, facts_yaml())
    source_file(sources, place).symlink_to(outside)


def _link_to_nothing(sources: Path, place: str) -> None:
    source_file(sources, place).symlink_to("nowhere.yaml")


def _link_to_itself(sources: Path, place: str) -> None:
    source_file(sources, place).symlink_to("x.yaml")


def _name_of_no_text(sources: Path, place: str) -> None:
    """A file name that is not UTF-8 (a traceback in the fingerprint), and one holding a terminal escape."""
    write(Path(os.fsdecode(bytes(source_file(sources, place, "caf")) + b"\xe9.yaml")), "garbage: [\n")
    write(source_file(sources, place, "x\x1b[2Jy.yaml"), "garbage: [\n")


def _misnamed(name: str) -> Make:
    """A source file named `name` (`x.yml`, or `x` with no extension); an article's, with its text `x.txt`, in
    `articles/` (the text was also reported as no article's)."""

    def make(sources: Path, place: str) -> None:
        write(source_file(sources, place, name), article_yaml() if place == "articles" else facts_yaml())
        if place == "articles":
            write(source_file(sources, place, "x.txt"), ARTICLE_TEXT)

    return make


def _notes(sources: Path, place: str) -> None:
    """What lies beside the sources and is no source by its name or its text: passed over."""
    write(source_file(sources, place, "README"), "Notes on these files.\nEach holds the claims: one per fact.\n")
    write(source_file(sources, place, "notes.txt"), "entities:\n  - to do\n")
    write(source_file(sources, place, "x.yaml~"), facts_yaml())  # an editor's backup


def _folder_named_as_a_source_file(sources: Path, place: str) -> None:
    """A folder where a source file would be: empty in place of `entities.yaml` (every entity was then reported
    unknown: 563 messages), holding a facts file (read silently), empty in `articles/` (passed over)."""
    if place == "sources":
        (sources / "entities.yaml").unlink()
        (sources / "entities.yaml").mkdir()
    else:
        source_file(sources, place).mkdir()
        if place == "facts":
            write(source_file(sources, place) / "y.yaml", facts_yaml())


def _linked_folder(sources: Path, place: str) -> None:
    outside = sources.parent / "outside"
    outside.mkdir()
    write(outside / "x.yaml", facts_yaml())
    (source_file(sources, place).parent / "more").symlink_to(outside, target_is_directory=True)


def _link_to_a_source_file(sources: Path, place: str) -> None:
    """A link to `entities.yaml`: every entity defined twice (97 duplicate ids were reported)."""
    (source_file(sources, place)).symlink_to(
        os.path.relpath(sources / "entities.yaml", source_file(sources, place).parent)
    )


def _text_of_no_article(sources: Path, place: str) -> None:
    write(sources / "articles" / "x.txt", ARTICLE_TEXT)


def _fifty_megabytes(sources: Path, place: str) -> None:
    line = b"# " + b"padding " * 12 + b"\n"
    with open(source_file(sources, place), "wb") as stream:
        stream.write(facts_yaml().encode())
        stream.write(line * (FIFTY_MB // len(line) + 1))


def _long_list_and_an_unknown_key(sources: Path, place: str) -> None:
    """8 MB: one key no source has, holding a list of four million items."""
    write(source_file(sources, place), "x: [" + "a," * 4_000_000 + "a]\n")


def _truncated(mid_character: bool) -> Make:
    """A real file of the place's kind cut inside a quoted string: after a whole character, or inside one."""

    def make(sources: Path, place: str) -> None:
        kind = "articles" if place == "articles" and not mid_character else "facts"  # article files are ASCII
        data = (ROOT / "sources" / kind / f"{ARTICLE}.yaml").read_bytes()
        if mid_character:
            cut = data[: next(i for i, byte in enumerate(data) if byte >= 0xC0) + 1]
        else:
            cut = data[: data.index(b'quote: "', len(data) // 2) + 12]
        write(source_file(sources, place), cut)
        if place == "articles":
            write(source_file(sources, place, "x.txt"), ARTICLE_TEXT)

    return make


def _many_bad_claims(sources: Path, place: str) -> None:
    claims = "".join(
        f"  - {{id: bad-{k}, subject: rusia-{k}, predicate: operates, object: tartus-naval-base, "
        f'evidence: [{{quote: "{QUOTE}"}}]}}\n'
        for k in range(10_000)
    )
    write(source_file(sources, place), f"article: {ARTICLE}\nclaims:\n{claims}")


def _many_unknown_fields(sources: Path, place: str) -> None:
    """40,000 keys in one mapping, each an error: locating each scanned the mapping's keys (24 s)."""
    write(source_file(sources, place), facts_yaml() + "".join(f"field-{k}: v\n" for k in range(40_000)))


def _many_bad_ignores(sources: Path, place: str) -> None:
    ignores = "".join(f'\n  - {{quote: "passage {k} not in the text", reason: test}}' for k in range(10_000))
    write(source_file(sources, place), article_yaml(ignore=ignores))
    write(source_file(sources, place, "x.txt"), ARTICLE_TEXT)


def _same_words_article(sources: Path, place: str) -> None:
    """20,000 sentences of 25 words out of 14, each ignored, and 10,000 ignored passages the text does not
    hold: every word is on every line, so a word index of the lines found no rare word to search by (33 s)."""
    words = "Russia Syria base Tartus talks Assad extradition delegation naval port agreement withdraw said reported"
    vocabulary = words.split()
    sentences = [
        " ".join(vocabulary[(k * 7 + i * i + k // 14) % 14] for i in range(25)) + f" {k}." for k in range(20_000)
    ]
    passages = sentences + [f"Russia Syria passage {k} not in the text." for k in range(VOLUME_ERRORS)]
    ignores = "".join(f'\n  - {{quote: "{passage}", reason: test}}' for passage in passages)
    write(source_file(sources, place), article_yaml(ignore=ignores))
    write(source_file(sources, place, "x.txt"), "\n".join(sentences) + "\n")


def _misquotes_of_one_long_line(sources: Path, place: str) -> None:
    """A text pasted as one line of 1 MB (every sentence of it ignored) and 10,000 ignored passages one letter off:
    each hint for a passage not found split that line into its 190,000 words and lined them up with the
    passage's (200 hints, 40 s)."""
    sentences = [f"Talks on base {k} went on for {k % 97} days, the {k % 13}th delegation said." for k in range(19_000)]
    passages = sentences + [sentence[:-2] + "x." for sentence in sentences[:VOLUME_ERRORS]]
    ignores = "".join(f'\n  - {{quote: "{passage}", reason: test}}' for passage in passages)
    write(source_file(sources, place), article_yaml(ignore=ignores))
    write(source_file(sources, place, "x.txt"), " ".join(sentences) + "\n")


def _nested_article_file(sources: Path, place: str) -> None:
    folder = sources / "articles" / "drafts"
    folder.mkdir()
    write(folder / "x.yaml", article_yaml())
    write(folder / "x.txt", ARTICLE_TEXT)


def _cited_article_file_in_a_folder(sources: Path, place: str) -> None:
    """The real article that the facts cite, moved into a folder under articles/: one message, at the file
    not read, not one at each citation of it (57 were, with hints to wrong articles)."""
    folder = sources / "articles" / "drafts"
    folder.mkdir()
    for suffix in (".yaml", ".txt"):
        (sources / "articles" / f"{ARTICLE}{suffix}").rename(folder / f"{ARTICLE}{suffix}")


def _author_left_out(sources: Path, place: str) -> None:
    """The author of bylines, left out for a name that is not text: the bylines were then reported uncited
    in each of his articles (3 messages)."""
    entities = sources / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    old = "  - id: tim-zadorozhnyy\n    type: Person\n    name: Tim Zadorozhnyy\n"
    assert old in text, "the corpus changed: pick another author"
    entities.write_text(text.replace(old, "  - id: tim-zadorozhnyy\n    type: Person\n    name: 5\n"), encoding="utf-8")


def _invisible_in_a_named_id(sources: Path, place: str) -> None:
    """A zero-width space typed into the id of an entity that 17 records name: it gave one message at the id, and
    an "unknown entity 'tartus-naval-base'" at each of them (each hinting at the id with the space)."""
    entities = sources / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    assert "  - id: tartus-naval-base\n" in text, "the corpus changed: pick another entity"
    entities.write_text(text.replace("  - id: tartus-naval-base\n", "  - id: tartus\u200b-naval-base\n"), "utf-8")


def _named_entity_edited(new: str) -> Make:
    """The line defining an entity that 17 records name, written `new` (a mistake in that one line)."""

    def make(sources: Path, place: str) -> None:
        entities = sources / "entities.yaml"
        text = entities.read_text(encoding="utf-8")
        assert "  - id: tartus-naval-base\n" in text, "the corpus changed: pick another entity"
        entities.write_text(text.replace("  - id: tartus-naval-base\n", new + "\n"), "utf-8")

    return make


def _named_by_another_file(broken: str) -> Make:
    """A broken file `broken`, defining an entity that a second, valid file names."""

    def make(sources: Path, place: str) -> None:
        write(source_file(sources, place), broken)
        write(
            source_file(sources, place, "y.yaml"),
            facts_yaml()
            .replace("subject: russia", "subject: test-person")
            .replace("id: test-person", "id: test-person-2")
            .replace("id: test-event", "id: test-event-2")
            .replace("id: test-claim", "id: test-claim-2"),
        )

    return make


def _left_out_alone_citing(sources: Path, place: str) -> None:
    """A new article whose one sentence not ignored is cited by a claim left out (its predicate is a number)."""
    first, second = ARTICLE_TEXT.splitlines()
    write(sources / "articles" / "x.yaml", article_yaml(ignore=f'\n  - {{quote: "{first}", reason: test}}'))
    write(sources / "articles" / "x.txt", ARTICLE_TEXT)
    claim = f'{{id: test-claim, subject: russia, predicate: 5, object: syria, evidence: [{{quote: "{second}"}}]}}'
    write(source_file(sources, place), f"article: x\nclaims:\n  - {claim}\n")


ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9) if previous else ', '.join(['lol'] * 9)}]\n"
    for previous, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)
PYTHON_TAG = f'!!python/object/apply:os.system ["touch {MARKER}"]\n'
DEEP = "a: " + "[" * 5000 + "]" * 5000 + "\n"
NESTED_990 = "[" * 990 + "]" * 990
DEEP_BUT_PARSEABLE = "note: " + "[" * 900 + "]" * 900 + "\n"

# fmt: off
CASES: tuple[Case, ...] = (
    # --- YAML itself
    Case("syntax error", "YAML", same_everywhere("article: [unclosed\nclaims: []\n"), (r"YAML syntax error",)),
    Case("tab indentation", "YAML", same_everywhere("article: x\nclaims:\n\t- subject: russia\n"),
         (r"3:1: a tab where YAML needs spaces: indent with spaces only",)),
    Case("duplicate key", "YAML",
         per_place(facts_yaml(top=f"article: {ARTICLE}\n"), article_yaml(title="A\ntitle: B")),
         (r"duplicate key '(article|title)'",)),
    Case("a key YAML 1.1 reads as true, null or a number (it was 'true', placed at its mapping)", "YAML",
         per_place(facts_yaml(claim="    on: x\n"), article_yaml(title="A\n~: B")),
         (r"x\.yaml:(?!1:)\d+:(5|1): unknown field '(on|~)'",)),
    Case("alias bomb", "YAML", same_everywhere(ALIAS_BOMB), (r"YAML anchor '&a' is not allowed",)),
    Case("a merge key (it gave values the file never spells, and dropped others)", "YAML",
         per_place(facts_yaml(claim="    <<: {subject: syria, predicate: governs}\n"),
                   article_yaml(ignore="\n  - {<<: {quote: A short test article., reason: test}}")),
         (r":\d+:\d+: the merge key '<<' is not allowed: sources spell every value out",)),
    Case("a line separator (a line break to YAML, not to an editor)", "YAML",
         same_everywhere(f"# a comment\u2028 with: LS\narticle: {ARTICLE}\n"),
         (r":1:12: character U\+2028 is a line break to YAML but not to an editor",)),
    Case("a .yml file", "YAML", _misnamed("x.yml"), (r"x.yml:1:1: not read: a source file's name ends in .yaml",)),
    Case("a file with no extension that reads as a source (it was passed over as notes are)", "YAML",
         _misnamed("x"), (r"/x:1:1: not read: it reads as a source, and a source file's name ends in .yaml "
                          r"\(rename it\)$",)),
    Case("a folder named like a source file", "YAML", _folder_named_as_a_source_file,
         (r"(entities|x).yaml:1:1: not read: a folder named like a source file \(a source is a file\): rename it$",)),
    Case("a linked folder", "YAML", _linked_folder,
         (r"more:1:1: not read: a linked folder is not followed",), places=FACT_PLACES),
    Case("a link to another source file", "YAML", _link_to_a_source_file,
         (r"x.yaml:1:1: not read: a link to sources/entities.yaml, which is read already",), places=FACT_PLACES),
    Case("alias without bomb", "YAML",
         per_place(facts_yaml(claim="    note: *n\n", top="x-note: &n hello\n"), article_yaml(title="*t")),
         (r"YAML (anchor|alias) '[&*]\w+' is not allowed",)),
    Case("python tag (never executed)", "YAML", same_everywhere(PYTHON_TAG),
         (r"YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",)),
    Case("a standard tag on a value it does not fit", "YAML", same_everywhere(f"article: {ARTICLE}\nnote: !!int abc\n"),
         (r"a YAML value that cannot be read: invalid literal for int",)),
    Case("custom tag", "YAML", same_everywhere("article: !include other.yaml\n"),
         (r"YAML tag '!include' is not allowed",)),
    Case("binary data", "YAML", same_everywhere(bytes(range(256)) * 4), (r"not UTF-8|control|special characters",)),
    Case("a file saved as UTF-32 (it was called UTF-16)", "YAML",
         same_everywhere(f"article: {ARTICLE}\n".encode("utf-32")),
         (r"1:1: the file is not UTF-8 text: byte 0xff is not part of a UTF-8 character; it is UTF-32 text: "
          r"save it as UTF-8",)),
    Case("non-UTF-8 bytes", "YAML", same_everywhere(f"article: {ARTICLE}\nnote: caf\xe9\n".encode("latin-1")),
         (r"2:\d+: the file is not UTF-8 text: byte 0xe9",)),
    Case("NUL byte in YAML", "YAML", same_everywhere(f"article: {ARTICLE}\x00\n"),
         (r"1:36: character U\+0000 is not allowed in YAML",)),
    Case("truncated file", "YAML", _truncated(mid_character=False),
         (r"YAML syntax error: this quote is never closed \(the file ends first\)",)),
    Case("truncated inside a character", "YAML", _truncated(mid_character=True),
         (r"the file is not UTF-8 text: byte 0x[ce][0-9a-f] is not part",)),
    Case("two documents", "YAML", same_everywhere(f"article: {ARTICLE}\n---\narticle: {ARTICLE}\n"),
         (r"expected a single document",)),
    Case("a list as a key", "YAML", per_place(facts_yaml(top="? [a, b]\n: c\n"), article_yaml() + "? [a, b]\n: c\n"),
         (r":\d+:3: a key must be a name, not a list or a mapping",)),
    Case("an escape writing ESC into a name (it reached the page and the terminal)", "YAML",
         per_place(facts_yaml().replace("name: Test Person", 'name: "Test\\e[2J Person"'), None),
         (r"x.yaml:\d+:11: the escape writes U\+001B \(a control character\) into the text: write plain text",),
         places=FACT_PLACES),
    Case("an escape writing NUL into a note", "YAML",
         per_place(facts_yaml(entity='    note: "abc\\0def"\n'), article_yaml(outlet_note='"abc\\0def"')),
         (r":\d+:\d+: the escape writes U\+0000 \(a control character\) into the text",)),
    Case("an invisible character typed into a name and a title (they looked like the name, and matched no text)",
         "YAML", per_place(facts_yaml().replace("name: Test Person", "name: Test\ufeffPerson"),
                           article_yaml(title="A test\u200b article")),
         (r"x.yaml:\d+:\d+: (name )?'(Test\\ufeffPerson|A test\\u200b article)' holds an invisible U\+(FEFF|200B) "
          r"\(ZERO WIDTH (NO-BREAK )?SPACE\) after '(Test|A test)': delete it$",)),
    Case("an escape writing a soft hyphen into an alias, and a direction override into a note", "YAML",
         per_place(facts_yaml(entity='    aliases: ["Test\\u00adPerson"]\n'),
                   article_yaml(outlet_note='"abc\\u202edef"')),
         (r"x.yaml:\d+:\d+: (name )?'(Test\\xadPerson|abc\\u202edef)' holds an invisible U\+(00AD|202E) "
          r"\((SOFT HYPHEN|RIGHT-TO-LEFT OVERRIDE)\) after '(Test|abc)': delete it$",)),
    Case("a tab typed into a name, escaped into a title (a second name no text spells; the page showed a space)",
         "YAML", per_place(facts_yaml().replace("name: Test Person", "name: Test\tPerson"),
                           article_yaml(title='"A test\\tarticle"')),
         (r"x.yaml:\d+:\d+: (name 'Test\\tPerson'|the title) holds a tab \(U\+0009\) after '(Test|A test)': "
          r"write a space$",)),
    Case("a tab in a qualifier's text and in a headline", "YAML",
         per_place(facts_yaml(claim='    qualifiers: {condition: "on\\tterms"}\n'),
                   article_yaml(title=None, headline='"A short\\ttest article."')),
         (r"x.yaml:\d+:\d+: the (condition|headline) holds a tab \(U\+0009\) after '(on|A short)': write a space$",)),
    Case("a name ending in a space (a second name no text spells)", "YAML",
         per_place(facts_yaml().replace("name: Test Person", 'name: "Test Person "'), None),
         (r"x.yaml:\d+:11: name 'Test Person ' must be one line, with no space at its start or end",),
         places=FACT_PLACES),
    Case("NUL after accented letters", "YAML", same_everywhere(f'article: {ARTICLE}\nnote: "\u00e9\u00e9\u00e9\x00"\n'),
         (r"2:11: character U\+0000 is not allowed in YAML",)),
    Case("a file YAML cannot read, whose ids another file names", "YAML",
         _named_by_another_file(facts_yaml().replace("  - id: test-person", "\t- id: test-person")),
         (r"x.yaml:\d+:1: a tab where YAML needs spaces",), places=FACT_PLACES),
    # --- valid variants
    Case("UTF-8 BOM", "valid", edit_existing(f"facts/{ARTICLE}.yaml", lambda data: b"\xef\xbb\xbf" + data), (),
         places=("facts",)),
    Case("UTF-8 BOM, article file", "valid",
         edit_existing(f"articles/{ARTICLE}.yaml", lambda data: b"\xef\xbb\xbf" + data), (), places=("articles",)),
    Case("notes beside the facts: no extension, .txt, an editor's backup", "valid", _notes, (), places=FACT_PLACES),
    Case("CRLF line ends", "valid", edit_existing(f"facts/{ARTICLE}.yaml", lambda data: data.replace(b"\n", b"\r\n")),
         (), places=("facts",)),
    Case("CRLF line ends, article and text", "valid",
         lambda sources, place: [edit_existing(f"articles/{ARTICLE}.{ext}", lambda d: d.replace(b"\n", b"\r\n"))(
             sources, place) for ext in ("yaml", "txt")], (), places=("articles",)),
    Case("empty file", "valid", same_everywhere(""), (), places=FACT_PLACES),
    Case("comments only", "valid", same_everywhere("# nothing here yet\n"), (), places=FACT_PLACES),
    Case("text with BOM", "valid", edit_existing(f"articles/{ARTICLE}.txt", lambda data: b"\xef\xbb\xbf" + data), (),
         places=("articles",)),
    # --- shape
    Case("an empty article file beside its text (the text's sentences were in no build, no coverage)", "shape",
         same_everywhere(""), (r"x.yaml:1:1: the article file holds no article: write its id and text",),
         places=("articles",)),
    Case("an article file of comments only beside its text", "shape", same_everywhere("# to do: curate\n"),
         (r"x.yaml:1:1: the article file holds no article: write its id and text",), places=("articles",)),
    Case("top-level scalar", "shape", same_everywhere("just a sentence\n"), (r"must hold a mapping",)),
    Case("top-level list", "shape", same_everywhere("- a\n- b\n"), (r"must hold a mapping",)),
    Case("deep nesting", "shape", same_everywhere(DEEP), (r"nested more than 1000 levels deep",)),
    Case("deep but parseable nesting", "shape", per_place(DEEP_BUT_PARSEABLE, article_yaml(note="[" * 900 + "]" * 900)),
         (r"unknown field 'note'|expected text, got a list",)),
    Case("a typed field nested 990 levels deep (a RecursionError traceback)", "shape",
         per_place(facts_yaml(claim=f"    note: {NESTED_990}\n"), article_yaml(title=NESTED_990)),
         (r"nested more than 64 levels deep here: a source is a few levels of mappings and lists",)),
    Case("blank text in a role and a qualifier (it was written to the graph)", "shape",
         per_place(facts_yaml(event='      place: "  "\n', claim='    qualifiers: {condition: ""}\n'), None),
         (r"\d+:14: blank text: write the words, or leave the field out",
          r"\d+:29: blank text: write the words, or leave the field out"), places=FACT_PLACES),
    Case("an invisible joiner in a role's and a qualifier's text (a role's was 'unknown entity')", "shape",
         per_place(facts_yaml(event='      place: "Da\\u200dmascus"\n',
                              claim='    qualifiers: {condition: "if\\u200d asked"}\n'), None),
         (r"\d+:14: 'Da\\u200dmascus' holds an invisible U\+200D \(ZERO WIDTH JOINER\) after 'Da': delete it$",
          r"\d+:29: 'if\\u200d asked' holds an invisible U\+200D \(ZERO WIDTH JOINER\) after 'if': delete it$"),
         places=FACT_PLACES),
    Case("a blank quote (it was also 'a quote of one word')", "shape",
         per_place(facts_yaml().replace(f'quote: "{QUOTE}"', 'quote: ""', 1), None),
         (r"blank text: write the words, or leave the field out",), places=FACT_PLACES),
    Case("a blank headline and ignored passage (each was also 'not found verbatim')", "shape",
         per_place(None, article_yaml(title=None, headline='"  "', ignore='\n  - {quote: " ", reason: test}')),
         (r"x.yaml:5:13: blank text", r"x.yaml:6:11: blank text"), places=("articles",)),
    Case("an empty text file name (it was also 'must be a file name')", "shape",
         per_place(None, article_yaml(text='""')), (r"x.yaml:2:7: blank text: write the words, or leave",),
         places=("articles",)),
    Case("one id where a list belongs (it was also 'unknown claim or event')", "shape",
         per_place(facts_yaml(claim="    conflicts_with: foo-bar\n"), None),
         (r"expected a list, got text: write \[foo-bar\]",), places=FACT_PLACES),
    Case("an empty date (it was taken for no date)", "date", per_place(facts_yaml(claim="    date: ~\n"), None),
         (r"an empty date: write it \(YYYY, YYYY-MM or YYYY-MM-DD\), or leave the field out",), places=FACT_PLACES),
    Case("keys YAML reads as null and true (said 'None' and 'True', then 'null' and 'true')", "shape",
         per_place(facts_yaml(top="~: x\nyes: y\n"), None),
         (r"x\.yaml:2:1: unknown field '~'", r"x\.yaml:3:1: unknown field 'yes'"),
         places=FACT_PLACES),
    Case("keys that are not all text", "shape",
         per_place(facts_yaml(top="abc: x\n2: y\n"), article_yaml(abc="x") + "2: y\n"),
         (r"unknown field 'abc'", r"unknown field '2'")),
    Case("a top-level list, whose ids another file names", "shape",
         _named_by_another_file("- {id: test-person, type: Person, name: Test Person}\n"),
         (r"must hold a mapping",), places=FACT_PLACES),
    Case("a claim left out, alone citing a sentence", "shape", _left_out_alone_citing,
         (r"expected text, got a whole number",), places=FACT_PLACES),
    Case("an entity left out for its name, named by a claim", "shape",
         per_place(facts_yaml(entity="  - {id: test-place, type: City, name: no}\n").replace(
             "object: tartus-naval-base", "object: test-place"), None),
         (r"expected text, got true or false",), places=FACT_PLACES),
    Case("a note that YAML's tags make binary data, a set, a number", "shape",
         per_place(facts_yaml(claim="    note: !!binary aGVsbG8=\n", event="    note: !!set {a, b}\n",
                              entity="  - {id: test-city, type: City, name: .inf}\n"), None),
         (r"expected text, got binary data \(!!binary\)", r"expected text, got a set \(!!set\)",
          r"expected text, got a number with a fraction \(or \.inf, \.nan\)"), places=FACT_PLACES),
    Case("50 MB file", "shape", _fifty_megabytes, (r"the file is 50 MB, more than the 16 MB allowed: split it",),
         seconds=60.0),
    Case("an unknown key holding a list of four million items (placing it took 1.6 GB: a node per item)", "shape",
         _long_list_and_an_unknown_key, (r"x\.yaml:1:1: unknown field 'x'",), places=FACT_PLACES),
    # --- typos
    Case("typo'd id", "typo",
         per_place(facts_yaml().replace("subject: russia", "subject: rusia"), article_yaml(outlet="kyiv-pots")),
         (r"unknown entity '(rusia|kyiv-pots)' — did you mean '(russia|kyiv-post)'\?",)),
    Case("unknown id", "typo",
         per_place(facts_yaml().replace("object: tartus-naval-base", "object: zzzz"), article_yaml(outlet="zzzz")),
         (r"unknown entity 'zzzz'$",)),
    Case("duplicate id", "typo",
         per_place(facts_yaml().replace("id: test-person", "id: russia"), article_yaml(id=ARTICLE)),
         (r"duplicate id 'russia' \(first defined at sources/entities.yaml:\d+:\d+\)|must equal the file name",)),
    Case("a claim with an event's id (a reference to it chose the claim, silently)", "typo",
         per_place(facts_yaml().replace("id: test-claim", "id: test-event"), None),
         (r"x.yaml:\d+:9: duplicate id 'test-event': an event has it already \(a record named by id must be one "
          r"record\) \(first defined at sources/(facts/)?x.yaml:\d+:\d+\)",), places=FACT_PLACES),
    Case("role filled by the wrong class", "typo",
         per_place(facts_yaml(event="      destination: bashar-al-assad\n"), article_yaml(outlet="bashar-al-assad")),
         (r"'(destination|outlet)' needs an? (Place|NewsOrganization), but 'bashar-al-assad' is a Person",)),
    Case("predicate not in the ontology", "typo", per_place(facts_yaml().replace("operates", "operatez"), None),
         (r"unknown relation 'operatez' — did you mean 'operates'\?",), places=FACT_PLACES),
    Case("number where a list belongs", "typo",
         per_place(facts_yaml(entity="    aliases: 5\n"), article_yaml(ignore="5")),
         (r"expected a list, got a whole number",)),
    Case("unknown field", "typo",
         per_place(facts_yaml(claim="    qualifers: {}\n"), article_yaml(headlin="A test")),
         (r"unknown field '(qualifers|headlin)' — did you mean '(qualifiers|headline)'\?",)),
    # --- dates
    Case("impossible date 2025-02-30", "date",
         per_place(facts_yaml(claim="    date: 2025-02-30\n"),
                   article_yaml(published="{after: 2025-02-30, note: test}")),
         (r"2025-02-30.*(day|date)",)),
    Case("month 13", "date",
         per_place(facts_yaml(claim="    date: 2025-13\n"), article_yaml(published="{before: 2025-13-01, note: test}")),
         (r"2025-13.*month",)),
    Case("a date ending in a line break (once written into the Turtle as it was)", "date",
         per_place(facts_yaml(claim='    date: "2025-02\\n"\n'),
                   article_yaml(published='{after: "2025-02\\n", note: test}')),
         (r"malformed date '2025-02\\u000a'",)),
    Case("a date in Arabic-Indic digits", "date",
         per_place(facts_yaml(claim='    date: "٢٠٢٥"\n'), article_yaml(published='{after: "٢٠٢٥", note: test}')),
         (r"malformed date '٢٠٢٥'",)),
    Case("day 0", "date",
         per_place(facts_yaml(claim="    date: 2025-01-00\n"),
                   article_yaml(published="{after: 2025-01-00, note: test}")),
         (r"impossible date '2025-01-00': there is no day 0",)),
    Case("a date of 5,000 digits", "date", per_place(facts_yaml(claim="    date: " + "1" * 5000 + "\n"), None),
         (r"a number of more than 4,300 digits",), places=FACT_PLACES),
    Case("a date part inferred twice", "date",
         per_place(facts_yaml(claim="    date: {value: 2025-02, inferred: [year, year]}\n"),
                   article_yaml(published="{after: {value: 2025-02, inferred: [year, year]}, note: test}")),
         (r"'year' is listed twice in 'inferred': list each part once",)),
    Case("interval ends before it starts", "date",
         per_place(facts_yaml(claim="    start: 2025-02-01\n    end: 2025-01-01\n"), None),
         (r"the interval ends \(2025-01-01\) before it starts \(2025-02-01\)",), places=FACT_PLACES),
    # --- quotes and evidence
    Case("quote one character off", "evidence",
         per_place(facts_yaml().replace(f'quote: "{QUOTE}"\nclaims', f'quote: "{QUOTE[:-1]}m"\nclaims'),
                   article_yaml(ignore='\n  - {quote: "A short test article!", reason: test}'
                                '\n  - {quote: "It has two sentences.", reason: test}')),
         (r"(quote|ignored passage) not found verbatim",)),
    Case("evidence for a missing article", "evidence",
         per_place(facts_yaml(top="").replace(f"article: {ARTICLE}", "article: kp-abu-qasra-russian-base"), None),
         (r"unknown article 'kp-abu-qasra-russian-base' \(2 evidence items name it in this file\) — did you "
          r"mean 'kp-abu-qasra-russian-bases'\?",), places=FACT_PLACES),
    Case("via names a claim (it said: unknown entity, did you mean the event)", "evidence",
         per_place(evidence_via("[test-claim]"), None),
         (r"x.yaml:\d+:15: 'test-claim' is a claim: name an entity or an event",), places=FACT_PLACES),
    Case("via names an article (it said: unknown entity, did you mean the nearest id)", "evidence",
         per_place(evidence_via(f"[{ARTICLE}]"), None),
         (rf"x.yaml:\d+:15: '{ARTICLE}' is an article: name an entity or an event \(its outlet\?\)",),
         places=FACT_PLACES),
    Case("an attribution chain that comes back to its first source", "evidence",
         per_place(evidence_via("[russia, test-person, russia]"), None),
         (r"x.yaml:\d+:36: 'russia' is in the attribution chain already",), places=FACT_PLACES),
    Case("an attribution chain that starts with the article's outlet (TASS → TASS → Bogdanov)", "evidence",
         per_place(evidence_via("[kyiv-post, test-person]"), None),
         (r"x.yaml:\d+:15: 'kyiv-post' is the article's outlet: 'via' is the attribution chain after it",),
         places=FACT_PLACES),
    Case("an attribution chain that comes back to the article's outlet", "evidence",
         per_place(evidence_via("[test-person, kyiv-post]"), None),
         (r"x.yaml:\d+:28: 'kyiv-post' is the article's outlet, which the attribution chain starts from",),
         places=FACT_PLACES),
    Case("one passage quoted twice for one record, asserted and hedged", "evidence",
         per_place(facts_yaml().replace(
             f'      - quote: "{QUOTE}"\nclaims:',
             f'      - quote: "{QUOTE}"\n      - quote: "{QUOTE}"\n        modality: hedged\nclaims:'), None),
         (r"x.yaml:\d+:16: quoted twice for the same record \(evidence item 1 quotes it too\): merge them",),
         places=FACT_PLACES),
    Case("direct speech in the outlet's own voice (no via)", "evidence",
         per_place(facts_yaml(claim="").replace(
             f'      - quote: "{QUOTE}"\nclaims:', f'      - quote: "{QUOTE}"\n        direct_speech: true\nclaims:'),
             None),
         (r"x.yaml:\d+:24: direct speech needs a speaker: name them in 'via'",), places=FACT_PLACES),
    Case("said to an outlet by no one (no via)", "evidence",
         per_place(facts_yaml(claim="").replace(
             f'      - quote: "{QUOTE}"\nclaims:', f'      - quote: "{QUOTE}"\n        said_to: kyiv-post\nclaims:'),
             None),
         (r"x.yaml:\d+:18: said to 'kyiv-post' by no one: name who said it in 'via'",), places=FACT_PLACES),
    Case("a claim whose object is its subject", "evidence",
         per_place(facts_yaml().replace("object: tartus-naval-base", "object: russia"), None),
         (r"x.yaml:\d+:13: 'russia' cannot be its own 'operates'",), places=FACT_PLACES),
    Case("one node twice in an event's role", "evidence",
         per_place(facts_yaml().replace("      agent: russia\n", "      agent: [russia, russia]\n"), None),
         (r"x.yaml:\d+:23: 'russia' is in 'agent' already",), places=FACT_PLACES),
    Case("claim with no evidence", "evidence",
         per_place(facts_yaml().replace(f'    evidence:\n      - quote: "{QUOTE}"\n', "", 2).replace(
             "      agent: russia\n", f'      agent: russia\n    evidence:\n      - quote: "{QUOTE}"\n'), None),
         (r"missing required field 'evidence'",), places=FACT_PLACES),
    Case("partOf cycle", "evidence",
         per_place(facts_yaml(event="      partOf: test-event-2\n").replace("claims:", f"""  - id: test-event-2
    type: Statement
    name: Another test statement
    roles:
      partOf: test-event
    evidence:
      - quote: "{QUOTE}"
claims:"""), None), (r"'partOf' goes round in a cycle: test-event → test-event-2 → test-event",),
         places=FACT_PLACES),
    # --- ids that would break IRIs
    *(
        Case(f"id with {label}", "id",
             per_place(facts_yaml().replace("id: test-person", f'id: "{bad}"'), article_yaml(id=f'"{bad}"')),
             (rf"'{bad}' is not a valid id: use lowercase letters, digits and dashes",))
        for label, bad in (("a space", "test person"), ("'>'", "test>person"), ("'#'", "test#person"),
                           ("unicode", "tést-person"), ("uppercase", "Test-Person"))
    ),
    Case("id with a final line break", "id",
         per_place(facts_yaml().replace("id: test-person", 'id: "test-person\\n"'),
                   article_yaml(id='"test-person\\n"')),
         (r"'test-person\\u000a' is not a valid id: use lowercase letters, digits and dashes",)),
    Case("id with a tab", "id",
         per_place(facts_yaml().replace("id: test-person", 'id: "test\\t-person"'), article_yaml(id='"x\\t"')),
         (r"'(test\\u0009-person|x\\u0009)' is not a valid id: it holds a tab \(U\+0009\) after '(test|x)': "
          r"delete it$",)),
    Case("id with an invisible character", "id",
         per_place(facts_yaml().replace("id: test-person", 'id: "test\\u200bperson"'), article_yaml(id='"x\\u200b"')),
         (r"'(test\\u200bperson|x\\u200b)' is not a valid id: it holds an invisible U\+200B \(ZERO WIDTH SPACE\) "
          r"after '(test|x)': delete it$",)),
    Case("an invisible character in the id of an entity that other records name (a cascade hid the mistake)", "id",
         _invisible_in_a_named_id,
         (r"^sources/entities.yaml:\d+:9: 'tartus\\u200b-naval-base' is not a valid id: it holds an invisible "
          r"U\+200B \(ZERO WIDTH SPACE\) after 'tartus': delete it$",), places=("sources",)),
    Case("an id with a capital or an en dash, of an entity that other records name (each was 'unknown')", "id",
         _named_entity_edited('  - id: "Tartus\u2013naval-base"'),
         (r"^sources/entities.yaml:\d+:9: 'Tartus–naval-base' is not a valid id: use lowercase letters, digits and "
          r"dashes — did you mean 'tartus-naval-base'\?$",), places=("sources",)),
    Case("a record's '- ' forgotten (it folded into the record above: 4 duplicate keys, 17 unknown entities)", "YAML",
         _named_entity_edited("    id: tartus-naval-base"),
         (r"^sources/entities.yaml:\d+:5: a second 'id' in one record \(the first at line \d+\): if another record "
          r"starts here, write '- ' before it; it is not read$",), places=("sources",)),
    # --- article texts
    Case("the author of bylines left out", "article", _author_left_out,
         (r"entities.yaml:\d+:11: expected text, got a whole number",), places=("sources",)),
    Case("a text that no article names", "article", _text_of_no_article,
         (r"articles/x.txt:1:1: no article names this text",), places=("articles",)),
    Case("an article's own YAML as its text", "article", per_place(None, article_yaml(text="x.yaml")),
         (r"article text 'x.yaml' must be a .txt file",), places=("articles",)),
    Case("a title over two lines (a \\n)", "article",
         per_place(None, article_yaml(title='"A test\\narticle"')),
         (r"x.yaml:3:8: the title must be one line",), places=("articles",)),
    Case("a headline and a title both (the title was shown nowhere)", "article",
         per_place(None, article_yaml(headline='"A short test article."')),
         (r"x.yaml:3:1: a 'title' is for an article whose text prints no headline; this one has its 'headline'",),
         places=("articles",)),
    Case("a headline over two lines (a `|` block)", "article",
         per_place(None, article_yaml(title=None, headline="|\n  A short test article.")),
         (r"x.yaml:\d+:11: the headline must be one line",), places=("articles",)),
    Case("an empty text", "article", article_text("\n\n"), (r"article text 'x.txt' is empty",),
         places=("articles",)),
    Case("missing text file", "article", per_place(None, article_yaml(text="nowhere.txt")),
         (r"article text 'nowhere.txt' not found next to x.yaml",), places=("articles",)),
    Case("binary text", "article", article_text(bytes(range(256))), (r"article text 'x.txt' is not UTF-8",),
         places=("articles",)),
    Case("NUL in a text", "article", article_text("A short test article.\x00\nIt has two sentences.\n"),
         (r"x.txt:1:22: article text 'x.txt' holds the control character U\+0000",), places=("articles",)),
    Case("terminal escape in a text", "article",
         article_text("A short \x1b[2J\x1b[31mtest article.\nIt has two sentences.\n"),
         (r"x.txt:1:9: article text 'x.txt' holds the control character U\+001B",), places=("articles",)),
    Case("text outside sources ('..')", "article", per_place(None, article_yaml(text="../../../etc/passwd")),
         (r"article text '../../../etc/passwd' must be a file name next to x.yaml, with no folder",),
         places=("articles",)),
    Case("text symlink leaving sources", "article", _symlink_out,
         (r"article text 'x.txt' leads outside sources/ \(through '..' or a symbolic link\): refused, not read",),
         places=("articles",)),
    Case("text is a FIFO (never hangs)", "article", _fifo_text, (r"article text 'x.txt' is not a regular file",),
         places=("articles",)),
    Case("a photo credit that is not text", "article",
         per_place(None, article_yaml(
             photos='\n  - {id: photo-hama-portrait, caption: "A short test article.", credit: 5}')),
         (r"expected text, got a whole number",), places=("articles",)),
    Case("one photo listed twice in an article (two captions of it in the graph)", "article",
         per_place(None, article_yaml(
             photos='\n  - {id: photo-hama-portrait, caption: "A short test article."}'
                    '\n  - {id: photo-hama-portrait, caption: "It has two sentences."}')),
         (r"x.yaml:\d+:10: photo 'photo-hama-portrait' is listed already in this article: list each photo once",),
         places=("articles",)),
    Case("an article file in a folder under articles/", "article", _nested_article_file,
         (r"articles/drafts/x.yaml:1:1: not read: an article's file lies in articles/ itself",), places=("articles",)),
    Case("a cited article's file in a folder under articles/", "article", _cited_article_file_in_a_folder,
         (rf"articles/drafts/{ARTICLE}.yaml:1:1: not read: an article's file lies in articles/ itself",),
         places=("articles",)),
    Case("YAML symlink leaving sources", "article", _yaml_symlink_out,
         (r"the file leads outside sources/ \(through '..' or a symbolic link\): refused, not read",)),
    Case("file names that are not UTF-8 or hold a terminal escape", "article", _name_of_no_text,
         (r"caf\\udce9.yaml:2:1: YAML syntax error", r"x\\u001b\[2Jy.yaml:2:1: YAML syntax error"),
         places=FACT_PLACES),
    Case("YAML symlink to nothing (it said: leads outside sources/)", "article", _link_to_nothing,
         (r"x.yaml:1:1: the file is a symbolic link that leads to no file \(No such file or directory\): refused",)),
    Case("YAML symlink to itself (it said: leads outside sources/)", "article", _link_to_itself,
         (r"x.yaml:1:1: the file is a symbolic link that leads to no file \(Too many levels of symbolic links\)",)),
    # --- volume
    Case("10,000 bad records", "volume", _many_bad_claims, (r"unknown entity 'rusia-\d+' — did you mean 'russia'\?",),
         places=FACT_PLACES),
    Case("20,000 ignored sentences that share their few words", "volume", _same_words_article,
         (r"ignored passage not found verbatim",), places=("articles",)),
    Case("40,000 unknown fields in one mapping", "volume", _many_unknown_fields, (r"unknown field 'field-\d+'",),
         places=FACT_PLACES, errors=40_000),
    Case("a name of 300,000 words (the finder of names kept every run of its words: past 12 GB)", "shape",
         per_place(facts_yaml(entity="    aliases: [" + "Ab " * 300_000 + "Z]\n"), None),
         (r"x.yaml:\d+:\d+: name 'Ab Ab .*' has 900,001 characters: a name has 500 at most",),
         places=FACT_PLACES),
    Case("a name of one word of 5 MB (the pattern of its words took 2.1 GB for 15 MB)", "shape",
         per_place(facts_yaml(entity="    aliases: [Z" + "a" * 5_000_000 + "]\n"), None),
         (r"x.yaml:\d+:\d+: name 'Zaaa.*' has 5,000,001 characters: a name has 500 at most",),
         places=FACT_PLACES),
    Case("10,000 bad ignored passages", "volume", _many_bad_ignores, (r"ignored passage not found verbatim",),
         places=("articles",)),
    Case("10,000 passages one letter off in a text of one line of 1 MB", "volume", _misquotes_of_one_long_line,
         (r"ignored passage not found verbatim.*; closest: 'Talks on base \d+ went on for \d+ days, the \d+th",),
         places=("articles",)),
)
# fmt: on
VOLUME_ERRORS = 10_000
SHOWN = MAX_ERRORS_SHOWN  # errors printed before the summary line


# ------------------------------------------------------------------ running a case as a user would


@dataclass
class Outcome:
    status: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    exports_unchanged: bool
    marker_created: bool


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (names and bytes), to compare before and after a build."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def prepare(workdir: Path, built: Path) -> None:
    """A copy of the real corpus and ontology, with a previous build of it in `exports/`."""
    shutil.copytree(ROOT / "sources", workdir / "sources", symlinks=True)
    shutil.copytree(ROOT / "ontology", workdir / "ontology")
    shutil.copytree(built, workdir / "exports")


def run_build(workdir: Path, seconds: float) -> Measured:
    """`python -m kg build` in `workdir`, killed at `seconds`, with 4 GiB of address space at most."""
    command = [sys.executable, "-m", "kg", "build", "--sources", "sources", "--ontology", "ontology", "--out",
               "exports", "--format", "all"]  # fmt: skip
    return run_measured(command, workdir, seconds, memory_limit=4 << 30)


def run_case(case: Case, place: str, workdir: Path, built: Path) -> Outcome:
    """Drop `case` into a fresh copy of the real corpus at `place` and run `kg build` on it."""
    prepare(workdir, built)
    before = tree_digest(workdir / "exports")
    MARKER.unlink(missing_ok=True)
    case.make(workdir / "sources", place)
    run = run_build(workdir, case.seconds)
    after = tree_digest(workdir / "exports")
    staging = [p.name for p in workdir.iterdir() if ".staging-" in p.name]
    unchanged = before == after and not staging
    return Outcome(run.status, run.seconds, run.peak_mb, run.stdout, run.stderr, unchanged, MARKER.exists())
