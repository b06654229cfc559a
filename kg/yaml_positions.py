"""Where paths lie in a YAML file (line and column), found in one pass over the parser's events.

A problem is found at a path of the loaded document (`kg.problems.Where`); to print it, the path is looked up
in the file.  Composing the file into nodes to walk them held every scalar of it as an object: a 15.8 MB file
of one long list with one unknown key took 2.3 GB and 42 s.  The events are read instead, keeping only the
marks of the nodes along the paths asked for, and the reading stops as soon as each path is found whole (the
same file: a few milliseconds, for a key at its top).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

Step = str | int
YamlPath = tuple[Step, ...]
KEY = "<key>"  # a final path step meaning "the key itself, not its value" (for unknown fields)


class _Open:
    """A mapping or a sequence being read: its path (None when no path asked for lies inside it), the next
    item's index (a sequence), or whether a key comes next and the path of the value after it (a mapping)."""

    __slots__ = ("at_key", "index", "mapping", "path", "value_path")

    def __init__(self, path: YamlPath | None, mapping: bool):
        self.path, self.mapping = path, mapping
        self.index = 0
        self.at_key = True
        self.value_path: YamlPath | None = None


def positions(file: Path, paths: set[YamlPath]) -> dict[YamlPath, tuple[int, int]]:
    """Each of `paths` → the 1-based line and column of the deepest node along it that the file holds: a key
    missing from a mapping locates at the mapping, an index past a sequence's end at the sequence; a path
    ending with KEY at the key itself.  A step that is text names a mapping's key, a number a sequence's item
    (the loader makes every key text: `kg.sources.yaml_reader`).  A key the file repeats is located at its
    first occurrence.  A file that cannot be read or parsed places what it could (its start, for the rest)."""
    children: dict[YamlPath, set[str]] = {}  # each prefix of a path → the mapping keys after it
    indexes: dict[YamlPath, set[int]] = {}  # each prefix → the sequence indexes after it
    for path in paths:
        for depth, step in enumerate(path):
            if isinstance(step, int):
                indexes.setdefault(path[:depth], set()).add(step)
            elif step != KEY:
                children.setdefault(path[:depth], set()).add(step)
    # PyYAML, imported when a problem is placed: a process that reads no YAML (the ontology's page) needs it not.
    import yaml

    found: dict[YamlPath, tuple[int, int]] = {}
    try:
        with open(file, encoding="utf-8") as stream:
            text = stream.read()
        _read(
            yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), children, indexes, found, set(paths)
        )
    except yaml.YAMLError:
        if "\ufeff" in text[1:]:  # libyaml stops at a byte order mark inside the file ("did not find expected key"),
            found = {}  # which PyYAML's own parser reads as part of the key, as the loader did ('\ufeffclaims')
            with contextlib.suppress(yaml.YAMLError):
                _read(yaml.parse(text, Loader=yaml.SafeLoader), children, indexes, found, set(paths))
    except (OSError, UnicodeDecodeError):
        pass
    return {path: _deepest(found, path) for path in paths}


def _read(
    events: Any,
    children: dict[YamlPath, set[str]],
    indexes: dict[YamlPath, set[int]],
    found: dict[YamlPath, tuple[int, int]],
    left: set[YamlPath],
) -> None:
    """Record in `found` the mark of each node along the paths asked for, until `left` (the paths not yet found
    whole) is empty or the first document ends."""
    import yaml

    nodes = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
    stack: list[_Open] = []
    for event in events:
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            return
        if not isinstance(event, nodes):
            continue
        start = event.start_mark
        mark = (start.line + 1, start.column + 1) if start is not None else (1, 1)
        path: YamlPath | None = ()
        if stack:
            top = stack[-1]
            path = None
            if not top.mapping:
                if top.path is not None and top.index in indexes.get(top.path, ()):
                    path = (*top.path, top.index)
                top.index += 1
            elif top.at_key:
                top.at_key, top.value_path = False, None
                text = event.value if isinstance(event, yaml.ScalarEvent) else None  # a key that is a list: no path
                if text is not None and top.path is not None and text in children.get(top.path, ()):
                    top.value_path = (*top.path, text)
                    _record(found, left, (*top.value_path, KEY), mark)
            else:
                top.at_key, path = True, top.value_path
        if path is not None:
            _record(found, left, path, mark)
            if not left:
                return
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            tracked = path is not None and (path in children or path in indexes)  # a path asked for lies inside
            stack.append(_Open(path if tracked else None, isinstance(event, yaml.MappingStartEvent)))


def _record(found: dict[YamlPath, tuple[int, int]], left: set[YamlPath], path: YamlPath, mark: tuple[int, int]) -> None:
    if path not in found:  # a repeated key: its first occurrence
        found[path] = mark
        left.discard(path)


def _deepest(found: dict[YamlPath, tuple[int, int]], path: YamlPath) -> tuple[int, int]:
    for depth in range(len(path), -1, -1):
        if path[:depth] in found:
            return found[path[:depth]]
    return 1, 1
