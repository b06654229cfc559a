"""Pin the competency questions' answers again after an edit of the corpus: `python -m tests.tools.repin`.

It builds `sources/` into a temporary folder, runs every query of `ontology/queries/`, prints what changed from
`tests/competency_answers.py` (a diff per query, to read before accepting it), and with `--write` rewrites that
file (then `ruff format tests/competency_answers.py`).  A fact added or corrected changes some answers on
purpose: the diff says which, and the test then holds the new ones.
"""

from __future__ import annotations

import argparse
import difflib
import pprint
import tempfile
from pathlib import Path

import kg

from ..competency_answers import PINNED
from ..conftest import ONTOLOGY, SOURCES
from ..sparql_helpers import competency_queries, kg_query_json, rows

ANSWERS = Path(__file__).resolve().parents[1] / "competency_answers.py"


def answers() -> dict[str, list[tuple[str, ...]] | bool]:
    """Every competency question's answer for the corpus as it is, by the query's name."""
    with tempfile.TemporaryDirectory() as out:
        kg.build(SOURCES, ONTOLOGY, Path(out))
        return {query.stem: rows(kg_query_json(Path(out), query)) for query in competency_queries()}


def differences(now: dict[str, list[tuple[str, ...]] | bool]) -> str:
    """A unified diff of each answer that differs from the pinned one."""
    parts = []
    for name, answer in now.items():
        pinned = PINNED.get(name)
        if answer != pinned:
            old = pprint.pformat(pinned, width=200).splitlines()
            new = pprint.pformat(answer, width=200).splitlines()
            parts.append(f"===== {name}\n" + "\n".join(difflib.unified_diff(old, new, lineterm="", n=0)))
    return "\n".join(parts)


def write(now: dict[str, list[tuple[str, ...]] | bool]) -> None:
    """Rewrite the pinned answers, keeping the file's docstring and header; quotes stay whole."""
    text = ANSWERS.read_text(encoding="utf-8")
    head = text[: text.index("PINNED: dict")]
    body = "".join(f"    {name!r}: {answer!r},\n" for name, answer in now.items())
    ANSWERS.write_text(f"{head}PINNED: dict[str, list[tuple[str, ...]] | bool] = {{\n{body}}}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite tests/competency_answers.py")
    arguments = parser.parse_args()
    now = answers()
    print(differences(now) or "every answer is as pinned")
    if arguments.write:
        write(now)


if __name__ == "__main__":
    main()
