"""Dates at the precision a source prints them: day, month or year, with inferred parts flagged."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from kg.pickling import frozen_record
from kg.problems import did_you_mean

PRECISIONS = ("year", "month", "day")
_PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?")
"""Matched whole (`fullmatch`): `$` would let a final line break through, and `\\d` any script's digits ("٢٠٢٥"),
either of which would reach the Turtle as an invalid date literal."""


class DateError(ValueError):
    """A malformed or impossible date; the message says which, and `path` where below the date it lies (an
    `inferred:` item), if not at the date itself."""

    def __init__(self, message: str, *path: str | int):
        super().__init__(message)
        self.path = path


@frozen_record
@dataclass(frozen=True, slots=True)
class Date:
    value: str
    precision: str
    inferred: tuple[str, ...] = ()
    note: str | None = None

    @property
    def earliest(self) -> dt.date:
        """First day the date can denote: 2025-02 → 2025-02-01."""
        return _earliest(self.value)

    @property
    def latest(self) -> dt.date:
        """Last day the date can denote: 2025-02 → 2025-02-28."""
        return _latest(self.value)

    @property
    def earliest_text(self) -> str:
        """`earliest` as ISO text, one string per date of the corpus (the page holds one per record)."""
        return _iso(_earliest(self.value))

    @property
    def latest_text(self) -> str:
        """`latest` as ISO text, one string per date of the corpus."""
        return _iso(_latest(self.value))

    def __str__(self) -> str:
        return self.value


# A corpus prints few distinct dates, and every export asks each record's first and last day: worked out
# once per date (the page's data at 100,000 facts asked 200,000 times).
@cache
def _earliest(value: str) -> dt.date:
    parts = [int(p) for p in value.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


@cache
def _iso(day: dt.date) -> str:
    return day.isoformat()


@cache
def _latest(value: str) -> dt.date:
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name}
_WRITTEN_DATES = (  # (pattern, its groups' order): only what can be read one way
    (re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?"), ("year", "month", "day")),  # 2025-3-10, 2025/03/10
    (re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})"), ("day", "month", "year")),  # 28/01/2025, when day > 12
    (re.compile(r"(\d{1,2})[./-](\d{4})"), ("month", "year")),  # 06/2025
    (re.compile(r"([a-z]+)\.? (\d{4})", re.IGNORECASE), ("month", "year")),  # March 2025
    (re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})", re.IGNORECASE), ("month", "day", "year")),  # March 10, 2025
    (re.compile(r"(\d{1,2}) ([a-z]+)\.?,? (\d{4})", re.IGNORECASE), ("day", "month", "year")),  # 10 March 2025
)


def meant_date(raw: str) -> str | None:
    """The date `raw` means as the builder writes it, where only one reading is possible: '2025-3-10' is
    '2025-03-10', 'March 2025' and '06/2025' '2025-03' and '2025-06', '28/01/2025' '2025-01-28' (but '01/02/2025' may
    be either)."""
    for pattern, order in _WRITTEN_DATES:
        if not (found := pattern.fullmatch(raw.strip())):
            continue
        parts = dict(zip(order, found.groups(), strict=True))
        month = parts["month"]
        number = _MONTHS.get(month.casefold()) if month and not month.isdigit() else int(month) if month else None
        if number is None or not 1 <= number <= 12:
            return None
        if order[0] == "day" and month.isdigit() and int(parts["day"]) <= 12:
            return None  # 01/02/2025: the 1st of February or January the 2nd
        text = f"{int(parts['year']):04d}-{number:02d}" + (f"-{int(parts['day']):02d}" if parts.get("day") else "")
        try:
            parse_date(text)
        except DateError:
            return None
        return text
    return None


def parse_date(raw: object) -> Date:
    """Parse `2025-02-06`, `2025-02`, `2025`, or `{value: …, inferred: [year], note: …}` (`inferred: year`
    for one part alone).

    Raises DateError with a curator-facing message for anything else, including impossible days.  A plain
    date is parsed once and its Date shared (it is immutable): a corpus prints few distinct dates, and a
    million facts then hold a few thousand Date objects, not a million.
    """
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 10_000:
        raw = str(raw)  # a year written bare: `start: 1985`
    if isinstance(raw, str):
        return _parse_plain(raw)
    return _parse(raw)


@lru_cache(maxsize=1 << 16)
def _parse_plain(raw: str) -> Date:
    return _parse(raw)


def _written(raw: object) -> str:
    """What YAML read where a date belongs, in the words of the file, not Python's ("not NoneType")."""
    if raw is None:
        return "an empty value"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float):  # not its value: `2019.10` reads as 2019.1, and was meant as October 2019
        return "a number with a decimal point: write the date as text (2019-10, not 2019.10)"
    if isinstance(raw, dt.date):  # `!!timestamp 2019-11-18`
        return f"the timestamp {raw.isoformat()}: write the date without its tag"
    return _KINDS.get(type(raw), "another kind of value")


_KINDS: dict[type, str] = {list: "a list", dict: "a mapping", set: "a set", bytes: "binary data"}


def _parse(raw: object) -> Date:
    inferred: tuple[str, ...] = ()
    listed = False  # whether `inferred:` is a list (each part then located at its place in it)
    note = None
    if isinstance(raw, dict):
        unknown = set(raw) - {"value", "inferred", "note"}
        if unknown:
            raise DateError(f"unknown date field(s) {sorted(unknown)}; use value, inferred, note")
        if "value" not in raw:
            raise DateError("a date mapping needs a 'value'")
        inferred_raw = raw.get("inferred", ())
        listed = isinstance(inferred_raw, list)
        if isinstance(inferred_raw, str):
            inferred_raw = (inferred_raw,)
        if not isinstance(inferred_raw, list | tuple) or not all(isinstance(p, str) for p in inferred_raw):
            raise DateError("'inferred' must be a date part or a list of them: year, month, day")
        inferred = tuple(inferred_raw)
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            raise DateError("a date 'note' must be text")
        raw = raw["value"]
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise DateError(f"a date must be YYYY, YYYY-MM or YYYY-MM-DD, not {_written(raw)}")
    match = _PATTERN.fullmatch(raw)
    if not match:
        meant = meant_date(raw)
        hint = f" — did you mean '{meant}'?" if meant else ""
        raise DateError(f"malformed date '{raw}': use YYYY, YYYY-MM or YYYY-MM-DD at the precision printed{hint}")
    year, month, day = match.group("year", "month", "day")
    if int(year) == 0:
        raise DateError(f"impossible date '{raw}': there is no year 0")
    precision = "day" if day else "month" if month else "year"
    if month and not 1 <= int(month) <= 12:
        raise DateError(f"impossible date '{raw}': there is no month {int(month)}")
    if day:
        last = calendar.monthrange(int(year), int(month))[1]
        if int(day) == 0:
            raise DateError(f"impossible date '{raw}': there is no day 0")
        if not 1 <= int(day) <= last:
            raise DateError(f"impossible date '{raw}': {calendar.month_name[int(month)]} {year} has {last} days")
    allowed = PRECISIONS[: PRECISIONS.index(precision) + 1]
    for index, part in enumerate(inferred):
        at = ("inferred", index) if listed else ("inferred",)
        if part in inferred[:index]:  # read as once (`ordered`): a slip, like a role filled twice
            raise DateError(f"'{part}' is listed twice in 'inferred': list each part once", *at)
        if part not in PRECISIONS:
            meant = did_you_mean(part, PRECISIONS) or "; use year, month or day"
            raise DateError(f"unknown inferred date part '{part}'{meant}", *at)
        if part not in allowed:
            raise DateError(f"'{part}' is inferred but the date '{raw}' has no {part}", *at)
    ordered = tuple(p for p in PRECISIONS if p in inferred)
    return Date(raw, precision, ordered, note)
