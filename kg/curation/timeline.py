"""`kg timeline`: the events and dated claims of the graph in date order, with their sources.

A date is kept at the precision its source prints it, so "January 2025" is neither the 1st nor the 31st.
An entry is placed at the first day it can denote and, among entries starting that day, the longer span
comes first: a month-precise event is listed before the day-precise events inside that month, and its
span ("2025-01-01 … 2025-01-31") is printed, so that nobody reads it as the 1st.  Parts of a date the
curator inferred (not printed by the source) are marked with "≈" and named.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from kg.curation.rendering import TIMELINE_FORMATS, markdown_cell, text_table
from kg.exports.view import Record, View, date_text
from kg.model import Claim
from kg.problems import escaped as safe

COLUMNS = ("date", "precision", "span", "kind", "id", "what", "modality", "sources")


@dataclass(frozen=True)
class Entry:
    """One dated record as the timeline lists it."""

    date: str  # as curated: "2025-01-28", "2025-04-23 (year inferred)", "from 2017 – 2066"
    precision: str  # "day", "month", "year", or both ends of an interval ("day – year")
    span: str  # the days the date can denote: "2025-01-28", or "2025-01-01 … 2025-01-31"
    kind: str  # an event's class, or "claim: <relation>"
    id: str
    what: str  # the event's name, or the claim as "subject — relation — object"
    modality: str  # its evidence's, the firmest first: a hedged plan ("talks would resume in April") is listed as
    # such, and a claim one source asserts and another denies as "asserted, denied"
    sources: str  # the articles quoted, each with the chains it cites: "kp-abu-qasra (via reuters → syrian-source)"
    inferred: bool

    def row(self, marked: bool = True) -> tuple[str, ...]:
        """The cells in COLUMNS order; `marked`: an inferred date starts with "≈" (its text names the parts)."""
        return (
            ("≈ " if self.inferred and marked else "") + self.date,
            self.precision,
            self.span,
            self.kind,
            self.id,
            self.what,
            self.modality,
            self.sources,
        )


@dataclass(frozen=True)
class Window:
    """The days a timeline keeps: a record is kept when every day its date can denote lies inside (a month
    is not "in" a window that holds only some of its days; an interval's open end lies at infinity, inside
    only a window unbounded on that side), or, with `overlap`, when some of them do.  `None`: unbounded."""

    first: dt.date | None = None
    last: dt.date | None = None
    overlap: bool = False

    def keeps(self, record: Record) -> bool:
        start, end = _days(record)
        low, high = self.first or dt.date.min, self.last or dt.date.max
        if self.overlap:
            return (start or dt.date.min) <= high and (end or dt.date.max) >= low
        return low <= (start or dt.date.min) and (end or dt.date.max) <= high  # an open end lies at infinity


def timeline(view: View, window: Window | None = None, article: str | None = None) -> list[Entry]:
    """Every event and claim with a date, in date order (see the module's docstring), then by record order;
    only those `window` keeps, and with `article`, only those with evidence from that article."""
    dated = [record for record in view.records.values() if record.date or record.start or record.end]
    if window is not None:
        dated = [record for record in dated if window.keeps(record)]
    if article is not None:
        dated = [record for record in dated if any(item.article == article for item in record.evidence)]
    dated.sort(key=lambda r: (*_placed(r), view.record_order[r.id]))
    return [_entry(view, record) for record in dated]


def _days(record: Record) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a record's date can denote; None for an open end of an interval."""
    if record.date is not None:
        return record.date.earliest, record.date.latest
    return (record.start.earliest if record.start else None), (record.end.latest if record.end else None)


def _placed(record: Record) -> tuple[dt.date, int]:
    """Where a record goes: its first day (an interval open at the start: its end's first day), and
    before the shorter spans starting that day, the number of days it spans, negated."""
    first = record.date or record.start or record.end
    last = record.date or record.end or record.start
    assert first is not None and last is not None
    return first.earliest, -(last.latest - first.earliest).days


def _entry(view: View, record: Record) -> Entry:
    dates = [d for d in (record.date, record.start, record.end) if d is not None]
    modalities = view.modalities(record.evidence)
    kind = f"claim: {view.ontology.label(record.predicate)}" if isinstance(record, Claim) else record.type
    return Entry(
        date=date_text(record) or "",
        precision=" – ".join(d.precision for d in dates),
        span=_span(record),
        kind=kind,
        id=record.id,
        what=view.title(record.id),
        modality=", ".join(modalities),
        sources=_sources(record, mixed=len(modalities) > 1),
        inferred=any(d.inferred for d in dates),
    )


def _span(record: Record) -> str:
    """The days a record's date can denote; an interval with an open end says so."""
    first, last = _days(record)
    start = first.isoformat() if first else "(open)"
    end = last.isoformat() if last else "(open)"
    return start if start == end else f"{start} … {end}"


def _sources(record: Record, mixed: bool) -> str:
    """Each article the record's evidence quotes, with each attribution chain it cites ("via reuters →
    syrian-source", chains apart: "via a | via b", and its own voice, "own voice", beside them), each chain with
    its modality where the record's evidence has several, `mixed` (a denial is not read as one more supporter)."""
    cited: dict[str, list[str]] = {}
    for item in record.evidence:
        chain = "via " + " → ".join(item.via) if item.via else "own voice"
        if mixed:
            chain += f": {item.modality}"
        chains = cited.setdefault(item.article, [])
        if chain not in chains:
            chains.append(chain)
    return "; ".join(
        article + (f" ({' | '.join(chains)})" if chains != ["own voice"] else "")
        for article, chains in sorted(cited.items())
    )


def render_timeline(entries: Sequence[Entry], output_format: str = "table") -> str:
    """The entries as an aligned text table, a Markdown table or CSV (RFC 4180, with a header row)."""
    rows = [tuple(map(safe, entry.row(marked=output_format != "csv"))) for entry in entries]
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return buffer.getvalue()
    if output_format == "markdown":
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    if output_format != "table":
        raise ValueError(f"unknown timeline format {output_format!r}: choose from {', '.join(TIMELINE_FORMATS)}")
    return text_table(COLUMNS, rows)
