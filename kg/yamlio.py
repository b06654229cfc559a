"""Safe YAML reading: the C loader when available, dates kept as strings, duplicate keys refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.problems import Problem, Where

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SourceLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps `2025-02-06` as the string it is and reports duplicate mapping keys.

    Dates are parsed by `kg.dates` with their precision (a YAML timestamp would lose "2025-02" and
    accept times of day); a silently overwritten duplicate key would lose a curator's fact.  The
    first value of a duplicated key is kept so that the rest of the file is still checked.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicates: list[yaml.Node] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        kept = []
        for key_node, value_node in node.value:
            if key_node.value in seen:
                self.duplicates.append(key_node)
                continue
            seen.add(key_node.value)
            kept.append((key_node, value_node))
        node.value = kept
        return super().construct_mapping(node, deep=deep)


_SourceLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def read_yaml(file: Path) -> tuple[Any, list[Problem]]:
    """Load one YAML file safely.  Returns (document, problems); the document is None on failure."""
    where = Where(file)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(where, f"not valid UTF-8 ({error.reason} at byte {error.start})", 1, 1)]
    except OSError as error:
        return None, [Problem(where, f"cannot read file: {error.strerror}", 1, 1)]
    loader = _SourceLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        if isinstance(error, yaml.constructor.ConstructorError) and "for the tag" in message:
            tag = message.split("for the tag", 1)[1].strip().strip("'")
            message = f"YAML tag '{tag}' is not allowed: sources are plain YAML, loaded safely"
        else:
            message = f"YAML syntax error: {message}"
        return None, [Problem(where, message, line, column)]
    except yaml.YAMLError as error:
        return None, [Problem(where, f"YAML error: {error}", 1, 1)]
    finally:
        loader.dispose()
    return document, [
        Problem(
            where,
            f"duplicate key '{node.value}': a key may appear once in a mapping",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
        for node in loader.duplicates
    ]
