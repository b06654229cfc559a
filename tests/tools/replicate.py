"""A real-shaped corpus of any size: the real sources replicated N times under fresh ids.

Every copy keeps what makes the real corpus costly and varied (article texts, aliases, events with roles,
hedged and denied evidence, attribution chains, conflicts, photos, dates with inferred parts); ids, article
files, names and aliases get a suffix per copy, so copies never clash.  The result validates.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from kg.sources.records import source_files
from kg.sources.yaml_reader import read_yaml

NAMED = {"name", "aliases"}  # text that must stay unique across copies
FREE_TEXT = {"quote", "note", "reason", "caption", "credit", "headline", "title", "value", "outlet_note", "section"}


def defined_ids(documents: list[dict[str, Any]]) -> set[str]:
    found = set()
    for data in documents:
        if "id" in data and "text" in data:  # an article file
            found.add(data["id"])
        for key in ("entities", "events", "claims"):
            found |= {item["id"] for item in data.get(key) or () if isinstance(item, dict) and "id" in item}
    return found


def _rename(value: Any, key: str, ids: set[str], suffix: str) -> Any:
    if isinstance(value, dict):
        if value.get("id") not in ids and "type" in value and "name" in value:
            return value  # a shared author: kept as it is
        return {k: _rename(v, k, ids, suffix) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, key, ids, suffix) for v in value]
    if isinstance(value, str):
        if key in NAMED:
            return f"{value} {suffix}"
        if key not in FREE_TEXT and value in ids:
            return f"{value}-{suffix}"
        if key == "text" and value.endswith(".txt"):
            return f"{value[:-4]}-{suffix}.txt"
    return value


def replicate(sources: Path, copies: int, target: Path) -> int:
    """Write `copies` renamed copies of `sources` into `target`; returns how many facts (claims + events)."""
    listed = source_files(sources)
    documents = {file: read_yaml(file, sources)[0] or {} for file in (*listed.articles, *listed.facts)}
    authors = {data["author"] for data in documents.values() if isinstance(data.get("author"), str)}
    ids = defined_ids(list(documents.values())) - authors
    (target / "articles").mkdir(parents=True, exist_ok=True)
    count = 0
    for copy in range(copies):
        suffix = f"c{copy}"
        for file, data in documents.items():
            if copy > 0 and data.get("entities"):  # shared authors are defined by the first copy only
                data = {**data, "entities": [e for e in data["entities"] if e.get("id") not in authors]}
            renamed = _rename(data, "", ids, suffix)
            relative = file.relative_to(sources)
            out = target / relative.parent / f"{relative.stem}-{suffix}.yaml"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(yaml.safe_dump(renamed, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
            count += len(data.get("claims") or ()) + len(data.get("events") or ())
        for text in sorted((sources / "articles").glob("*.txt")):
            shutil.copyfile(text, target / "articles" / f"{text.stem}-{suffix}.txt")
    return count
