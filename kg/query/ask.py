"""A SPARQL query over the built graph and the ontology, answered as text: what `kg query` prints, callable from Python.

>>> from kg.query.ask import ask
>>> answer = ask("SELECT ?base WHERE { ?base a kgo:MilitaryBase }", fmt="csv")
>>> print(answer.text)

The query runs in a forked process with a time and a memory bound (`kg.query.bounded`): Oxigraph's engine is
native code that no signal reaches.  Errors are raised: `QueryError` (the query is wrong: located, with advice),
`EmptyQuery`, `QueryTimedOut`, `QueryOutOfMemory`, `QueryDied`, `MissingExport` (no graph built yet) and
`SyntaxError` (an export that cannot be read: `kg.query.store.unreadable_export` says so in a user's words).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.checks.checked import DEFAULT_ONTOLOGY
from kg.exports.turtle import DEFAULT_BASE
from kg.exports.write import DEFAULT_OUT
from kg.limits import MAX_QUERY_BYTES, MIB, megabytes
from kg.query.defaults import DEFAULT_QUERY_MEMORY, DEFAULT_TIMEOUT
from kg.sources.reading import BOM, FileRefused, decode, read_bounded


class EmptyQuery(ValueError):
    """The query text holds no query: nothing, or comments only."""

    MESSAGE = "the query is empty (a SELECT, ASK, CONSTRUCT or DESCRIBE)"


@dataclass(frozen=True)
class Answer:
    """A query's answer as text, the format that text is written in (a CONSTRUCT's `table` is Turtle), and the
    warnings worth telling: terms of the query that neither the graph nor the ontology holds (`kgo:Persn`),
    which would otherwise read as "no such facts"."""

    text: str
    format: str
    warnings: list[str]


def read_query(file: Path | str, stdin: Any = None) -> str:
    """The query text of `file` (or of `stdin`, a binary stream, when `file` is `-`): at most `MAX_QUERY_BYTES`,
    decoded as a source file is (a byte order mark that starts it is no character of the query: a Windows editor
    saves one, and it was the query's first character, `1:10: expected CONSTRUCT`).  Raises FileRefused (with the
    place) for a file too large or not text, and the system's OSError for one that cannot be read."""
    if str(file) == "-":  # read as bytes, as a file is: UTF-16 or Latin-1 text was a codec's error
        if stdin is None:  # started without one (`<&-`)
            raise FileRefused("standard input is closed: give the query in a file, or with -e")
        data = stdin.read(MAX_QUERY_BYTES + 1)
        if len(data) > MAX_QUERY_BYTES:
            raise FileRefused(f"standard input holds more than the {megabytes(MAX_QUERY_BYTES)} a query may take")
        return decode(data, "standard input").removeprefix(BOM)
    data = read_bounded(Path(file), MAX_QUERY_BYTES, "the query file", "a query is far shorter")
    return decode(data, "the query file").removeprefix(BOM)


def ask(
    query: str,
    exports: Path = DEFAULT_OUT,
    ontology: Path = DEFAULT_ONTOLOGY,
    sources: Path | None = None,
    base: str = DEFAULT_BASE,
    fmt: str = "table",
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_mb: int | None = DEFAULT_QUERY_MEMORY,
) -> Answer:
    """`query` answered over the graph in `exports` (or, given `sources`, the graph built from them in memory)
    and the ontology, written as `fmt` (`kg.query.defaults.RESULT_FORMATS`).  `timeout`: seconds the query may
    run once the graph is loaded; `memory_mb`: megabytes it may take beyond the graph's (None or 0: no bound)."""
    if is_empty(query):
        raise EmptyQuery(EmptyQuery.MESSAGE)
    from kg.query.absent import absent_terms
    from kg.query.bounded import answer_within
    from kg.query.sparql import render, run, written_format
    from kg.query.store import open_store

    def load() -> tuple[Any, dict[str, str]]:
        return open_store(exports, ontology, sources, base)

    def answer(loaded: tuple[Any, dict[str, str]]) -> Answer:
        store, prefixes = loaded
        result = run(store, query, prefixes)
        rendered = render(result, fmt, prefixes)
        return Answer(rendered, written_format(result, fmt), absent_terms(store, query, prefixes))

    return answer_within(load, answer, timeout or None, (memory_mb or 0) * MIB or None)


def is_empty(query: str) -> bool:
    """Whether `query` holds nothing but blank lines and comments."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in query.splitlines())
