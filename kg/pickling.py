"""Records pickle as a call of their class with their field values.

The build keeps records between runs and moves them between processes with pickle.  Frozen dataclasses
with slots pickle their state as a dict that `__setstate__` sets back field by field in Python; a call of
the class is read back in half the time (100,000 claims: 1.0 s → 0.47 s).
"""

from __future__ import annotations

from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


@cache
def _fields(cls: Any) -> Any:
    names = cls.__match_args__  # a dataclass's fields, in the order of its constructor
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda record: (get(record),)


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    cls: Any = type(self)
    return cls, _fields(cls)(self)


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Class decorator (outside `@dataclass`): pickle instances as `cls(*fields)`."""
    cls.__reduce__ = _reduce  # type: ignore[method-assign]
    return cls
