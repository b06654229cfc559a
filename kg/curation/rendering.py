"""How the curator's commands print: their output formats, aligned text tables, safe Markdown cells.

Kept apart from the commands themselves, so that the CLI can offer the formats without importing them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.problems import escaped as safe

TIMELINE_FORMATS = ("table", "markdown", "csv")
CONFLICT_FORMATS = ("text", "markdown")
DIFF_FORMATS = ("text", "markdown")
TERMS_FORMATS = ("text", "markdown")


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, the last one left ragged."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, str(row[-1])]).rstrip())
    return "\n".join(lines) + "\n"


def markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipe, newline or HTML can break the table or render, no
    handle or number can ping anyone on GitHub."""
    escaped = safe(text).replace("\\", "\\\\").replace("|", "\\|")
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        escaped = escaped.replace(character, entity)
    for character in "`*_[]~":  # ~ too: GitHub's Markdown strikes out ~~text~~
        escaped = escaped.replace(character, "\\" + character)
    return _GITHUB_REFERENCE.sub(r"\1<!-- -->", escaped)


_GITHUB_REFERENCE = re.compile(r"([@#])(?=\w)")
"""GitHub makes `@name` a mention (a notification to that account) and `#12`, `name#12` a link to an issue,
in the text of the page it renders: an empty comment after the sign splits that text in two, and nothing
else shows (a backslash does not stop either)."""
