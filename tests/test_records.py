"""The model's records are frozen dataclasses made and read back quickly (`kg.pickling.frozen_record`): the
quick constructor must take exactly what the dataclass's own takes, and leave the record as frozen."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path

import pytest

from kg.dates import Date
from kg.model import Article, Claim, Entity, Event, Evidence, Ignored, Node, Photo
from kg.problems import Where
from kg.sources.records import load_sources

from .conftest import SOURCES

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


def test_the_loader_groups_the_records_by_file_as_the_model_would(tmp_path: Path) -> None:
    """The loader groups each file's records as it adds them (`Model.grouped`), sparing the checks, the Turtle,
    the page and the ontology's examples a grouping each: the same groups as made from the model, duplicates
    (kept where they are first) included, and a model changed after the load is grouped again."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    facts = tmp_path / "sources" / "facts"
    late = facts / "syria-demands-assad-extradition.yaml"
    text = late.read_text(encoding="utf-8")
    late.write_text(
        text.replace("\nevents:", "\nentities:\n  - id: russia\n    type: Country\n    name: Russia again\nevents:", 1),
        encoding="utf-8",
    )
    model = load_sources(tmp_path / "sources").model
    assert model.grouped is not None
    regrouped = dataclasses.replace(model, grouped=None).by_file()
    assert model.by_file() == regrouped
    assert "Russia again" not in [e.name for group in model.by_file() for e in group.entities]
    assert [group.file for group in regrouped] == sorted({g.file for g in regrouped}, key=model.files.index)

    claim = next(iter(model.claims.values()))
    model.claims["a-claim-added-later"] = dataclasses.replace(claim, id="a-claim-added-later")
    assert sum(len(group.claims) for group in model.by_file()) == len(model.claims)
