"""`kg new entity`: add an entity to `sources/entities.yaml` without prompts, refusing any clash.

The entry is inserted into the file's `entities:` list as YAML text, after the last entity of its class
(or at the end), so the curator's comments and layout stay as they are; the file is replaced atomically,
and only when it still reads back with the new entity in it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml

from kg.checks.names import same_name
from kg.curation.authoring import CurationError, yaml_quoted, yaml_word
from kg.model import Entity, Event
from kg.ontology import load_ontology
from kg.problems import did_you_mean, locate
from kg.sources.records import load_sources
from kg.sources.schema import invisible_problem, is_id, is_name
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
    model = load_sources(sources).model
    existing = model.entities.get(entity_id) or model.events.get(entity_id)
    if existing is not None:
        raise CurationError(f"'{entity_id}' exists already: {_described(existing)}")
    if entity_id in model.articles:
        raise CurationError(f"'{entity_id}' is an article's id already")
    if (claim := model.claims.get(entity_id)) is not None:  # an id names one record of any kind (kg validate)
        raise CurationError(f"'{entity_id}' is a claim's id already ({claim.where.file}): choose another id")
    given = [name, *aliases]
    if any(not given_name.strip() for given_name in given):
        raise CurationError("a name or an alias cannot be blank")
    for given_name in given:
        if control := CONTROL.search(given_name):
            raise CurationError(f"{given_name!r} holds U+{ord(control.group()):04X}: a name is plain text")
        if unseen := invisible_problem(given_name):
            raise CurationError(f"{given_name!r} {unseen}")
        if not is_name(given_name):
            raise CurationError(f"{given_name!r}: a name is one line, with no space at its start or end")
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
    _insert_entry(path, entry_lines(entity_id, cls, name, aliases, note), entity_id, cls)
    return path


def _scalar(node: yaml.Node, key: str) -> str | None:
    """The text of `key`'s value in the mapping `node`, when it is a scalar."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == key and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


def _end_line(node: yaml.Node) -> int:
    """The line (0-based) after the last one `node` takes up: its last value's, for a block mapping or
    list (whose own end lies where the next item starts)."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        return _end_line(last[1] if isinstance(node, yaml.MappingNode) else last)
    mark = node.end_mark
    return mark.line if mark.column == 0 else mark.line + 1


def _described(node: Entity | Event) -> str:
    where = f", {node.where.file}" if node.where.file else ""
    return f"{node.id} ({node.type} '{node.name}'{where})"


def entry_lines(entity_id: str, cls: str, name: str, aliases: Sequence[str] = (), note: str | None = None) -> list[str]:
    """The entry as YAML lines, to be put at the list's own indentation."""
    quoted = yaml_quoted
    lines = [f"- id: {yaml_word(entity_id)}", f"  type: {yaml_word(cls)}", f"  name: {quoted(name)}"]
    if aliases:
        lines.append(f"  aliases: [{', '.join(map(quoted, aliases))}]")
    if note:
        lines.append(f"  note: {quoted(note)}")
    return lines


def _insert_entry(path: Path, entry: list[str], entity_id: str, cls: str) -> None:
    """Insert `entry` after the last item of class `cls` of the file's top-level `entities:` block list (so
    that a file grouped by class stays so), else after its last item; or as the first item of an empty one
    (`entities:` with no value, `entities: []`, or no such key yet)."""
    text = ""
    if path.exists():
        with open(path, encoding="utf-8", newline="") as stream:  # line ends as they are: kept as they are
            text = stream.read()
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n")
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
        indent = entities.value[0].start_mark.column - 2
        same_type = [item for item in entities.value if _scalar(item, "type") == cls]
        end = _end_line((same_type or entities.value)[-1])
        while end > 0 and not lines[end - 1].strip():
            end -= 1
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
    try:
        check = yaml.safe_load(updated)
    except yaml.YAMLError:
        check = None
    added = isinstance(check, dict) and isinstance(check.get("entities"), list)
    if not added or not any(isinstance(item, dict) and item.get("id") == entity_id for item in check["entities"]):
        raise CurationError(f"{path}: could not add the entry there; the file is unchanged")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as stream:
        stream.write(updated if updated.endswith("\n") else updated + "\n")
    os.chmod(temporary, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)  # not mkstemp's 0600
    os.replace(temporary, path)
