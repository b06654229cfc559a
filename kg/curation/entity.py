"""`kg new entity`: add an entity to `sources/entities.yaml` without prompts, refusing any clash.

The entry is inserted at the end of the file's `entities:` list as YAML text, so the curator's comments
and layout stay as they are; the file is replaced atomically, and only when it still reads back with the
new entity in it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import yaml

from kg.curation.scaffold import CurationError
from kg.model import Entity
from kg.ontology import load_ontology
from kg.problems import did_you_mean
from kg.sources.records import load_sources
from kg.sources.schema import ID_PATTERN

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
    if not re.fullmatch(ID_PATTERN, entity_id):
        raise CurationError(f"'{entity_id}' is not an id: use lowercase letters, digits and dashes")
    ontology = load_ontology(ontology_dir)
    classes = ontology.entity_classes
    if cls not in classes:
        hint = did_you_mean(cls, classes)
        kind = " (an event class: events are written in a facts file)" if cls in ontology.event_classes else ""
        listed = "" if hint else f"; the entity classes: {', '.join(classes)}"
        raise CurationError(f"'{cls}' is not an entity class{kind}{hint}{listed}")
    model = load_sources(sources).model
    existing = model.entities.get(entity_id) or model.events.get(entity_id)
    if existing is not None:
        raise CurationError(f"'{entity_id}' exists already: {_described(existing)}")
    if entity_id in model.articles:
        raise CurationError(f"'{entity_id}' is an article's id already")
    given = [name, *aliases]
    twice = [n for n in given if sum(same_name(n, other) for other in given) > 1]
    if twice:
        raise CurationError(f"'{twice[0]}' is given twice (as the name or an alias): give each name once")
    for wanted in given:
        for entity in model.entities.values():
            if any(same_name(wanted, known) for known in entity.names):
                raise CurationError(
                    f"'{wanted}' names an existing entity: {_described(entity)} — use it, "
                    "or give a name that tells them apart"
                )
    path = sources / ENTITIES_FILE
    _insert_entry(path, _entry(entity_id, cls, name, aliases, note), entity_id)
    return path


def same_name(one: str, other: str) -> bool:
    """Whether two names are the same for a reader: case, accents, dashes, apostrophes and spacing aside
    ("Bashar al Assad" is "Bashar al-Assad", "Russia-Syria relations" is "Russia–Syria relations")."""
    return _name_words(one) == _name_words(other)


def _name_words(name: str) -> list[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", plain.replace("'", "").replace("’", "").replace("ʼ", ""))


def _described(node: Entity | object) -> str:
    if isinstance(node, Entity):
        where = f"{node.where.file}" if node.where.file else ""
        return f"{node.id} ({node.type} '{node.name}'{', ' + where if where else ''})"
    return str(getattr(node, "id", node))


def _entry(entity_id: str, cls: str, name: str, aliases: Sequence[str], note: str | None) -> list[str]:
    """The entry as YAML lines at the list's own indentation (JSON strings are YAML double-quoted scalars)."""

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    lines = [f"- id: {entity_id}", f"  type: {cls}", f"  name: {quoted(name)}"]
    if aliases:
        lines.append(f"  aliases: [{', '.join(map(quoted, aliases))}]")
    if note:
        lines.append(f"  note: {quoted(note)}")
    return lines


def _insert_entry(path: Path, entry: list[str], entity_id: str) -> None:
    """Insert `entry` after the last item of the file's top-level `entities:` list (a new file if none)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if not text.strip():
        text = "# yaml-language-server: $schema=../ontology/facts.schema.json\nentities:\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise CurationError(f"{path} does not read as YAML ({error}); fix it first (kg validate)") from None
    entities = None
    if isinstance(root, yaml.MappingNode):
        entities = next((value for key, value in root.value if key.value == "entities"), None)
    lines = text.split("\n")
    if isinstance(entities, yaml.SequenceNode) and entities.value:
        indent = entities.value[0].start_mark.column - 2
        last_line = max(entities.value[-1].end_mark.line, entities.value[-1].start_mark.line)
        end = last_line if entities.value[-1].end_mark.column == 0 else last_line + 1
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = [" " * indent + line for line in entry]
    elif root is None or (isinstance(entities, yaml.ScalarNode) and entities.value in ("", "null", "~")):
        key_line = entities.start_mark.line if entities is not None else len(lines)
        if entities is None:
            lines.append("entities:")
        lines[key_line + 1 : key_line + 1] = ["  " + line for line in entry]
    else:
        raise CurationError(f"{path}: its top-level `entities:` is not a list; fix it first (kg validate)")
    updated = "\n".join(lines)
    check = yaml.safe_load(updated)
    if not any(item.get("id") == entity_id for item in check.get("entities") or [] if isinstance(item, dict)):
        raise CurationError(f"{path}: could not add the entry; the file is unchanged")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(updated if updated.endswith("\n") else updated + "\n")
    os.replace(temporary, path)
