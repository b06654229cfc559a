"""The page's data as JSON that is safe inside its HTML: in a `<script type="application/json">` element, and
as the argument of a shard script's call."""

from __future__ import annotations

import orjson

_JSON_IN_HTML = tuple(
    (character.encode(), escaped.encode())
    for character, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
        ("/", "\\/"),
    )
)


def script_json(data: object) -> str:
    """JSON safe inside `<script type="application/json">` and as a JavaScript expression: no `</script>`,
    `<!--` or line separators can appear, and `\\/` keeps any URL in the data from being a literal URL.

    Written by orjson (Rust): the same text as `json.dumps(data, ensure_ascii=False, separators=(",", ":"))`
    on the page's data (integer keys written as text, as json does), in a third of the time.  That data is
    text, integers, booleans, null and the layout's coordinates, rounded to a tenth; the two write other
    floats apart (`1e-07` against `1e-7`), NaN too (`NaN` against `null`), and orjson refuses integers
    beyond 64 bits: `tests/test_html.py` holds them to the same text on the kinds of values the page has."""
    return script_bytes(data).decode("utf-8")


def script_bytes(data: object) -> bytes:
    """`script_json` as UTF-8, as the shard files hold it: made and escaped as bytes, which is a third of the
    time escaping the text takes (130 MB of shards at 100,000 real-shaped facts: 0.76 s escaped as text),
    and the text is never decoded only to be encoded again."""
    return escaped_bytes(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))


def escaped_bytes(data: bytes) -> bytes:
    """UTF-8 JSON `data` made safe as `script_json` says (every character escaped is a whole UTF-8 sequence,
    and none of their bytes can be part of another character's)."""
    for character, escaped in _JSON_IN_HTML:
        data = data.replace(character, escaped)
    return data


def shard_file(name: str) -> str:
    """The file of shard `name` ("nodes/3") in the shard folder: `nodes-3.js`."""
    return name.replace("/", "-") + ".js"


def shard_script(name: str, text: bytes) -> bytes:
    """The script of shard `name`: a call that hands the page its JSON `text` (made by `script_bytes`)."""
    return b'kgShard("' + name.encode() + b'",' + text + b");\n"
