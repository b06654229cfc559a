"""JSON Schemas of the two YAML file kinds, with the ontology's vocabulary as enumerations.

`structure_schema()` is what `kg validate` checks (vocabulary is checked separately, with "did you
mean"); `editor_schema()` adds the enumerations for editor completion and is what `kg schema` writes
to `ontology/*.schema.json`, referenced by each YAML file's `yaml-language-server` modeline.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from kg.limits import MAX_NAME_CHARACTERS
from kg.ontology import Ontology
from kg.problems import holds_invisible, invisible_characters, invisibles_named, is_invisible, placed

ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
SCHEMA_FILES = {"article": "article.schema.json", "facts": "facts.schema.json"}


@cache
def whole_pattern(pattern: str) -> re.Pattern[str]:
    """`pattern` as JSON Schema means it (ECMA-262), in Python's terms: a final `$` that matches at the very end
    only (`\\Z`), where Python's also matches before a final line break, which let `id: "russia\\n"` through; and
    the category `\\p{Cf}` (`VISIBLE_PATTERN`), which Python's expressions do not read, as its characters
    (listed for such a pattern only: 70 ms)."""
    pattern = pattern.replace(_FORMAT_CATEGORY, invisible_characters()) if _FORMAT_CATEGORY in pattern else pattern
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def is_id(value: str) -> bool:
    """Whether `value` is a well-formed id (`ID_PATTERN` to its very end).  One that is not is reported by the
    schema; the checks of what an id names pass it over (one mistake, one message)."""
    return whole_pattern(ID_PATTERN).search(value) is not None


def is_name(value: str) -> bool:
    """Whether `value` is a well-formed name or alias (`NAME_PATTERN` to its very end, nothing invisible)."""
    return whole_pattern(NAME_PATTERN).search(value) is not None and not holds_invisible(value)


def is_text(value: str) -> bool:
    """Whether `value` is well-formed text (`TEXT_PATTERN`: not blank; nothing invisible)."""
    return whole_pattern(TEXT_PATTERN).search(value) is not None and not holds_invisible(value)


def is_line(value: str) -> bool:
    """Whether `value` is one line of text, not blank (`LINE_PATTERN`): a well-formed headline or title."""
    return whole_pattern(LINE_PATTERN).search(value) is not None


def tab_problem(value: str) -> str | None:
    """What is wrong with a tab in `value`, if it holds one: "holds a tab (U+0009) after 'Bashar'" (what to do
    goes after).  One line of text (an id, a name, a headline, a role's text) holds none."""
    index = value.find("\t")
    return f"holds a tab (U+0009){placed(value, index)}" if index >= 0 else None


def invisible_problem(value: str) -> str | None:
    """What to do about the invisible characters of `value` (`VISIBLE_PATTERN`), if it holds any: its
    subject (the value, or the field) goes before."""
    if not holds_invisible(value):
        return None
    return f"holds {invisibles_named(value)}: delete {'them' if sum(map(is_invisible, value)) > 1 else 'it'}"


def id_form(text: str) -> str:
    """`text` as ids are written: its words in lower case, joined by dashes (`New York Times`,
    `New_York_Times`: 'new-york-times'); how a malformed id is compared with the ids it may have meant."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _rule(pattern: str, message: str) -> dict[str, str]:
    """`pattern`, with what an editor says of a value that does not match it: the YAML language server shows a
    `patternErrorMessage` (else "String does not match the pattern of …", which says nothing to a curator, or,
    for a `not`, "Matches a schema that is not allowed"); validators pass the keyword over."""
    return {"pattern": pattern, "patternErrorMessage": message}


_ID = {
    "type": "string",
    **_rule(ID_PATTERN, "not a valid id: use lowercase letters, digits and dashes"),
    "description": "lowercase letters, digits and dashes",
}
_FORMAT_CATEGORY = "\\p{Cf}"
VISIBLE_PATTERN = f"^[^{_FORMAT_CATEGORY}]*$"
"""Text that holds no character no one sees (`kg.problems.is_invisible`: Unicode's category Cf), as ECMA-262
(editors) and jsonschema-rs read it; `whole_pattern` spells the category out for Python.  None is allowed in text
the curator writes: a name holding one is a second name that looks like the first, and that no text spells."""
_VISIBLE = _rule(
    VISIBLE_PATTERN,
    "holds an invisible character (a zero-width space or joiner, a soft hyphen, a direction mark or override, a "
    "byte order mark): delete it (kg validate names it, and says where it is)",
)
TEXT_PATTERN = "\\S"
BLANK = "blank text: write the words, or leave the field out"
_VERBATIM = {"type": "string", **_rule(TEXT_PATTERN, BLANK)}
"""Text copied from an article's text, and checked against it: not blank (a quote of spaces is found everywhere);
what the text holds, invisible or not, it may hold too (a soft hyphen the text prints), and what the text does
not hold is not found there."""
_TEXT = {"type": "string", "allOf": [_rule(TEXT_PATTERN, BLANK), _VISIBLE]}
_NOT_IN_A_LINE = "\\t\\n\\x85\\u2028\\u2029"
"""A tab and the line breaks, in a character class: what one line of text does not hold (the other controls, a
carriage return too, are refused in any text: `kg.sources.yaml_reader.CONTROL`).  A tab in a name made a second
name that no text spells (texts put a space there), and one in a headline or a role's text is shown as a space."""
LINE_PATTERN = f"^[^{_NOT_IN_A_LINE}]*\\S[^{_NOT_IN_A_LINE}]*$"
"""A headline, a title, a role's or a claim's text: one line (the page and the exports show it on one), not
blank."""
_LINE_RULE = _rule(LINE_PATTERN, "one line, not blank: no line break (a `|` or `>` block ends with one), no tab")
NAME_PATTERN = f"^\\S(?:[^{_NOT_IN_A_LINE}]*\\S)?$"
"""A name or an alias: one line, no space at either end (' Russia' was a second name that no text spells)."""
LINE_TEXT = {"type": "string", "allOf": [_LINE_RULE, _VISIBLE]}
"""One line of text a curator writes (a title; a role's or a qualifier's text)."""
_NAME = {
    "type": "string",
    "maxLength": MAX_NAME_CHARACTERS,
    "allOf": [
        _rule(NAME_PATTERN, "a name is one line (no line break, no tab), with no space at its start or end"),
        _VISIBLE,
    ],
}
_DATE_STRING = {
    "type": ["string", "integer"],
    **_rule(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$", "a date as printed: YYYY, YYYY-MM or YYYY-MM-DD"),
    "description": "YYYY, YYYY-MM or YYYY-MM-DD, at the precision printed",
}
_DATE_PART = {"enum": ["year", "month", "day"]}
_DATE = {
    "description": "a date at the precision printed, optionally with inferred parts flagged",
    "anyOf": [
        _DATE_STRING,
        {
            "type": "object",
            "required": ["value"],
            "additionalProperties": False,
            "properties": {
                "value": _DATE_STRING,
                "inferred": {
                    "anyOf": [_DATE_PART, {"type": "array", "items": _DATE_PART, "uniqueItems": True}],
                    "description": "the parts the source does not print: [year], [year, month]; one alone: year",
                },
                "note": _TEXT,
            },
        },
    ],
}
_ROLE_VALUE = {"anyOf": [_ID, {"type": "array", "items": _ID, "minItems": 1}, LINE_TEXT]}
"""An id, ids, or a literal as printed: one line of text, not a YAML number (`012` reads as 10, `0x1F` as 31)."""

LINT_RULES = ("ungrounded", "place-not-located", "actor-without-affiliation", "modality-words", "date-not-printed")
"""Every rule of `kg lint` (kg.checks.lint), in the order it counts their findings: here, beside the marks that
spare a record or an entity some of them, so that the command line lists them without importing the rules."""
UNUSED_LINT_MARK = "unused-mark"
"""What `kg lint` reports a mark that spares a record nothing under: a rule of its own, for `--rule`."""
RECORD_LINT_RULES = ("ungrounded", "modality-words", "date-not-printed")
"""The rules of `kg lint` (kg.checks.lint) that a claim or an event may be spared, with a reason."""
ENTITY_LINT_RULES = ("place-not-located", "actor-without-affiliation")
"""The rules of `kg lint` that an entity may be spared, with a reason."""


def _lint(rules: tuple[str, ...]) -> dict[str, Any]:
    """`lint: {rule: reason}`: the `kg lint` rules a record is spared, each with the reason (required), for the one
    field it finds something at; or `lint: {rule: {field: reason, …}}`, for each field named (at one filler of a
    role); or `lint: {rule: {field: {filler: reason, …}}}`, for each filler named."""
    reason = {**_TEXT, "description": "why the rule does not apply here (a pronoun, a continent…)"}
    fillers = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": reason,
        "description": "each filler of the role or qualifier the rule finds something at, and why it does not apply",
    }
    fields = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {"anyOf": [reason, fillers]},
        "description": "each field the rule finds something at (a role, subject, object…), and why it does not apply",
    }
    mark = {"anyOf": [reason, fields]}
    return {"type": "object", "additionalProperties": False, "properties": dict.fromkeys(rules, mark)}


_BOOLEAN = {"type": "boolean"}
YAML_1_1_BOOLEANS = ("yes", "Yes", "YES", "on", "On", "ON", "no", "No", "NO", "off", "Off", "OFF")
"""What YAML 1.1 reads as true (`yes`, `on`) or false (`no`, `off`) besides `true` and `false`: PyYAML, which
reads every source file for `kg`, does; YAML 1.2, which an editor's YAML server speaks, reads them as text.
The editor schema takes them where a boolean goes, so that it marks no `direct_speech: yes` that `kg` takes."""


def _evidence(modality: dict[str, Any], speech: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["quote"],
        "additionalProperties": False,
        "properties": {
            "quote": {**_VERBATIM, "description": "verbatim text of the article (curly quotes included)"},
            "article": {**_ID, "description": "the article quoted; default: the file's `article`"},
            "via": {
                "type": "array",
                "items": _ID,
                "description": "attribution chain after the outlet: [reuters, syrian-source]",
            },
            "said_to": {**_ID, "description": "the outlet the original source said it to"},
            "modality": modality,
            "direct_speech": speech,
        },
    }


def _names() -> dict[str, Any]:
    return {"name": _NAME, "aliases": {"type": "array", "items": _NAME, "uniqueItems": True}, "note": _TEXT}


def _facts_schema(
    types: dict[str, Any],
    events: dict[str, Any],
    relations: dict[str, Any],
    roles: dict[str, Any],
    qualifiers: dict[str, Any],
    modalities: dict[str, Any],
    speech: dict[str, Any],
    object_or_value: list[dict[str, Any]],
) -> dict[str, Any]:
    evidence = {"type": "array", "items": _evidence(modalities, speech), "minItems": 1}
    conflicts = {"type": "array", "items": _ID, "description": "ids of conflicting claims or events"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "syria-russia-kg facts file",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "article": {**_ID, "description": "default article of the evidence in this file"},
            "entities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "type", "name"],
                    "additionalProperties": False,
                    "properties": {"id": _ID, "type": types, **_names(), "lint": _lint(ENTITY_LINT_RULES)},
                },
            },
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "type", "name", "evidence"],
                    "additionalProperties": False,
                    "properties": {
                        "id": _ID,
                        "type": events,
                        **_names(),
                        "date": _DATE,
                        "start": _DATE,
                        "end": _DATE,
                        "roles": {"type": "object", "propertyNames": roles, "additionalProperties": _ROLE_VALUE},
                        "evidence": evidence,
                        "conflicts_with": conflicts,
                        "lint": _lint(RECORD_LINT_RULES),
                    },
                },
            },
            "claims": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["subject", "predicate", "evidence"],
                    "additionalProperties": False,
                    "properties": {
                        "id": _ID,
                        "subject": _ID,
                        "predicate": relations,
                        "object": _ID,
                        "value": {
                            "type": ["string", "number", "boolean"],
                            "allOf": [_LINE_RULE, _VISIBLE],  # patterns: a number or true/false passes them
                            "description": "the literal as printed, as text (quoted if YAML would read a number), "
                            "or a number or true/false where the relation's range is one (kg.literals)",
                        },
                        "date": _DATE,
                        "start": _DATE,
                        "end": _DATE,
                        "qualifiers": {
                            "type": "object",
                            "propertyNames": qualifiers,
                            "additionalProperties": _ROLE_VALUE,
                        },
                        "evidence": evidence,
                        "conflicts_with": conflicts,
                        "lint": _lint(RECORD_LINT_RULES),
                        "note": _TEXT,
                    },
                    **({"oneOf": object_or_value} if object_or_value else {}),
                },
            },
        },
    }


def _article_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "syria-russia-kg article metadata",
        "type": "object",
        "required": ["id", "text"],
        "oneOf": [{"required": ["headline"]}, {"required": ["title"]}],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "text": {**_TEXT, "description": "file name of the article's plain text, next to this file"},
            "outlet": {**_ID, "description": "entity id of the publishing NewsOrganization"},
            "outlet_note": _TEXT,
            "headline": {"type": "string", **_LINE_RULE, "description": "the headline as printed (verbatim)"},
            "title": {**LINE_TEXT, "description": "a descriptive title, for articles whose text prints no headline"},
            "author": _ID,
            "section": _VERBATIM,
            "published": {  # the date printed, or bounds the text supports (with why)
                "type": ["string", "integer", "object"],
                **{key: _DATE_STRING[key] for key in ("pattern", "patternErrorMessage")},  # (of a string only)
                "additionalProperties": False,
                "required": ["note"],
                "properties": {"after": _DATE, "before": _DATE, "note": _TEXT},
                "description": "the date the article prints (YYYY-MM-DD), or {after:, before:, note:} if none",
            },
            "photos": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "caption"],
                    "additionalProperties": False,
                    "properties": {"id": _ID, "caption": _VERBATIM, "credit": _VERBATIM},
                },
            },
            "ignore": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["quote", "reason"],
                    "additionalProperties": False,
                    "properties": {"quote": _VERBATIM, "reason": _TEXT},
                },
            },
        },
    }


ARTICLE_FIELDS = frozenset(_article_schema()["properties"]) - {"id"}
"""The fields only an article's file may hold (a facts file naming one gets told where it belongs)."""


def structure_schema(kind: str) -> dict[str, Any]:
    """The schema `kg validate` applies: structure only, vocabulary left to the ontology checks.

    A claim's "exactly one of `object` or `value`" is left to `kg.sources.records` too: as a `oneOf`, one
    branch fails for every valid claim, and a compiled validator pays for an exception each time (a sixth
    of the load at 100,000 facts).
    """
    if kind == "article":
        return _article_schema()
    name = {"type": "string"}
    return _facts_schema(name, name, name, name, name, name, _BOOLEAN, object_or_value=[])


def editor_schema(kind: str, ontology: Ontology) -> dict[str, Any]:
    """The schema for editors: structure plus the ontology's classes and properties as enumerations."""
    if kind == "article":
        return _article_schema()

    def enum(names: tuple[str, ...]) -> dict[str, Any]:
        return {"enum": list(names), "description": "; ".join(f"{n}: {ontology.label(n)}" for n in names)[:2000]}

    return _facts_schema(
        enum(ontology.entity_classes),
        enum(ontology.event_classes),
        enum(ontology.usable("relation")),
        enum(ontology.usable("role")),
        enum(ontology.usable("qualifier")),
        {"enum": [m.name for m in ontology.modalities]},
        {
            "anyOf": [_BOOLEAN, {"enum": list(YAML_1_1_BOOLEANS)}],
            "description": "true or false; YAML 1.1's yes/on and no/off too, as kg reads them",
        },
        object_or_value=[{"required": ["object"]}, {"required": ["value"]}],
    )


def render_editor_schemas(ontology: Ontology) -> dict[str, str]:
    """File name → JSON text of every editor schema (stable formatting for clean diffs)."""
    return {
        file: json.dumps(editor_schema(kind, ontology), indent=2, ensure_ascii=False) + "\n"
        for kind, file in SCHEMA_FILES.items()
    }


def write_editor_schemas(ontology: Ontology, directory: Path) -> list[Path]:
    written = []
    for file, text in render_editor_schemas(ontology).items():
        path = directory / file
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
