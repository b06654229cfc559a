"""Located problems: every error the builder reports points at `path:line:col`.

Records keep only the file and the YAML path of what they came from (cheap); line and column are
resolved lazily, and only for files that have problems, by composing that file once more with
marks.  A clean build never pays for positions.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.limits import HINTS
from kg.pickling import frozen_record
from kg.yaml_positions import YamlPath, positions


@frozen_record
@dataclass(frozen=True, slots=True)
class Where:
    """Where a record or value came from: a file and a path inside its YAML document."""

    file: Path
    path: YamlPath = ()

    def at(self, *more: str | int) -> Where:
        return Where(self.file, self.path + more)


BUILT_IN_PYTHON = Where(Path("<built in Python>"))
"""Where a record built in Python (not read from YAML) comes from: it is checked like any other."""


@dataclass(frozen=True, slots=True)
class Hint:
    """A hint to end a problem's message with, asked for where the problem is found and worked out by
    `locate` for the first problems printed only: it looks through every id, or every sentence of an article
    (`HintMaker`), which can take 20 ms a problem."""

    kind: str  # what to look through, as the HintMaker knows it (e.g. 'node': every entity and event id)
    wrong: str  # the id or the text that was not found
    within: str = ""  # e.g. the article whose text to look through


HintMaker = Callable[[Hint], str]
"""Works out a hint's text ('' for none); `kg.checks.hints.hint_maker` makes one for a model."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One error.  Either a YAML path (`where.path`) or an explicit line/column (1-based) locates it."""

    where: Where
    message: str
    line: int | None = None
    column: int | None = None
    related: Where | None = None  # e.g. where a duplicate id was first defined
    hint: Hint | None = None  # ends the message, if the problem is among the first `HINTS` printed


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ValidationFailed(Exception):
    """Raised by library functions when the sources have errors; carries all of them, located."""

    SHOWN = 3
    """The errors its message gives (a caller of the library, a failed test, saw a count and no error)."""

    def __init__(self, problems: list[LocatedProblem]):
        self.problems = problems
        shown = "".join(f"\n{problem}" for problem in problems[: self.SHOWN])
        more = f"\n… {len(problems) - self.SHOWN} more" if len(problems) > self.SHOWN else ""
        super().__init__(f"{len(problems)} error{'' if len(problems) == 1 else 's'} in the sources:{shown}{more}")

    def __reduce__(self) -> tuple[type[ValidationFailed], tuple[list[LocatedProblem]]]:
        return ValidationFailed, (self.problems,)  # raised in another process, then here (`kg query --sources`)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' — did you mean 'x'?' for the closest candidate, or '' when nothing is close."""
    match = closest(name, candidates)
    return f" — did you mean '{visible(match)}'?" if match is not None else ""  # a character no one sees, shown


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `name`, if one is close (or shares its first dash-separated part)."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not matches and "-" in name:
        prefix = [
            c
            for c in candidates
            if isinstance(c, str) and (c.startswith(name.split("-")[0] + "-") or c == name.split("-")[0])
        ]
        matches = sorted(prefix, key=lambda c: (len(c), c))[:1]  # ties by name: candidates may be a set
    return matches[0] if matches else None


def locate(
    problems: list[Problem], display_root: Path | None = None, hints: HintMaker | None = None
) -> list[LocatedProblem]:
    """Resolve every problem to `file:line:col`, reading each YAML file at most once (`kg.yaml_positions`),
    sorted by place.

    With `hints`, the first `HINTS` problems in that order that ask for a hint (`Problem.hint`) get it, so
    which ones do depends on the problems alone, not on which process found which."""
    asked: dict[Path, set[YamlPath]] = {}  # each file's paths to place, placed in one reading of it
    for problem in problems:
        for where in (problem.where if problem.line is None else None, problem.related):
            if where is not None:
                asked.setdefault(where.file, set()).add(where.path)
    placed_in = {file: positions(file, paths) for file, paths in asked.items()}

    def position(where: Where) -> tuple[int, int]:
        return placed_in[where.file][where.path]

    shown: dict[Path, str] = {}  # each file's name as shown, worked out once (0.07 ms each: 3.5 s for 50,000)

    def display(file: Path) -> str:
        if file not in shown:  # a name holding a terminal escape or a line break is shown escaped
            shown[file] = escaped(_display(file, display_root))
        return shown[file]

    placed: set[tuple[str, int, int, str, Hint | None]] = set()
    for problem in problems:
        if problem.line is None:
            line, column = position(problem.where)
        else:
            line, column = problem.line, problem.column or 1
        message = problem.message
        if problem.related is not None:
            other_line, other_column = position(problem.related)
            message += f" (first defined at {display(problem.related.file)}:{other_line}:{other_column})"
        placed.add((display(problem.where.file), line, column, message, problem.hint))
    hints_left = HINTS if hints is not None else 0
    located = []
    for file, line, column, message, hint in sorted(placed, key=_place_order):
        if hint is not None and hints_left > 0 and hints is not None:
            hints_left -= 1
            message += hints(hint)
        located.append(LocatedProblem(file, line, column, printable(message)))
    return sorted(set(located), key=lambda p: (p.file, p.line, p.column, p.message))


def _place_order(placed: tuple[str, int, int, str, Hint | None]) -> tuple[object, ...]:
    *place, hint = placed
    return (*place, () if hint is None else (hint.kind, hint.wrong, hint.within))


# Control characters (a terminal escape can rewrite what is on screen), the bidirectional overrides and
# isolates (they reorder a line on display) and the line and paragraph separators (a line break to what reads
# the output by Unicode's lines: one message became two) never reach a terminal raw: they are shown escaped.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MAX_MESSAGE = 400


def escaped(text: str) -> str:
    """`text` safe for a terminal: control characters, direction overrides and line separators as `\\uXXXX`."""
    return _UNPRINTABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def visible(name: str) -> str:
    """An id or name as a message quotes it: every character no one sees (U+200B too) as `\\uXXXX`."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)


def is_invisible(character: str) -> bool:
    """Whether no one sees `character`: Unicode's 'format' category (Cf), the zero-width spaces and joiners,
    soft hyphens, direction marks and overrides, the byte order mark.  Two names that differ in one look alike,
    and a name holding one matches no text that spells it."""
    return unicodedata.category(character) == "Cf"


def holds_invisible(text: str) -> bool:
    """Whether `text` holds an invisible character (`is_invisible`).  A text all printable holds none: asked of
    every name, `str.isprintable` answers for most in one pass in C."""
    return not text.isprintable() and any(map(is_invisible, text))


@cache
def invisible_characters() -> str:
    """Every invisible character (`is_invisible`), escaped for a character class of a regular expression:
    listed once, when first needed (70 ms)."""
    return re.escape("".join(filter(is_invisible, map(chr, range(sys.maxunicode + 1)))))


def without_invisibles(text: str) -> str:
    """`text` less its invisible characters (`is_invisible`)."""
    return "".join(c for c in text if not is_invisible(c))


def invisibles_named(passage: str) -> str:
    """'an invisible U+200B (ZERO WIDTH SPACE) after 'US troops'': each invisible character of `passage`, named
    and placed after the words before it."""
    named = [
        f"U+{ord(character):04X} ({unicodedata.name(character, 'unnamed')}){placed(passage, index)}"
        for index, character in enumerate(passage)
        if is_invisible(character)
    ]
    return "an invisible " + ", and an invisible ".join(named)


def placed(passage: str, index: int) -> str:
    """Where character `index` of `passage` is: " after 'US troops'", the words before it (up to 20 characters,
    from a whole word; what no one sees left out), or " at its start"."""
    before = without_invisibles(passage[:index]).rstrip()[-20:]
    before = before.split(" ", 1)[-1] if len(before) == 20 else before
    return f" after '{before}'" if before else " at its start"


def printable(message: str) -> str:
    """`message` safe for a terminal and bounded in length, whatever text from the sources it quotes."""
    message = escaped(message)
    if len(message) > _MAX_MESSAGE:
        message = f"{message[: _MAX_MESSAGE - 100]} … {message[-90:]}"
    return message


def _display(file: Path, root: Path | None) -> str:
    """Paths are shown relative to the working directory when possible (as compilers do)."""
    for base in (Path.cwd(), root):
        if base is None:
            continue
        try:  # absolute, not resolved: a symbolic link is shown where it is, not where it leads
            return str(Path(os.path.abspath(file)).relative_to(os.path.abspath(base)))
        except ValueError:
            continue
    return str(file)
