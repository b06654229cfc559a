"""The model's records are frozen dataclasses made and read back quickly (`kg.pickling.frozen_record`): the
quick constructor must take exactly what the dataclass's own takes, and leave the record as frozen."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from kg.dates import Date
from kg.model import Article, Claim, Entity, Event, Evidence, Ignored, Node, Photo
from kg.problems import Where

RECORDS = [Evidence, Node, Entity, Event, Claim, Photo, Ignored, Article, Where, Date]


def plain_twin(cls: type) -> type:
    """The same dataclass as dataclasses itself makes it (its own `__init__`), to compare with."""
    fields = [(f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(f"Plain{cls.__name__}", fields, frozen=True, slots=True)


def values_for(cls: type) -> list[object]:
    """A distinct value for each field, of the field's kind (a text, a tuple, a date, a place)."""
    where = Where(Path("sources/a.yaml"), ("claims", 0))
    made: list[object] = []
    for number, field in enumerate(dataclasses.fields(cls)):
        default = field.default
        if isinstance(default, Where):
            made.append(where)
        elif isinstance(default, tuple):
            made.append((f"item {number}",))
        elif isinstance(default, bool):
            made.append(not default)
        elif isinstance(default, int):
            made.append(number)
        else:
            made.append(f"value {number}")
    return made


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_takes_what_its_dataclass_takes_and_stays_frozen(cls: type) -> None:
    twin = plain_twin(cls)
    fields = dataclasses.fields(cls)
    values = values_for(cls)
    required = [f.name for f in fields if f.default is dataclasses.MISSING]
    given = dict(zip([f.name for f in fields], values, strict=True))
    for record, expected in (
        (cls(*values), twin(*values)),  # every field by position
        (cls(**given), twin(**given)),  # every field by name
        (cls(*values[: len(required)]), twin(*values[: len(required)])),  # the defaults
    ):
        assert dataclasses.astuple(record) == dataclasses.astuple(expected)
        assert [getattr(record, f.name) for f in fields] == [getattr(expected, f.name) for f in fields]
        assert pickle.loads(pickle.dumps(record)) == record
        assert hash(pickle.loads(pickle.dumps(record))) == hash(record)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, fields[0].name, "changed")
        with pytest.raises((AttributeError, TypeError)):  # nor another attribute (TypeError: CPython 3.11's
            record.unexpected = 1  # frozen slotted dataclasses refuse it with a `super()` that fails)
    assert dataclasses.replace(cls(*values), **{fields[0].name: "other"}) == cls("other", *values[1:])
    with pytest.raises(TypeError):
        cls(*values[: len(required) - 1])  # one required field missing
    with pytest.raises(TypeError):
        cls(*values, "one too many")
    with pytest.raises(TypeError):
        cls(*values[: len(required)], unexpected=1)
    with pytest.raises(TypeError):
        cls(*values, **{fields[0].name: "twice"})
