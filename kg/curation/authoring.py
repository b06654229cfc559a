"""What the curator's commands (`kg new article`, `kg new entity`) share: the error that tells the curator
what to change, the model they check against, YAML text they write, and ids made from names."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import yaml

from kg.model import Model
from kg.problems import ValidationFailed, locate
from kg.sources.records import load_sources


class CurationError(ValueError):
    """A request the curator must change: a clash, a bad id, an unreadable file.  The message says how."""


def refuse_bytes(what: str, text: str) -> None:
    """CurationError when `text`, given on the command line, holds bytes that are not UTF-8 (Python keeps each as
    a lone surrogate, U+DC80 to U+DCFF, which no file can hold): `what` names it in the message."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        held = f"the byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
        raise CurationError(f"{what} holds {held}, which is not UTF-8 text: give it in UTF-8") from None


def sources_model(sources: Path) -> Model:
    """The model of `sources`, as far as it reads; ValidationFailed, as every command reports it, when there is
    no sources folder there (`--sources sourcse` made a new sources tree, or failed naming a temporary file)."""
    loaded = load_sources(sources)
    if not sources.is_dir():
        raise ValidationFailed(locate(loaded.problems))
    return loaded.model


_YAML_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def yaml_quoted(text: str) -> str:
    """`text` as one YAML double-quoted scalar, safe in a value and in a comment: a JSON string (every YAML
    parser reads it) with the characters YAML, unlike JSON, takes for line breaks escaped as well."""
    return json.dumps(text, ensure_ascii=False).translate(_YAML_BREAKS)


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def yaml_word(text: str) -> str:
    """`text` (an id, a class) as a YAML value: as written when it is a word YAML reads back as that same text
    (`russia`, `Person`), else double-quoted: YAML reads `yes`, `on` and `off` as true or false, `null` as
    nothing and `2025` as a number, and the file written with them did not validate."""
    return text if _WORD.fullmatch(text) and yaml.safe_load(text) == text else yaml_quoted(text)


_UNDECOMPOSED = str.maketrans(
    {"ß": "ss", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Đ": "D",
     "đ": "d", "Þ": "Th", "þ": "th", "ð": "d", "ı": "i"}
)  # fmt: skip
"""Latin letters no accent can be taken off (NFKD leaves them whole): their usual ASCII spelling."""


def slug(text: str, words: int = 8, default: str = "article") -> str:
    """An id from a name or headline: lowercase words joined by dashes, accents taken off their letters
    ('Ärtíkel' gave 'rt-kel'); `default` when it has no letter or digit to keep (a name in Cyrillic)."""
    plain = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED)).encode("ascii", "ignore").decode("ascii")
    parts = re.findall(r"[a-z0-9]+", plain.lower().replace("'", ""))
    return "-".join(parts[:words]) or default
