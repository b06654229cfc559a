"""`kg new entity`: add an entity to `sources/entities.yaml` without prompts, refusing any clash.

The entry is inserted into the file's `entities:` list as YAML text, after the last entity of its class
(or at the end), so the curator's comments and layout stay as they are; the file is replaced atomically,
and only when it reads back as it did with the new entity in it, and `kg validate` finds that entity sound.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from kg.checks.names import same_name, too_long
from kg.curation.authoring import CurationError, refuse_bytes, sources_model, yaml_quoted, yaml_word
from kg.curation.placing import new_file_mode, replace, staged
from kg.limits import MAX_NAME_WORDS
from kg.model import Entity, Event
from kg.ontology import load_ontology
from kg.problems import did_you_mean, locate
from kg.sources.records import read_file
from kg.sources.schema import invisible_problem, is_id, is_name, tab_problem
from kg.sources.yaml_reader import CONTROL, read_yaml

ENTITIES_FILE = "entities.yaml"


def new_entity(
    sources: Path,
    ontology_dir: Path,
    entity_id: str,
    cls: str,
    name: str,
    aliases: Sequence[str] = (),
    note: str | None = None,
) -> Path:
    """Add the entity to `sources/entities.yaml`; CurationError when the id, a name or the class is wrong."""
    if not is_id(entity_id):
        raise CurationError(f"'{entity_id}' is not an id: use lowercase letters, digits and dashes")
    ontology = load_ontology(ontology_dir)
    classes = ontology.entity_classes
    if cls not in classes:
        hint = did_you_mean(cls, classes)
        kind = " (an event class: events are written in a facts file)" if cls in ontology.event_classes else ""
        listed = "" if hint else f"; the entity classes: {', '.join(classes)}"
        raise CurationError(f"'{cls}' is not an entity class{kind}{hint}{listed}")
    path = sources / ENTITIES_FILE
    unreadable = locate(read_yaml(path, sources)[1]) if os.path.lexists(path) else []
    if unreadable:  # not YAML, or refused (a link leading outside sources/): fixed first, not written over
        raise CurationError(f"{unreadable[0]}; fix it first (kg validate)")
    model = sources_model(sources)
    existing = model.entities.get(entity_id) or model.events.get(entity_id)
    if existing is not None:
        raise CurationError(f"'{entity_id}' exists already: {_described(existing)}")
    if entity_id in model.articles:
        raise CurationError(f"'{entity_id}' is an article's id already")
    if (claim := model.claims.get(entity_id)) is not None:  # an id names one record of any kind (kg validate)
        raise CurationError(f"'{entity_id}' is a claim's id already ({claim.where.file}): choose another id")
    for argument, text in [("--name", name), *(("--alias", alias) for alias in aliases), ("--note", note or "")]:
        refuse_bytes(argument, text)
    given = [name, *aliases]
    if any(not given_name.strip() for given_name in given):
        raise CurationError("a name or an alias cannot be blank")
    for given_name in given:
        if control := CONTROL.search(given_name):
            raise CurationError(f"{given_name!r} holds U+{ord(control.group()):04X}: a name is plain text")
        if unseen := invisible_problem(given_name):
            raise CurationError(f"{given_name!r} {unseen}")
        if tab := tab_problem(given_name):
            raise CurationError(f"{given_name!r} {tab}: write a space")
        if not is_name(given_name):
            raise CurationError(f"{given_name!r}: a name is one line, with no space at its start or end")
        if (long := too_long(given_name)) is not None:
            words = f"{long[1]:,} words: a name has {MAX_NAME_WORDS} at most"
            raise CurationError(f"'{long[0]}' has {words} (a description belongs in --note)")
    twice = [n for n in given if sum(same_name(n, other) for other in given) > 1]
    if twice:
        raise CurationError(f"'{twice[0]}' is given twice (as the name or an alias): give each name once")
    for wanted in given:
        for node in model.nodes():  # events too: a name names one node (kg validate)
            if any(same_name(wanted, known) for known in node.names):
                kind = "an existing entity" if isinstance(node, Entity) else "an existing event"
                raise CurationError(
                    f"'{wanted}' names {kind}: {_described(node)} — use it, or give a name that tells them apart"
                )
    _insert_entry(path, sources, entry_record(entity_id, cls, name, aliases, note))
    return path


def _scalar(node: yaml.Node, key: str) -> str | None:
    """The text of `key`'s value in the mapping `node`, when it is a scalar."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == key and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


def _end_line(node: yaml.Node, lines: list[str]) -> int:
    """The line (0-based) after the last one `node` takes up, in the file's `lines`: its last value's, for a block
    mapping or list (whose own end lies where the next item starts).  The blank lines a block scalar (`|`, `>`)
    ends on are not its value, unless it keeps them (`|+`, `>+`): an entry put among those changed the value."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        return _end_line(last[1] if isinstance(node, yaml.MappingNode) else last, lines)
    start, mark = node.start_mark, node.end_mark
    end = mark.line if mark.column == 0 else mark.line + 1
    header = _BLOCK_HEADER.match(lines[start.line], start.column)
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") and header and "+" in header.group():
        return end
    while end > start.line + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _past_own_comments(lines: list[str], end: int, indent: int) -> int:
    """The line after the comments that follow an item at its fields' indentation (a field commented out), which
    are the item's: an entry put before them took them for its own."""
    while (
        end < len(lines) and lines[end].lstrip().startswith("#") and len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    return end


_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")
"""A block scalar's header: its style, then its indentation and chomping indicators in either order."""


def _described(node: Entity | Event) -> str:
    where = f", {node.where.file}" if node.where.file else ""
    return f"{node.id} ({node.type} '{node.name}'{where})"


def entry_record(
    entity_id: str, cls: str, name: str, aliases: Sequence[str] = (), note: str | None = None
) -> dict[str, Any]:
    """The entry as YAML reads it: its id, type and name, and its aliases and note when it has them."""
    record: dict[str, Any] = {"id": entity_id, "type": cls, "name": name}
    if aliases:
        record["aliases"] = list(aliases)
    if note is not None:  # blank, it is refused as `kg validate` refuses it
        record["note"] = note
    return record


def entry_lines(record: dict[str, Any]) -> list[str]:
    """The entry (`entry_record`) as YAML lines, to be put at the list's own indentation: the id and the type
    plain where YAML reads them back as written (`yaml_word`), the rest double-quoted."""
    lines: list[str] = []
    for key, value in record.items():
        if isinstance(value, list):
            written = f"[{', '.join(map(yaml_quoted, value))}]"
        else:
            written = yaml_word(value) if key in ("id", "type") else yaml_quoted(value)
        lines.append(f"{'  ' if lines else '- '}{key}: {written}")
    return lines


def _insert_entry(path: Path, sources: Path, record: dict[str, Any]) -> None:
    """Insert `record` after the last item of its class of the file's top-level `entities:` block list (so that
    a file grouped by class stays so), else after its last item; or as the first item of an empty one
    (`entities:` with no value, `entities: []`, or no such key yet).  The file is replaced only when what is
    written reads back as it was with `record` added (`_check_added`)."""
    entry = entry_lines(record)
    text = ""
    if path.exists():
        with open(path, encoding="utf-8", newline="") as stream:  # line ends as they are: kept as they are
            text = stream.read()
    newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text else "\n"
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR ends a line too, as YAML reads it
    if not text.strip():
        text = "# yaml-language-server: $schema=../ontology/facts.schema.json\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise CurationError(f"{path} does not read as YAML ({error}); fix it first (kg validate)") from None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise CurationError(f"{path} does not hold a mapping at its top level; fix it first (kg validate)")
    entities = next((value for key, value in root.value if key.value == "entities"), None) if root else None
    empty = entities is None or (isinstance(entities, yaml.ScalarNode) and entities.value in ("", "null", "~"))
    if isinstance(entities, yaml.SequenceNode) and entities.value and entities.flow_style:
        raise CurationError(f"{path}: its `entities:` is a flow list ([…]); write it as a block list (- …) first")
    if isinstance(entities, yaml.SequenceNode) and entities.value:
        lines = text.split("\n")
        indent = entities.start_mark.column  # its first dash (`-   id:` has its id four columns further)
        same_type = [item for item in entities.value if _scalar(item, "type") == record["type"]]
        end = _past_own_comments(lines, _end_line((same_type or entities.value)[-1], lines), indent)
        lines[end:end] = [" " * indent + line for line in entry]
        updated = "\n".join(lines)
    elif entities is None:
        updated = text.rstrip("\n") + "\nentities:\n" + "".join(f"  {line}\n" for line in entry)
    elif empty or isinstance(entities, yaml.SequenceNode):  # `entities:`, `entities: ~`, `entities: []`
        before, after = text[: entities.start_mark.index], text[entities.end_mark.index :]
        rest = after.split("\n", 1)
        items = "".join(f"\n  {line}" for line in entry)
        updated = before.rstrip(" ") + rest[0] + items + ("\n" + rest[1] if len(rest) > 1 else "\n")
    else:
        raise CurationError(f"{path}: its top-level `entities:` is not a list; fix it first (kg validate)")
    data = (updated if updated.endswith("\n") else updated + "\n").replace("\n", newline).encode("utf-8")
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else new_file_mode()
    with staged(path, data, mode) as written:
        _check_added(path, written, sources, record)
        replace(path, written)


_ARGUMENTS = {"id": "ID", "type": "--type", "name": "--name", "aliases": "--alias", "note": "--note"}
"""The argument of `kg new entity` that gives each field."""


def _check_added(path: Path, written: Path, sources: Path, record: dict[str, Any]) -> None:
    """CurationError unless `written` reads as `path` did with `record` added to its `entities:` (an entry put
    inside the value before it, a `|+` note's kept blank lines, changed that value) and `kg validate` finds
    nothing wrong with `record` (its checks, not a copy of them: a note that is blank, or holds a control or an
    invisible character)."""
    before = (read_yaml(path, sources)[0] if path.exists() else None) or {}
    after = read_yaml(written, sources)[0]
    old, new = _entities(before), _entities(after)
    if not isinstance(after, dict) or len(new) != len(old) + 1:
        raise CurationError(f"{path}: with the entry there, the file would not read as it did plus one entity; "
                            "the file is unchanged: add the entry by hand")  # fmt: skip
    index = next((i for i, (was, now) in enumerate(zip(old, new, strict=False)) if was != now), len(old))
    kept = new[:index] + new[index + 1 :]
    changed = next((i for i, (was, now) in enumerate(zip(old, kept, strict=True)) if was != now), None)
    if changed is not None or {**after, "entities": old} != {**before, "entities": old}:
        what = f"the entity {_id_of(old[changed])}" if changed is not None else "the file's keys beside `entities:`"
        raise CurationError(f"{path}: the entry put there would change {what}; the file is unchanged: add it by hand")
    added = new[index] if isinstance(new[index], dict) else {}
    if added != record:
        key = next(key for key in [*record, *added] if added.get(key) != record.get(key))
        read = f"would read back as {added.get(key)!r}, not {record.get(key)!r}"
        raise CurationError(f"{path}: the entry's {key} {read}; the file is unchanged")
    problems = [
        problem for problem in read_file(written, sources).problems if problem.where.path[:2] == ("entities", index)
    ]
    if problems:
        field = str(problems[0].where.path[2]) if len(problems[0].where.path) > 2 else "id"
        raise CurationError(f"{_ARGUMENTS.get(field, field)}: {problems[0].message}")


def _entities(document: object) -> list[Any]:
    """The items of a document's top-level `entities:` list (none when it has none)."""
    items = document.get("entities") if isinstance(document, dict) else None
    return items if isinstance(items, list) else []


def _id_of(item: object) -> str:
    """An entity's id as a message shows it."""
    given = item.get("id") if isinstance(item, dict) else None
    return repr(given) if given is not None else "with no id"
