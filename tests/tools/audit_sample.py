"""Draw records (events and claims together) at random from the real corpus and print them for an audit.

`python -m tests.tools.audit_sample [--seed N] [--count 30] [--sources DIR] [--ontology DIR]`: each record with
its fields, and each evidence quote with the sentence(s) of the article that hold it."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from kg.checks.checked import load_project
from kg.checks.coverage import split_sentences
from kg.dates import Date
from kg.model import Claim, Event, Evidence, Model

DEFAULT_SEED = 20261203


def _date(label: str, date: Date | None) -> list[str]:
    if date is None:
        return []
    inferred = f" (inferred: {', '.join(date.inferred)})" if date.inferred else ""
    note = f" — {date.note}" if date.note else ""
    return [f"  {label}: {date.value} [{date.precision}]{inferred}{note}"]


def _pairs(label: str, pairs: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    return [f"  {label} {name}: {', '.join(fillers)}" for name, fillers in pairs]


def _sentences(model: Model, evidence: Evidence) -> str:
    """The sentence(s) of the article overlapping the quote's first occurrence."""
    text = model.articles[evidence.article].text
    start = text.find(evidence.quote)
    if start < 0:
        return "(quote not found)"
    end = start + len(evidence.quote)
    return " ".join(s.text for s in split_sentences(text) if s.start < end and start < s.end)


def describe(model: Model, record: Event | Claim) -> list[str]:
    """The lines printed for one record."""
    lines = [f"{record.id} ({'event' if isinstance(record, Event) else 'claim'})"]
    if isinstance(record, Event):
        lines.append(f"  type: {record.type}  name: {record.name}")
        lines += _pairs("role", record.roles)
    else:
        lines.append(f"  subject: {record.subject}  predicate: {record.predicate}")
        lines += [f"  {k}: {v}" for k, v in (("object", record.object), ("value", record.value)) if v is not None]
        lines += _pairs("qualifier", record.qualifiers)
    lines += _date("date", record.date) + _date("start", record.start) + _date("end", record.end)
    lines += [f"  conflicts_with: {', '.join(record.conflicts_with)}"] if record.conflicts_with else []
    lines += [f"  note: {record.note}"] if record.note else []
    for number, evidence in enumerate(record.evidence, start=1):
        extras = [f"via: {' > '.join(evidence.via)}"] if evidence.via else []
        extras += [f"said_to: {evidence.said_to}"] if evidence.said_to else []
        extras += ["direct speech"] if evidence.direct_speech else []
        lines.append(f"  evidence {number} [{evidence.article}] {evidence.modality} {'; '.join(extras)}".rstrip())
        lines.append(f"    quote:    {evidence.quote}")
        lines.append(f"    sentence: {_sentences(model, evidence)}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--sources", type=Path, default=Path("sources"))
    parser.add_argument("--ontology", type=Path, default=Path("ontology"))
    args = parser.parse_args(argv)
    model = load_project(args.sources, args.ontology).model
    records: list[Event | Claim] = sorted([*model.events.values(), *model.claims.values()], key=lambda r: r.id)
    drawn = random.Random(args.seed).sample(records, min(args.count, len(records)))
    print(f"seed {args.seed}: {len(drawn)} of {len(records)} records")
    for index, record in enumerate(drawn, start=1):
        print(f"\n{index}. " + "\n".join(describe(model, record)))


if __name__ == "__main__":
    main()
