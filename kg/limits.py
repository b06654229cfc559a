"""Bounds on the input, so that no source file can make a build hang or exhaust memory.

Every bound is checked before the pass that would pay for exceeding it: file sizes before reading,
anchors, aliases and nesting while parsing, all before the schema, quote or coverage passes walk the
data.  The defaults are far above what curated sources need (the largest real YAML file is 43 KB, the
largest article text 4 KB) and far below what would hurt a laptop.

Nesting is bounded by the parser: libyaml refuses documents nested deeper than `MAX_DEPTH` levels, and
no pass of ours walks deeper than the schema allows (6 levels), so deep-but-legal nesting costs nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

MIB = 1024 * 1024
MAX_DEPTH = 1000  # libyaml's own bound on nesting (0.2.5 and later); the pure-Python parser gets the same


@dataclass(frozen=True)
class Limits:
    """How much input one build accepts.  Pass your own to `kg.checks.checked.check` or use the CLI flags."""

    max_yaml_bytes: int = 16 * MIB
    """One YAML source file.  The synthetic 1,000-facts-per-file benchmark files are 0.25 MB."""

    max_text_bytes: int = 4 * MIB
    """One article text (`sources/articles/*.txt`): a long feature article is under 0.1 MB."""


DEFAULT_LIMITS = Limits()
MAX_ONTOLOGY_BYTES = 16 * MIB
"""One ontology file (`ontology/*.ttl`), read before anything else by every command: `kg.ttl` is 40 KB."""
MAX_ANSWER_BYTES = 256 * MIB
"""The largest answer `kg query` prints and `kg serve` sends (the whole real graph as N-Triples is 2 MB)."""
MAX_QUERY_BYTES = MIB
"""The longest SPARQL query `kg query` reads (a file, standard input) and `kg serve` takes in one request: the
longest competency question is 2 KB."""
MAX_QUERY_NESTING = 256
"""The deepest a query may nest brackets (`{`, `(`, `[`), in `kg query` and `kg serve` alike: Oxigraph reads
and evaluates a query recursively, and a stack overflow ends its process (`ASK` with 2,200 nested `{}`, 6 KB,
ended the server's; 2,500 `kg query`'s).  The competency questions nest 4 deep."""
MAX_FOLDER_DEPTH = 64
"""Folders under the sources are read this many levels deep, no deeper: Python 3.11's `os.walk` goes down by
recursion, and about 990 levels ended every command with a RecursionError traceback."""


def folder_depth(root: str, folder: str) -> int:
    """How many levels `folder` (as `os.walk(root)` spells it) lies under `root`: 0 for `root` itself."""
    inside = os.path.relpath(folder, root)
    return 0 if inside == os.curdir else inside.count(os.sep) + 1


MAX_NAME_WORDS = 50
"""The most words of a name or alias: the finder of names in texts keeps the runs of words that start each name (a
name of 30,000 words took a build to 2.7 GB, of 300,000 past 12 GB).  The longest real name, an event's, has 15."""
MAX_NAME_CHARACTERS = 500
"""The most characters of a name or alias, checked by the schema before any name is split into words: one word of
15 MB took the words' pattern to 2.1 GB.  The longest real name has 91."""
LISTEN_BACKLOG = 1024
"""Connections the system holds for `kg serve` and `kg watch` before they accept them (`listen`'s backlog, capped by
the system at `net.core.somaxconn`).  The standard library's 5 overflowed when 24 clients asked `kg serve` at once on a
busy machine: the system then answered with SYN cookies and dropped requests, and some clients were reset
(`Connection reset by peer`) without an answer."""
MAX_ERRORS_SHOWN = 100  # the CLI prints this many errors, then counts the rest (--max-errors)
HINTS = 200
"""Problems given a hint that looks through every id ("did you mean") or every sentence of an article (the
closest passage), at most: each took up to 20 ms among 1,000 ids alike, and a file of 1,000 unknown ids 27 s
(4.8 s with 200 hints).  They go to the first problems in printed order (`kg.problems.locate`), so every
problem printed by default (`MAX_ERRORS_SHOWN`) has its hint.  Hints from the ontology's short lists
(classes, relations, modalities) are always given."""


def megabytes(size: int) -> str:
    """'16 MB', '0.3 MB': sizes in messages, to one decimal below 10 MB."""
    value = size / MIB
    return f"{value:.1f} MB" if value < 10 else f"{value:.0f} MB"


def read_at_most(stream: BinaryIO, size: int, most: int) -> bytes:
    """At most `most` bytes of `stream`, a file whose stat said it holds `size`: read in one call of that size
    and one byte more (to see that it grew since), then, if it did grow, the rest up to `most`.  A read asked
    for `most` bytes at once first allocates that much (16 MB for a source file: a mapping made and unmade for
    every file, 34 µs a file more than a read of its size)."""
    data = stream.read(min(size, most - 1) + 1)
    if len(data) > size:
        data += stream.read(most - len(data))
    return data
