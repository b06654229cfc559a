"""Safe YAML reading: the C loader when available, dates kept as strings, duplicate keys refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.problems import Problem, Where

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SourceLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps `2025-02-06` as the string it is and rejects duplicate mapping keys.

    Dates are parsed by `kg.dates` with their precision (a YAML timestamp would lose "2025-02" and
    accept times of day); a silently overwritten duplicate key would lose a curator's fact.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' in this mapping", key_node.start_mark
                )
            seen.add(key)
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
    try:
        return yaml.load(text, Loader=_SourceLoader), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(where, f"YAML syntax error: {message}", line, column)]
    except yaml.YAMLError as error:
        return None, [Problem(where, f"YAML error: {error}", 1, 1)]
