"""The fast YAML path (yaml-rs) never changes what a source means: wherever it answers, PyYAML agrees.

PyYAML (YAML 1.1, through the project's loader: dates kept as text) is the reference.  `fast_load` either
gives exactly the same Python data, types included, or says UNSURE and leaves the text to PyYAML.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
import yaml_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.sources.yaml_reader import (
    _FLOAT,
    _NOT_YAML,
    _TAG,
    UNSURE,
    _flow_across_lines,
    _flow_indicator,
    _has_float,
    _indicator_after_colon_in_flow,
    _lines_opening_flow,
    _SourceLoader,
    _zero_led_values,
    fast_load,
)

from .conftest import SOURCES

TRICKY_SCALARS = [
    "yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n", "true", "False", "TRUE", "~", "null", "Null",
    "0o17", "012", "0x1F", "0b101", "12:30", "1:30:00", "1_000", "1e3", "1.5e3", "1.5e+3", "1.5", ".5", "1.",
    ".inf", "-.Inf", ".nan", "2025", "2025-02-06", "2025-2-6", "2025-02-06 12:00", "2025-02-06T12:00:00Z",
    "+1", "-0", "12", "15", "'in 012, x'", "=", "<<",
    "'quoted'", '"2025"', '"yes"', "'012'", "a: b", "- x", "[1, 2]", "{a: 1}",
    '"tab\\there"', '"\\u263a"', "'it''s'", "Bashar al-Assad", "سوريا", "Тартус", "“curly”", "x # comment",
    '"say \\"yes\\" now"', '"ends in a backslash \\\\"', "on Nov. 18, 2019.", "1, 2.5 and 3", "[a, 1.5]",
    '["a\\\\", yes]', '["a \\"", ""]', "{1: a}", "{1.5: a}", "{1E100: a}", "{.inf: a}", "{yes: a}", "{null: a}",
    "{? [a]: b}", "[|]", "{?x}", "[?x]", "[-1]", "[a, :b]", "[b:]", "{b:}", "[x:, y]",
    "", "''", '""', "|\n  block\n  text", ">\n  folded\n  text", "multi\n  line plain",
]  # fmt: skip


def reference(text: str) -> Any:
    loader = _SourceLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def same(a: Any, b: Any) -> bool:
    """Equal, types included (1 is not True, 1 is not 1.0), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(k, k2) and same(a[k], b[k2]) for k, k2 in zip(a, b, strict=True))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def agrees(text: str) -> bool:
    fast = fast_load(text)
    if fast is UNSURE:
        return True
    try:
        slow = reference(text)
    except yaml.YAMLError:
        return False  # PyYAML refuses what the fast path accepted
    return same(fast, slow)


@pytest.mark.parametrize("scalar", TRICKY_SCALARS)
def test_tricky_scalars_mean_the_same_as_values_and_in_lists(scalar: str) -> None:
    for text in (f"key: {scalar}\n", f"list:\n  - {scalar}\n  - x\n", f"outer:\n  inner: {scalar}\n"):
        assert agrees(text), text


def test_the_real_corpus_takes_the_fast_path_and_means_the_same() -> None:
    files = sorted(SOURCES.rglob("*.yaml"))
    fast = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert agrees(text), path
        fast += fast_load(text) is not UNSURE
    # Every file today (a Markdown image's "![", "004," in a note, "003," in a comment no longer send a
    # file to PyYAML); a few future ones may need the fallback, but not one in ten.
    assert fast * 10 >= len(files) * 9, (fast, len(files))


def test_what_the_fast_parser_would_get_wrong_is_left_to_pyyaml() -> None:
    for text in (
        "a: !!python/object/apply:os.system ['x']\n",  # yaml-rs drops tags
        'a: {"b":!t x}\n',  # a tag right after a JSON-like key's ':' (YAML 1.2)
        "a: [x,!t y]\n",  # a tag right after a flow comma
        "a: x\x00\n",  # yaml-rs stops at NUL
        "a: 1\n---\nb: 2\n",  # yaml-rs returns two documents as a list
        "a: 1\r---\rb: 2\r",  # the same, lines broken by carriage returns
        "note: |\n  Some text",  # a block scalar ending the file: yaml-rs keeps a line break PyYAML drops
        '{"k":012}\n',  # 12 to yaml-rs, 10 to PyYAML, right after a quoted key's ':'
        "a: {b: >!!str 1}\n",  # an indicator opening a flow value: PyYAML refuses it
        "a: {x: >}\n",
        "a: 012\r\n",
        "a: yes\n",  # a boolean to PyYAML
        "a: 012\n",  # 10 to PyYAML
        "a: 1\na: 2\n",  # a duplicate key: PyYAML says where
        "a: " + "[" * 2000 + "]" * 2000 + "\n",  # nesting past the bound
        'a: ["x\\\\", yes]\n',  # a boolean after a string ending in a backslash
        "a: [x, 1.5]\n",  # a float
        "{1: a}\n",  # a key that is no text
        "1E100: null\n",  # a float key to yaml-rs (YAML 1.2), text to PyYAML: JSON makes it "1e+100"
        "note: |\n",  # an empty block scalar: a line break to yaml-rs, empty text to PyYAML
        "a: [x, :y]\n",  # a flow scalar opening with ':' (YAML 1.2 only)
        "a: {x \n- y: }\n",  # a flow mapping over two lines that PyYAML refuses
        "a: 1\t\nb: 2\n",  # tabs: where PyYAML refuses them, yaml-rs may not
        "a: .nAn\nb: x\n",  # NaN (PyYAML: text), which orjson writes as null: the json module writes NaN
        "a: 1e400\nb: [x, ~]\n",  # infinity to yaml-rs, beside a null
        "a: 1e3\nb: ~\n",  # a float (1000.0 to yaml-rs, text to PyYAML) beside a null
        "a: 1e3\n",  # the same, compact JSON: `{"a":1000.0}`
        "a: [12,yes]\n",  # typed text right after a compact comma
        "a: {b: x,c: 012}\n",  # a zero-led integer after a compact colon
        "a: 18446744073709551616\nb: 012\n",  # an integer beyond 64 bits: orjson refuses it
        "a: " + "[" * 300 + "]" * 300 + "\n",  # nesting past orjson's 254 levels, within PyYAML's bound
        "a: 0x7E9\n",  # 2025 to yaml-rs; text to the builder, which reads decimal integers only
        "a: 0b101\n",
        "a: 0O17\n",  # an octal in capitals
        "a: [0o7]\n",
        "a: 2_025\n",  # underscored, inside and at the end
        "date: 2025_\n",
    ):
        assert fast_load(text) is UNSURE, text


@pytest.mark.parametrize(
    "text",
    [
        "a: ~\nb: x\nc: [1, 2]\nd: {e: 012x, f: 3}\n",  # a null: written by the json module, spaced
        "a: x\nb: [1, 2]\nc: {d: 012x, e: 3}\n",  # no null: written by orjson, compact
    ],
)
def test_documents_written_either_way_as_json_keep_the_fast_path_and_mean_the_same(text: str) -> None:
    assert fast_load(text) is not UNSURE and agrees(text), text


@pytest.mark.parametrize("token", ["012", "0o17", "0_12", "0o1_7", "-012", "+0o17", "00", "0012", "09", "0_"])
def test_a_zero_led_scalar_is_known_by_the_value_yaml_rs_gives_it(token: str) -> None:
    text = f"k: {token}\n"
    assert _zero_led_values(text) == {str(abs(yaml_rs.loads(text, parse_datetime=False)["k"]))}
    assert fast_load(text) is UNSURE


def test_a_zero_led_number_in_a_comment_or_a_quote_keeps_the_fast_path_unless_its_value_is_there() -> None:
    """`004,` in a quoted note or `003,` in a comment is no integer, but the text check cannot tell: the
    file keeps the fast path only while no integer of the document has the value yaml-rs would give it."""
    for text in ('note: "as in 004, said"\nstart: 5\n', "# article 003, outlet\nstart: 30\n"):
        assert fast_load(text) == reference(text)
    for text in ('note: "as in 004, said"\nstart: 4\n', "# article 003, outlet\nstart: [1, 3]\n"):
        assert fast_load(text) is UNSURE


KEYS = st.sampled_from(["id", "name", "note", "a", "quote", "yes", "2025", "x y"])
SCALAR_TEXT = st.sampled_from(TRICKY_SCALARS[:-4]) | st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=12
).map(lambda s: yaml.safe_dump(s, allow_unicode=True, default_style='"').strip().removesuffix("..."))
VALUES = st.recursive(
    SCALAR_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
        | st.dictionaries(KEYS, inner, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        )
    ),
    max_leaves=8,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=5))
def test_random_documents_mean_the_same(document: dict[str, str]) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in document.items())
    assert agrees(text), text


@settings(max_examples=300, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
))  # fmt: skip
def test_documents_written_by_a_yaml_dumper_mean_the_same(data: Any) -> None:
    text = yaml.safe_dump({"data": data}, allow_unicode=True)
    assert agrees(text), text


def test_the_fast_path_is_faster(tmp_path: Path) -> None:
    """Not a timing: the fast path must actually be taken for ordinary curated files."""
    text = (SOURCES / "entities.yaml").read_text(encoding="utf-8")
    assert fast_load(text) is not UNSURE


SYNTAX = st.text(st.sampled_from(list("ab01[]{},:?-#'\"\\/ |>!%@`\t\n.")), min_size=1, max_size=12)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["k", "a b", "- x", "  - y", "? q", "- - w"]), SYNTAX), min_size=1, max_size=4)
)
def test_random_syntax_means_the_same_or_goes_to_pyyaml(pairs: list[tuple[str, str]]) -> None:
    """Indicators, flow collections, block scalars and tabs in every arrangement: where the two YAML versions
    part (an empty block scalar, `[b:]`, `{?x}`, a flow mapping over lines), the fast path must say UNSURE."""
    text = "".join(f"{key}: {value}\n" for key, value in pairs)
    assert agrees(text), text


# The text checks as they were first written (one regular expression each, slower): the fast forms must
# find exactly what they find.
_NOT_YAML_AS_WRITTEN = re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern + "|[\x85\u2028\u2029]")
_LEADING_ZERO_AS_WRITTEN = re.compile(r"(?:^|[\s\[{,:])[-+]?0(?:o[0-7_]+|[0-9_]+)[ \t]*(?:$|[\r,\]}]|\s#)", re.M)
_BRACKETED_LINE_AS_WRITTEN = re.compile(r"^[^\n]*[\[{][^\n]*$", re.MULTILINE)


def _flow_across_lines_as_written(text: str) -> bool:
    return any(
        line.count("[") + line.count("{") != line.count("]") + line.count("}")
        for line in (match.group() for match in _BRACKETED_LINE_AS_WRITTEN.finditer(text))
    )


_FLOW_INDICATOR_AS_WRITTEN = re.compile(r"[\[{,][ ]*[-?:|>!&*%@`#]|:[,\]}]")


def _indicator_after_colon_in_flow_as_written(text: str) -> bool:
    """Line by line, as the definition says."""
    return any(re.search(r":[ ]*[-?:|>!&*%@`#]", line) for line in text.split("\n") if "[" in line or "{" in line)


def test_the_one_class_of_characters_not_in_yaml_is_the_class_and_the_line_breaks() -> None:
    every = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in _NOT_YAML.finditer(every)] == [m.start() for m in _NOT_YAML_AS_WRITTEN.finditer(every)]


TEXT_PIECES = st.sampled_from(
    ["0", "00", "012", "0o17", "0_1", "+", "-", "\n", " ", "\t", "\u00a0", "\u2003", "[", "]", "{", "}", ",",
     "#", " #", "a", "1", "o", "_", "x: ", "- ", ":", "7", "|", ">", "?", "`"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(TEXT_PIECES, max_size=14).map("".join))
def test_the_fast_text_checks_find_what_the_patterns_found(text: str) -> None:
    assert bool(_zero_led_values(text)) == bool(_LEADING_ZERO_AS_WRITTEN.search(text))
    assert _flow_across_lines(_lines_opening_flow(text)) == _flow_across_lines_as_written(text)
    assert _indicator_after_colon_in_flow(_lines_opening_flow(text)) == _indicator_after_colon_in_flow_as_written(text)
    assert _flow_indicator(text) == bool(_FLOW_INDICATOR_AS_WRITTEN.search(text))


_TAG_AS_WRITTEN = re.compile(r"(?:^|(?<=[\s\[{,:]))!")
JSON_PIECES = st.sampled_from(
    ["[", "]", "{", "}", ", ", ": ", '"', "1", "0", "-", ".", "5", "e+", "e-", "e", "12", "NaN", "Infinity",
     "x", " ", "!", "\n", ":", ","]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(JSON_PIECES, max_size=16).map("".join))
def test_the_fast_float_and_tag_searches_find_what_the_patterns_found(text: str) -> None:
    """Floats as JSON writes them, compact (`[1e+16,2.5]`) or spaced (`[1e+16, 2.5]`)."""
    if "NaN" in text or "Infinity" in text:  # anywhere: a float to be sure, UNSURE at worst
        assert _has_float(text)
    else:
        assert _has_float(text) == bool(_FLOAT.search(text))
    assert bool(_TAG.search(text)) == bool(_TAG_AS_WRITTEN.search(text))


def test_a_float_in_a_quote_keeps_the_fast_path() -> None:
    text = 'note: "version 2.0, then 1e-3]"\n'
    assert fast_load(text) == reference(text)
