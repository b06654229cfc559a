"""`kg conflicts`: every pair of claims or events that disagree, each side with its quotes, who they are
attributed to, and the articles that print them."""

from __future__ import annotations

from dataclasses import dataclass

from kg.curation.rendering import CONFLICT_FORMATS, markdown_cell
from kg.exports.view import View, date_text
from kg.model import Claim, Evidence
from kg.problems import escaped as safe


@dataclass(frozen=True)
class Side:
    """One record of a conflicting pair."""

    id: str
    kind: str  # "claim" or "event"
    title: str
    date: str | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Conflict:
    first: Side
    second: Side
    note: str | None  # the curator's notes on either side, as written


def conflicts(view: View) -> list[Conflict]:
    """Each pair once (whichever side states it), in the record order of its first side, then the second."""
    pairs = sorted(
        {
            tuple(sorted((record, other), key=view.record_order.__getitem__))
            for record, others in view.conflicts.items()
            for other in others
        },
        key=lambda pair: (view.record_order[pair[0]], view.record_order[pair[1]]),
    )
    found = []
    for first, second in pairs:
        notes = [n for n in (view.records[first].note, view.records[second].note) if n]
        found.append(Conflict(_side(view, first), _side(view, second), " / ".join(notes) or None))
    return found


def _side(view: View, record_id: str) -> Side:
    record = view.records[record_id]
    return Side(
        record_id,
        "claim" if isinstance(record, Claim) else "event",
        view.title(record_id),
        date_text(record),
        record.evidence,
    )


def attribution(view: View, item: Evidence) -> str:
    """How the article attributes a quote: its modality, the chain of sources, who it was said to."""
    parts = [item.modality + (", direct speech" if item.direct_speech else "")]
    chain = view.chain(item)
    if chain:
        parts.append("via " + " → ".join(map(view.name, chain)))
    if item.said_to:
        parts.append(f"said to {view.name(item.said_to)}")
    return "; ".join(parts)


def render_conflicts(view: View, found: list[Conflict], output_format: str = "text") -> str:
    """The pairs as plain text, or Markdown (quotes as block quotes, escaped) for a review."""
    if output_format not in CONFLICT_FORMATS:
        raise ValueError(f"unknown conflicts format {output_format!r}: choose from {', '.join(CONFLICT_FORMATS)}")
    markdown = output_format == "markdown"
    count = f"{len(found)} conflicting pair{'' if len(found) == 1 else 's'}"
    lines = [f"# {count}" if markdown else count]
    for number, conflict in enumerate(found, start=1):
        lines.append("")
        lines.append(f"## {number}." if markdown else f"{number}.")
        for label, side in (("A", conflict.first), ("B", conflict.second)):
            dated = f" ({side.date})" if side.date else ""
            head = f"{side.title}{dated} [{side.kind} {side.id}]"
            lines.append(f"- **{label}**: {markdown_cell(head)}" if markdown else f"  {label}: {head}")
            for item in side.evidence:
                where = f"{item.article} — {attribution(view, item)}"
                if markdown:
                    lines.append(f"  - {markdown_cell(where)}")
                    lines.append(f"    > {markdown_cell(item.quote)}")
                else:
                    lines.append(f"     - “{item.quote}”")
                    lines.append(f"       {where}")
        if conflict.note:
            lines.append(f"- notes: {markdown_cell(conflict.note)}" if markdown else f"  notes: {conflict.note}")
    return "\n".join(map(safe, lines)) + "\n"
