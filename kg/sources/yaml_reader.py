"""Safe YAML reading: the C loader when available, dates kept as strings; duplicate keys, tags, anchors refused."""

from __future__ import annotations

import importlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import yaml

from kg.limits import DEFAULT_LIMITS, MAX_DEPTH, Limits
from kg.problems import Problem, Where
from kg.sources.reading import CONTROL_CHARACTERS, FileRefused, position, read_text

_yaml_rs: ModuleType | None
try:
    _yaml_rs = importlib.import_module("yaml_rs")
except ImportError:  # the fast path is an optimisation: without it, PyYAML loads everything
    _yaml_rs = None

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SourceLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps `2025-02-06` as the string it is and reports duplicate mapping keys, and keys
    that are lists or mappings.

    Dates are parsed by `kg.dates` with their precision (a YAML timestamp would lose "2025-02" and
    accept times of day); a silently overwritten duplicate key would lose a curator's fact.  The
    first value of a duplicated key is kept, and a key that is a list or a mapping left out, so that the
    rest of the file is still checked.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.refused: list[tuple[yaml.Node, str]] = []  # keys left out, and why
        self.merges: list[yaml.Node] = []  # merge keys: the file is refused (what it means is not what it spells)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        kept = []
        folded = False  # a second `id:` met: most likely another record, its `- ` forgotten (one message for it)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # `? [a, b]`, `{[a]: b}`: no source has a use for one
                self.refused.append((key_node, "a key must be a name, not a list or a mapping"))
                continue
            if key_node.tag == _MERGE:  # `<<: {…}` would give keys the file never spells, and drop some silently
                self.merges.append(key_node)
                continue
            if key_node.tag in _TYPED and not key_node.style:  # `yes:`, `~:`, `1:`: a key as written, never true
                key_node.tag = _STR  # (no field is named so: "unknown field 'true'" was at the mapping's start)
            if key_node.value in seen:
                if not folded:
                    self.refused.append((key_node, self._duplicate(key_node.value, seen[key_node.value])))
                    folded = key_node.value == "id"
                continue
            seen[key_node.value] = key_node
            kept.append((key_node, value_node))
        node.value = kept
        return super().construct_mapping(node, deep=deep)

    @staticmethod
    def _duplicate(key: str, first: yaml.Node) -> str:
        """Why a key met again is not read; a second `id` most likely starts another record."""
        line = first.start_mark.line + 1  # `events: []` of a scaffold, then `events:` again
        if key == "id":
            return (
                f"a second 'id' in one record (the first at line {line}): if another record starts here, write '- '"
                " before it; it is not read"
            )
        return (
            f"duplicate key '{key}' (first at line {line}): a key may appear once in a mapping; this one is not read:"
            " merge the two"
        )


_INT = "tag:yaml.org,2002:int"
_STR = "tag:yaml.org,2002:str"
_TYPED = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("bool", "null", "int", "float"))
_DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
"""The integers a source may spell: YAML 1.1's others are text as written.  `date: 20:25` (base 60) was the
year 1225, `03751` (octal) and `0x7E9` were 2025, `2_025` too, and `value: 012` the text '10'."""
_SourceLoader.yaml_implicit_resolvers = {
    first: [
        (tag, _DECIMAL if tag == _INT else regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


_LINE_SEPARATOR = re.compile("[\x85\u2028\u2029]")
CONTROL = re.compile(f"[{CONTROL_CHARACTERS}\\r\\ufffe\\uffff]")
"""What YAML refuses written as it is, but a double-quoted escape (`"\\e"`, `"\\0"`, `"\\x9b"`) can put in a
value: control characters (an article text's, and a carriage return) and non-characters.  An ESC in a name
reached the page and `kg query`'s terminal.  (Direction marks and overrides are text YAML takes as written,
and so does the builder: every export keeps them text.)"""
_SEPARATOR_MESSAGE = (
    "character U+{:04X} is a line break to YAML but not to an editor, so every line number after it would be "
    "off: remove it, or write it as an escape (\\u2028) in a double-quoted string"
)
"""NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: PyYAML (YAML 1.1) breaks lines at them, editors and the fast
parser (YAML 1.2) do not, so one in a comment made the rest of its line YAML, and one in a name moved
every later error a line down."""
_MERGE = "tag:yaml.org,2002:merge"


def read_yaml(file: Path, root: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, list[Problem]]:
    """Load one YAML source file safely and within `limits`.

    Returns (document, problems); the document is None on failure, and also for an empty file.
    """
    where = Where(file)
    try:
        text = read_text(file, root, limits.max_yaml_bytes, "the file")
    except FileRefused as refused:
        return None, [Problem(where, refused.message, refused.line, refused.column)]
    except OSError as error:
        return None, [Problem(where, f"cannot read the file: {error.strerror or error}", 1, 1)]
    odd = _NOT_YAML.search(text)  # a line separator is one of its characters: looked for only where one is found
    if odd is not None and (separator := _LINE_SEPARATOR.search(text)):
        line, column = position(text, separator.start())
        return None, [Problem(where, _SEPARATOR_MESSAGE.format(ord(separator.group())), line, column)]
    reuse = _first_anchor_or_alias(text)
    if isinstance(reuse, _Reuse):
        return None, [reuse.problem(where)]
    fast = fast_load(text, odd is None) if reuse is None else UNSURE  # PyYAML could not even scan it: let it say why
    if fast is not UNSURE:
        return fast, _escaped_controls(fast, where) if "\\" in text else []
    loader = _SourceLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, where, text)]
    except yaml.reader.ReaderError as error:  # a character YAML does not allow anywhere (NUL, ESC…)
        line, column = position(text, _character_offset(text, error.position))
        message = f"character U+{error.character:04X} is not allowed in YAML: {error.reason}"
        return None, [Problem(where, message, line, column)]
    except yaml.YAMLError as error:
        return None, [Problem(where, f"YAML error: {error}", 1, 1)]
    except RecursionError:  # only the pure-Python parser gets here; libyaml stops at MAX_DEPTH itself
        return None, [Problem(where, _TOO_DEEP, 1, 1)]
    except ValueError as error:  # `int()` of more than 4,300 digits; `!!int abc`, `!!float x`…
        return None, [_unreadable_value(error, where, text)]
    finally:
        loader.dispose()
    if loader.merges:  # the fields it would merge are missing: what is left of the file would mislead
        mark = loader.merges[0].start_mark
        message = "the merge key '<<' is not allowed: sources spell every value out"
        return None, [Problem(where, message, mark.line + 1, mark.column + 1)]
    marks = [(node.start_mark, reason) for node, reason in loader.refused]
    found = [Problem(where, reason, mark.line + 1, mark.column + 1) for mark, reason in marks]
    return document, found + (_escaped_controls(document, where) if "\\" in text else [])


def _character_offset(text: str, offset: int) -> int:
    """The offset in characters of a reader error's `offset`: libyaml counts the UTF-8 bytes it read
    (`é` is two), PyYAML's own reader characters."""
    if _BaseLoader is yaml.SafeLoader:
        return offset
    return len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


class _Unsure:
    """The fast parser cannot vouch for giving what PyYAML gives: use PyYAML."""


UNSURE = _Unsure()
_TAG = re.compile(r"!(?<![^\s\[{,:]!)")
"""Where a tag could open: at a line's start or after a space, a flow indicator, or a `:` (`{"a":!t x}`); a
`!` inside a scalar (a Markdown image's `"![`, `x!`) is text to both parsers.  The `!` is searched for first
and what precedes it looked at after (a pattern opening with a literal is searched for thirty times faster)."""
_DOCUMENT_MARKERS = (re.compile(r"\n(?:---|\.\.\.|%)"), re.compile(r"\r(?:---|\.\.\.|%)"))
"""A document marker or directive after a line break, the text's start looked at apart: one literal first
is searched for eight times faster than `^` in multi-line mode or a class of line breaks.  YAML breaks
lines at a carriage return too; yaml-rs returns several documents as a list, where PyYAML refuses them."""


def _document_marker(text: str) -> bool:
    return (
        text.startswith(("---", "...", "%"))
        or _DOCUMENT_MARKERS[0].search(text) is not None
        or ("\r" in text and _DOCUMENT_MARKERS[1].search(text) is not None)
    )


def _not_yaml() -> re.Pattern[str]:
    """Characters PyYAML refuses (yaml-rs lets some through), and NEL and the Unicode line and paragraph
    separators, which are line breaks in YAML 1.1 only: PyYAML's class of printable characters without
    those three, as one class (a third of the time of the class and an alternative)."""
    printable = yaml.reader.Reader.NON_PRINTABLE.pattern
    assert printable.startswith("[^") and printable.endswith("]") and "\x85" in printable, printable
    narrowed = printable.replace("\x85", "").replace("\xa0-\ud7ff", "\xa0-\u2027\u202a-\ud7ff")
    assert narrowed.count("\u2027") == 1, printable
    return re.compile(narrowed)


_NOT_YAML = _not_yaml()
_RADIX = re.compile(r"0[xXbBoO]")  # two patterns, each opening with a literal: 0.05 s each over 62 MB of YAML
_UNDERSCORED = re.compile(r"_(?:(?=[0-9])|(?<=[0-9]_))")  # `2_025` and `2025_`: an underscore by a digit
_ZERO_LED = re.compile(r"(0(?:o[0-7_]+|[0-9_]+))[ \t]*(?:$|[\r,\]}]|\s#)", re.MULTILINE)


def _zero_led_values(text: str) -> set[str]:
    """What yaml-rs makes of each plain scalar such as `012` or `0o17` in the text ("12" and "15"), as the
    unsigned decimal digits JSON writes; "?" for an octal too long to convert, which nothing can rule out.

    Such a scalar is an integer to yaml-rs, and text to `_SourceLoader` (`_DECIMAL`).  A match is
    `(?:^|[\\s\\[{,:])[-+]?` before a `_ZERO_LED` one; searching for the zero first and looking back is
    twenty times faster than the one pattern (no literal to start from).
    Matches inside comments and quoted text count too: they can only add values.  Digits are compared as
    text: the interpreter refuses to turn more than 4,300 decimal digits into an int."""
    values = set()
    for match in _ZERO_LED.finditer(text):
        before = match.start() - 1
        if before >= 0 and text[before] in "+-":
            before -= 1
        if before < 0 or text[before].isspace() or text[before] in "[{,:":  # `:` for `{"k":012}`
            token = match.group(1).replace("_", "")
            if not token.startswith("0o"):
                values.add(token.lstrip("0") or "0")
            elif len(token) > 1000:
                values.add("?")
            else:
                values.add(str(int(token[2:] or "0", 8)))
    return values


def _escaped_controls(document: Any, where: Where) -> list[Problem]:
    """A problem at each value (or key) holding a `CONTROL` character, which only an escape in double quotes
    can write: looked for in the files with a backslash only."""
    found: list[Problem] = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            if control := CONTROL.search(value):
                character = control.group()
                name = unicodedata.name(character, "a control character")
                message = f"the escape writes U+{ord(character):04X} ({name}) into the text: write plain text"
                found.append(Problem(where.at(*path), message))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, path)  # a key is located at its mapping
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(document, ())
    return found


def fast_load(text: str, printable: bool | None = None) -> Any:
    """The document as PyYAML would load it, parsed by the Rust `yaml-rs` (ten times faster), or UNSURE.
    `printable`: whether the text holds only characters of YAML's printable set, if the caller has looked
    (`read_yaml` has: one scan of the text less, 0.35 s of CPU over the 62 MB of 100,000 real-shaped facts).

    YAML 1.2 (yaml-rs) and 1.1 (PyYAML, with decimal integers only: `_DECIMAL`) read some plain scalars differently
    (`yes`, `on`, `012`, `0o17`, `0x1F`, `2_025`, `1e3`…), yaml-rs drops tags instead of refusing them, and lets
    control characters through.  Their syntax differs too: yaml-rs accepts tabs where PyYAML refuses them, reads
    flow scalars opening with an indicator (`[a, :b]`, `{?x}`) and flow collections continued over lines its own
    way, and an empty block scalar (`note: |`) as a line break.  So the fast result is kept only when it cannot
    differ: no tag indicator where a tag could open, document marker, directive, tab, indicator opening a flow
    scalar, flow collection left open at the end of a line, or character outside YAML's printable set in the text,
    no string that PyYAML's resolvers would type or made only of line breaks, no float, no integer that a scalar
    with a leading zero in the text would give, no `0x`, `0b`, `0o` or underscore by a digit anywhere, nesting within
    bounds.  Otherwise, and on any error (PyYAML then says where), the caller loads the text with PyYAML: the one
    reference for meaning.
    """
    if _yaml_rs is None or "\t" in text or _document_marker(text):
        return UNSURE
    if not (_NOT_YAML.search(text) is None if printable is None else printable):
        return UNSURE
    if "!" in text and _TAG.search(text):
        return UNSURE
    if "<<" in text:  # a merge key, which yaml-rs merges: PyYAML refuses it (`_SourceLoader`)
        return UNSURE
    if _RADIX.search(text) or _UNDERSCORED.search(text):  # `0x7E9`, `0O17`, `2_025`: numbers to yaml-rs only
        return UNSURE
    if text and not text.endswith("\n"):  # a block scalar ending the file: yaml-rs keeps a line break PyYAML drops
        return UNSURE
    if ("[" in text or "{" in text) and (
        _flow_indicator(text)
        or _flow_across_lines(flow_lines := _lines_opening_flow(text))
        or _indicator_after_colon_in_flow(flow_lines)
    ):
        return UNSURE
    try:
        document = _yaml_rs.loads(text, parse_datetime=False, duplicate_key_policy=_yaml_rs.DuplicateKeyPolicy.Error)
    except Exception:  # any failure: PyYAML gives the located message
        return UNSURE
    if not isinstance(document, dict | list):
        return None if document is None else UNSURE  # an empty file; a top-level scalar is PyYAML's to read
    # The whole document as JSON text, made in C: one regular expression over it then finds what a Python
    # walk over every value would (a tenth of the cost).  Non-text keys, floats and deep nesting make it fail
    # or match: UNSURE either way.
    as_json = _as_json(document)
    if as_json is None or _TYPED_TEXT.search(as_json) or _has_float(as_json):
        return UNSURE
    zero_led = _zero_led_values(text)
    if zero_led and ("?" in zero_led or not zero_led.isdisjoint(_integers(document))):
        return UNSURE
    return document


def _as_json(document: dict[str, Any] | list[Any]) -> str | None:
    """`document` as JSON text, or None where JSON cannot say what it holds.  Written by orjson (compact:
    `{"a":[1,"b"]}`): a fifth of the time of the json module (0.6 → 0.1 s for the 5,610 files of 100,000
    real-shaped facts).  orjson refuses a key that is not text, an integer beyond 64 bits and nesting past
    254 levels (None: UNSURE), and writes a float NaN or infinity as `null`: a document with a `null`
    anywhere is written by the json module instead (spaced: `{"a": [1, "b"]}`), which spells them `NaN` and
    `Infinity`.  The patterns read either spelling."""
    try:
        written = orjson.dumps(document)
    except TypeError:  # orjson.JSONEncodeError is one
        return None
    if b"null" not in written:
        return written.decode("utf-8")
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        return None


def _typed_text() -> re.Pattern[str]:
    """A JSON string whose whole text PyYAML's resolvers would read as something else than text (`"yes"`,
    `"012"`, `"~"`, `""`…), or that JSON wrote for a mapping key that was a number.

    A string opens after `[`, `{`, `,` or `:` (compact JSON) or a space (`": "`, `", "`), never after a
    backslash; no such pattern holds a quote or a backslash, nor starts with what separates values (`:`, `,`,
    brackets).  So each string value or key that would be typed matches, and a match that is not one (a
    closing quote after a space, a comma or a colon, taken for an opening one: a closing quote is followed by
    what separates values) is never typed text: no false "sure"."""
    patterns = {
        pattern.pattern: pattern.flags
        for resolvers in _SourceLoader.yaml_implicit_resolvers.values()
        for tag, pattern in resolvers
        if tag != "tag:yaml.org,2002:str"
    }
    bodies = []
    for source in patterns:
        assert source.startswith("^") and source.endswith("$"), source
        bodies.append(source[1:-1])
    # A float as JSON writes a mapping key it turns into text (`1E100:` is a float key to yaml-rs, and
    # `"1e+100"` in JSON): no resolver above matches that spelling.
    bodies.append(r"-?(?:[0-9]+(?:\.[0-9]+)?e[-+][0-9]+|[0-9]+\.[0-9]+|Infinity|NaN)")
    # Only line breaks: what yaml-rs makes of an empty block scalar, where PyYAML makes an empty text.
    bodies.append(r"(?:\\n)+")
    # What a typed text can start with (PyYAML files its resolvers by first character; "" is the empty
    # text, then the extra bodies above) is checked first: most strings fail there, a third of the time.
    firsts = {first for first in _SourceLoader.yaml_implicit_resolvers if first} | set('"-0123456789IN\\')
    opening = "[" + "".join(sorted(re.escape(first) for first in firsts)) + "]"
    # The quote first, then what precedes it: a pattern opening with a literal is searched for much faster.
    return re.compile('"(?=' + opening + ')(?<=[\\[{ ,:]")(?:' + "|".join(bodies) + ')"', re.VERBOSE)


_TYPED_TEXT = _typed_text()


def _lines_opening_flow(text: str) -> list[str]:
    """Each line of `text` that holds a `[` or a `{`, in order.  Found with `str.find` (a pattern that
    looks at every line took 0.6 s for the 100 files of 100,000 synthetic facts, this 0.07 s): each bracket
    is found once, and a line once, whatever it holds."""
    lines: list[str] = []
    find, size = text.find, len(text)
    square, curly = find("["), find("{")
    while square >= 0 or curly >= 0:
        at = square if curly < 0 or 0 <= square < curly else curly
        end = find("\n", at)
        end = size if end < 0 else end
        lines.append(text[text.rfind("\n", 0, at) + 1 : end])
        if 0 <= square < end:
            square = find("[", end)
        if 0 <= curly < end:
            curly = find("{", end)
    return lines


def _flow_across_lines(flow_lines: list[str]) -> bool:
    """Among a text's `_lines_opening_flow`, one opening more `[`/`{` than it closes: a flow collection over
    several lines, whose plain scalars YAML 1.2 continues where PyYAML refuses (`{a` then `- x: }` on the
    next line).  Each distinct line once: most are alike (`via: [...]`)."""
    return any(line.count("[") + line.count("{") != line.count("]") + line.count("}") for line in set(flow_lines))


_INDICATOR = r"[ ]*[-?:|>!&*%@`#]"  # spaces, then an indicator that opens a flow scalar
_AFTER_COLON = re.compile(":" + _INDICATOR)


def _indicator_after_colon_in_flow(flow_lines: list[str]) -> bool:
    """On one of a text's `_lines_opening_flow`, an indicator after a `:` (`{b: >x}`, `{"k":?}`): a flow
    scalar opening with an indicator, which the two YAML versions read apart (a block scalar's `: |` is fine
    on a line without brackets).  The pattern never spans lines: it is looked for once in those lines joined."""
    return _AFTER_COLON.search("\n".join(flow_lines)) is not None


def _flow_indicator(text: str) -> bool:
    r"""A flow scalar opening with an indicator (`[:b]`, `{?x}`, `[|]`), or a `:` right before the end of a
    flow entry (`[b:]`), anywhere in `text`: the two YAML versions part there.  Looked for as four patterns,
    each opening with a literal character; one pattern opening with a class of characters
    (`[\[{,][ ]*[-?:|>!&*%@`#]|:[,\]}]`) is tried at every place of the text (6 times slower on the
    real-shaped corpus: 0.77 s against 0.12 s)."""
    return any(pattern.search(text) for pattern in _FLOW_INDICATORS)


_FLOW_INDICATORS = tuple(
    re.compile(pattern) for pattern in (r"\[" + _INDICATOR, r"\{" + _INDICATOR, "," + _INDICATOR, r":[,\]}]")
)
# Numbers outside strings in JSON text, compact or spaced (`_as_json`; a match inside a string only sends the
# text to PyYAML, never wrong).
_FLOAT = re.compile(r"(?:\[|[:,] ?)-?(?:[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|[0-9]+\.[0-9]+|NaN|Infinity)(?=[,\]}])")
# Where a float as JSON writes it may end: its fraction or its exponent before what ends a value.  A
# pattern opening with a literal is searched for ten times faster than `_FLOAT`, which is then tried on
# the few places found (JSON writes a float in at most 24 characters: 17 digits, sign, point, exponent).
_FLOAT_ENDS = (
    re.compile(r"\.(?<=[0-9]\.)[0-9]+(?:e[-+]?[0-9]+)?(?=[,\]}])"),
    re.compile(r"e(?<=[0-9]e)[-+]?[0-9]+(?=[,\]}])"),
)


def _has_float(as_json: str) -> bool:
    """A float among the values of a document as `_as_json` writes it (`1.5`, `1e+16` or `1e16`, `NaN`); a
    match inside a string only sends the text to PyYAML, never wrong."""
    if "NaN" in as_json or "Infinity" in as_json:
        return True
    for candidates in _FLOAT_ENDS:
        for match in candidates.finditer(as_json):
            if _FLOAT.search(as_json, max(0, match.start() - 32), match.end() + 1):
                return True
    return False


def _integers(document: dict[str, Any] | list[Any]) -> set[str]:
    """The unsigned decimal digits of every integer value of `document` (what `_zero_led_values` gives for a
    scalar).  A walk over the documents with a zero-led scalar in their text (1,020 of the 5,610 files of
    100,000 real-shaped facts) takes half the time of a pattern over their JSON (0.16 s against 0.32 s)."""
    found: set[str] = set()
    nested: list[dict[str, Any] | list[Any]] = [document]
    while nested:
        node = nested.pop()
        for value in node.values() if isinstance(node, dict) else node:
            if type(value) is int:  # not a bool
                found.add(str(abs(value)))
            elif isinstance(value, dict | list):
                nested.append(value)
    return found


_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep: a source is a few levels of mappings and lists"


_LONG_NUMBER = re.compile(r"(?<![^\s\[{,:+-])[0-9_]{4301,}")  # a run of digits that is not inside a word or quotes


def _unreadable_value(error: ValueError, where: Where, text: str) -> Problem:
    """A value PyYAML's constructors could not make: a number too long for Python, or a value under an
    explicit standard tag it does not fit (`!!int abc`)."""
    if "Exceeds the limit" in str(error):
        found = _LONG_NUMBER.search(text) or re.search(r"[0-9_]{4301,}", text)
        line, column = position(text, found.start()) if found else (1, 1)
        message = "a number of more than 4,300 digits, which Python does not read: put it in quotes if it is text"
        return Problem(where, message, line, column)
    return Problem(where, f"a YAML value that cannot be read: {error}", 1, 1)


_PLAIN_SIGNS = {"tag:yaml.org,2002:value": "=", _MERGE: "<<"}
"""What YAML 1.1 reads as no text where a value stands alone, by the tag it gives them (which PyYAML cannot
construct): a merge key's `<<`, and `=`, its 'value' key."""


def _syntax_problem(error: yaml.MarkedYAMLError, where: Where, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = " ".join(part for part in (error.context, error.problem) if part)
    lines = text.splitlines()
    at = lines[line - 1][column - 1 : column] if line <= len(lines) else ""
    if at == "\t":
        message = "a tab where YAML needs spaces: indent with spaces only"
    elif isinstance(error, yaml.constructor.ConstructorError) and "for the tag" in message:
        tag = message.split("for the tag", 1)[1].strip().strip("'")
        message = f"YAML tag '{tag}' is not allowed: sources are plain YAML, loaded safely"
        if tag in _PLAIN_SIGNS and at != "!":  # the value is the sign itself, written with no tag
            sign = _PLAIN_SIGNS[tag]
            message = f'YAML 1.1 reads a plain {sign} as a sign of its own, not as text: write it in quotes ("{sign}")'
    elif "exceeded maximum nesting depth" in message:
        message = _TOO_DEEP
    elif (long_key := _too_long_key(error, lines)) is not None:
        line, column, length = long_key
        message = (
            f"YAML syntax error: a key of {length:,} characters, where YAML reads at most {_LONGEST_KEY:,}: no field "
            "has such a name (a key is what stands before ': ')"
        )
    elif "while scanning a quoted scalar" in message and error.context_mark is not None:
        opened = error.context_mark  # the end of the file, where it noticed, says nothing
        line, column = opened.line + 1, opened.column + 1
        single = lines[line - 1][column - 1 : column] == "'" if line <= len(lines) else False
        until = " (the file ends first)" if "end of stream" in message else f" ({error.problem})"
        inside = "a ' inside is written ''" if single else 'a " inside is written \\"'
        message = f"YAML syntax error: this quote is never closed{until}: close it ({inside})"
    elif (apostrophe := _apostrophe_closing(lines, line, column)) is not None:
        column = apostrophe
        message = (
            "YAML syntax error: this ' ends the single-quoted value it stands in: a ' inside single quotes is "
            "written '' (it''s), or put the value in double quotes"
        )
    elif (open_quote := _quote_left_open(lines, error.context_mark, line)) is not None:
        line, column = open_quote
        message = (
            f"YAML syntax error: this quote runs on past its line, and the file no longer reads ({message}): "
            "close it on its line"
        )
    else:
        message = f"YAML syntax error: {message}{_SYNTAX_HINTS.get(error.problem or '', '')}"
    return Problem(where, message, line, column)


_MAPPING_VALUE = ": a value holding ': ' must be in quotes, or this line is indented too far"
_SYNTAX_HINTS = {
    "mapping values are not allowed here": _MAPPING_VALUE,
    "mapping values are not allowed in this context": _MAPPING_VALUE,
    "did not find expected key": ": this line is indented unlike the fields above it (or a quote above is left open)",
    "did not find expected '-' indicator": ": this line is indented less than the fields of its record, or a list "
    "item lacks its '- '",
}
_VALUE_START = r"^\s*(?:- +)?(?:[\w-]+: +)?"  # a line up to its value: a list item's dash, a key
_QUOTED_VALUE = re.compile(_VALUE_START + r'"((?:[^"\\]|\\.)*)$')
"""A line whose value opens a double quote it does not close."""
_SINGLE_QUOTED = re.compile(_VALUE_START + "'")


def _too_long_key(error: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, int, int] | None:
    """Where a key longer than YAML's 1,024 characters starts, and its length, when that is what the parser
    stopped at: in a block mapping it says only "could not find expected ':'", at the colon it did find (a
    quoted key ends after its closing quote: a ': ' inside it is text); in a flow mapping, "did not find
    expected ',' or '}'" at the colon after the key."""
    opened = error.context_mark
    if error.context in _FLOW_CONTEXTS and error.problem_mark is not None:
        return _too_long_flow_key(error.problem_mark.line, error.problem_mark.column, lines)
    if error.context != "while scanning a simple key" or opened is None or opened.line >= len(lines):
        return None
    text = lines[opened.line]
    quoted = _QUOTED_KEY.match(text, opened.column)
    colon = _KEY_END.search(text, quoted.end() if quoted else opened.column)
    length = colon.start() - opened.column if colon else 0
    return (opened.line + 1, opened.column + 1, length) if length > _LONGEST_KEY else None


def _too_long_flow_key(line: int, colon: int, lines: list[str]) -> tuple[int, int, int] | None:
    """The key that ends at `colon` in a flow collection (after its `{`, `[` or `,`), if longer than YAML reads."""
    text = lines[line] if line < len(lines) else ""
    if text[colon : colon + 1] != ":":
        return None
    start = max(text.rfind(opener, 0, colon) for opener in "{[,") + 1
    start += len(text[start:colon]) - len(text[start:colon].lstrip())
    return (line + 1, start + 1, colon - start) if colon - start > _LONGEST_KEY else None


_LONGEST_KEY = 1024
"""The most characters of a key YAML reads (its limit on an implicit key, which PyYAML keeps)."""
_FLOW_CONTEXTS = frozenset({"while parsing a flow mapping", "while parsing a flow sequence"})
_KEY_END = re.compile(r":(?:[ \t]|$)")
_QUOTED_KEY = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')
"""A double-quoted key (`\\"` inside) or a single-quoted one (`''` inside), up to its closing quote."""


def _apostrophe_closing(lines: list[str], line: int, column: int) -> int | None:
    """The column of the apostrophe that closed a single-quoted value early (`note: 'it's …'`: the parser
    breaks just after it), when that is where it broke; else None."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    before = text[: column - 1]
    if before.endswith("'") and text[column - 1 : column].isalpha() and _SINGLE_QUOTED.match(text):
        return column - 1
    return None


def _quote_left_open(lines: list[str], block: yaml.Mark | None, broke: int) -> tuple[int, int] | None:
    """(line, column) of a double quote opened and not closed on its line, between the start of the block the
    parser was reading (`block`) and the line where it broke: a quote left open swallows the lines after it,
    and the parser notices only where the quote happens to close.  A line is blamed only if closing its quote
    lets the parser read past where it broke: a quoted value may span lines, and a block scalar's text may
    hold a quote."""
    if block is None:
        return None
    for number in range(min(broke, len(lines)), block.line, -1):  # the nearest first
        found = _QUOTED_VALUE.match(lines[number - 1])
        if found is not None and _reads_past(lines, number, broke):
            return number, found.start(1)  # the quote's column, from 1
    return None


def _reads_past(lines: list[str], closed: int, broke: int) -> bool:
    """Whether the text, with a quote added at the end of line `closed`, parses beyond line `broke`."""
    mended = "\n".join([*lines[: closed - 1], lines[closed - 1] + '"', *lines[closed:]])
    try:
        yaml.compose(mended, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return mark is not None and mark.line + 1 > broke
    except yaml.YAMLError:
        return False
    return True


@dataclass(frozen=True)
class _Reuse:
    """An anchor (`&name`) or alias (`*name`) found in a source, with its mark."""

    kind: str
    name: str
    line: int  # 1-based
    column: int

    def problem(self, where: Where) -> Problem:
        sign = "&" if self.kind == "anchor" else "*"
        message = (
            f"YAML {self.kind} '{sign}{self.name}' is not allowed: sources spell every value out "
            "(anchors and aliases can make a small file expand without bound)"
        )
        return Problem(where, message, self.line, self.column)


_UNREADABLE = object()


def _first_anchor_or_alias(text: str) -> _Reuse | object | None:
    """The first anchor or alias of the document, found from the parser's events before anything is built;
    `_UNREADABLE` when PyYAML cannot parse the text (the full load then says where).

    Scanning events costs a third of a full load, so only texts holding '&' or '*' are scanned.
    """
    if "&" not in text and "*" not in text:
        return None
    parser = _BaseLoader(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                return _Reuse(kind, str(event.anchor), line, column)
    except yaml.YAMLError:
        return _UNREADABLE
    finally:
        parser.dispose()
    return None
