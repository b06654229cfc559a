"""What a kept result read, kept as one map of every key's value (`kg.reads.ReadValues`): a result holds while
none of its keys changed, and the map is never trusted beyond what it covers."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

import kg.reads
from kg.reads import ENTRY, VALUES, WRITING, Read, ReadValues, read_now
from kg.shelf import Shelf


class World:
    """Today's facts of other files, by kind and key, and how many keys were looked up."""

    def __init__(self, **facts: dict[str, Any]):
        self.facts = facts
        self.looked_up = 0

    def values(self, kind: str, keys: tuple[str, ...]) -> list[Any]:
        self.looked_up += len(keys)
        return [self.facts.get(kind, {}).get(key, "") for key in keys]


def made(world: World, seen: dict[str, set[str]]) -> bytes:
    """A result made today that read `seen`: what is kept with it."""
    return pickle.dumps(read_now(seen, world.values))


def first_build(shelf: Shelf, world: World, *results: dict[str, set[str]]) -> list[bytes]:
    """Results made afresh and kept, with the map of what they read."""
    changes = ReadValues(shelf, world.values, afresh=True)
    kept = []
    for seen in results:
        read = read_now(seen, world.values)
        changes.note(read)
        kept.append(pickle.dumps(read))
    written(changes)
    return kept


def written(changes: ReadValues, complete: bool = True) -> None:
    """The results of a build written (`complete`: all of them), with their map."""
    changes.writing()
    changes.written(complete)


def test_nothing_changed_means_every_result_holds_without_reading_them(tmp_path: Path) -> None:
    shelf = Shelf(tmp_path, "v1")
    world = World(name={"russia": "Russia", "syria": "Syria"}, claim={"c1": True})
    first = first_build(shelf, world, {"name": {"russia"}}, {"name": {"syria"}, "claim": {"c1"}})
    world.looked_up = 0
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert world.looked_up == 3  # each key of the map once, not once per result
    assert changes.holds(b"not even a pickle: nothing changed, so nothing is read")
    assert all(changes.holds(read) for read in first)


@pytest.mark.parametrize("kind, key, value", [("name", "russia", "Russian Federation"), ("claim", "c1", False)])
def test_a_changed_key_fails_only_the_results_that_read_it(tmp_path: Path, kind: str, key: str, value: Any) -> None:
    shelf = Shelf(tmp_path, "v1")
    world = World(name={"russia": "Russia", "syria": "Syria"}, claim={"c1": True})
    reading_it, not_reading_it = first_build(shelf, world, {kind: {key}}, {"name": {"syria"}})
    world.facts[kind][key] = value
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert changes.changed is not None and changes.changed[kind] == {key}
    assert not changes.holds(reading_it)
    assert changes.holds(not_reading_it)


def test_a_change_and_its_revert_across_builds(tmp_path: Path) -> None:
    """The map is the values at the last build: a result made after a change fails when it is reverted."""
    world = World(name={"russia": "Russia"})
    [result] = first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}})
    world.facts["name"]["russia"] = "Russian Federation"
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert not changes.holds(result)
    remade = made(world, {"name": {"russia"}})
    changes.note(pickle.loads(remade))
    written(changes)
    world.facts["name"]["russia"] = "Russia"
    assert not ReadValues(Shelf(tmp_path, "v1"), world.values).holds(remade)


def test_a_result_not_written_leaves_no_map_to_trust(tmp_path: Path) -> None:
    """The result made again after a change could not be written: the one kept from before stays, and must not
    hold against the map of the new values."""
    world = World(name={"russia": "Russia"})
    [result] = first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}})
    world.facts["name"]["russia"] = "Russian Federation"
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert not changes.holds(result)
    changes.note(read_now({"name": {"russia"}}, world.values))
    changes.writing()
    changes.written(complete=False)
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert changes.changed is None  # no map: each result checked
    assert not changes.holds(result)


def test_a_build_that_ends_before_its_map_leaves_no_map_to_trust(tmp_path: Path) -> None:
    """Its results were written, the map of what they read was not: a key only they read would be in no map,
    and a change of it unseen."""
    world = World(name={"russia": "Russia", "syria": "Syria"})
    first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}})
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    syria = made(world, {"name": {"syria"}})
    changes.note(pickle.loads(syria))
    changes.writing()  # the results are written, then the build is killed
    world.facts["name"]["syria"] = "Syrian Arab Republic"
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert Shelf(tmp_path, "v1").get(WRITING) is not None
    assert changes.changed is None
    assert not changes.holds(syria)


def test_without_a_map_each_result_is_checked_and_the_map_made_from_them(tmp_path: Path) -> None:
    world = World(name={"russia": "Russia", "syria": "Syria"})
    russia, syria = made(world, {"name": {"russia"}}), made(world, {"name": {"syria"}})
    world.facts["name"]["syria"] = "Syrian Arab Republic"
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert changes.changed is None
    assert changes.holds(russia)
    assert not changes.holds(syria)
    written(changes)
    kept = Shelf(tmp_path, "v1")
    assert kept.get(ENTRY) is not None and kept.get(ENTRY)[1]["name"][0] == ("russia",)  # type: ignore[index]
    assert kept.get(VALUES) == (None, {"name": ["Russia"]})


def test_a_result_whose_reads_the_map_does_not_cover_is_checked_one_by_one(tmp_path: Path) -> None:
    world = World(name={"russia": "Russia", "syria": "Syria"})
    first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}})
    outside = made(world, {"name": {"syria"}})  # kept by no build that wrote the map
    world.facts["name"]["russia"] = "Russian Federation"  # something changed: results are looked at
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert changes.holds(outside)
    world.facts["name"]["syria"] = "Syrian Arab Republic"
    assert not ReadValues(Shelf(tmp_path, "v1"), world.values).holds(outside)


def test_an_unchanged_map_is_not_written_again(tmp_path: Path) -> None:
    world = World(name={"russia": "Russia"})
    first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}})
    entries = sorted(tmp_path.iterdir())
    before = [(entry.stat().st_mtime_ns, entry.stat().st_ino) for entry in entries]
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    changes.note(read_now({"name": {"russia"}}, world.values))
    written(changes)
    assert [(entry.stat().st_mtime_ns, entry.stat().st_ino) for entry in sorted(tmp_path.iterdir())] == before


def test_a_map_that_cannot_be_written_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old map that misses the keys of today's results would let them hold when what they read changed."""
    world = World(name={"russia": "Russia", "syria": "Syria"})
    first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}})
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    changes.note(read_now({"name": {"syria"}}, world.values))
    changes.writing()
    monkeypatch.setattr(Shelf, "put_bytes", lambda *args, **kwargs: False)
    changes.written(complete=True)
    assert Shelf(tmp_path, "v1").get(ENTRY) is None


def test_a_map_grown_past_its_bound_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.reads, "SLACK", 0)
    world = World(name={f"n{i}": f"N{i}" for i in range(10)})
    first_build(Shelf(tmp_path, "v1"), world, {"name": {"n0", "n1"}})
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    changes.note(read_now({"name": {"n2", "n3"}}, world.values))  # four keys: twice what it was made with
    written(changes)
    assert Shelf(tmp_path, "v1").get(ENTRY) is not None
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    changes.note(read_now({"name": {"n4"}}, world.values))
    written(changes)
    assert Shelf(tmp_path, "v1").get(ENTRY) is None


@pytest.mark.parametrize("damaged", [ENTRY, VALUES])
@pytest.mark.parametrize("damage", [b"", b"kg-shelf 2\n" + bytes(100)])
def test_a_damaged_map_is_no_map(tmp_path: Path, damaged: str, damage: bytes) -> None:
    world = World(name={"russia": "Russia"})
    [result] = first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}})
    Shelf(tmp_path, "v1")._path(damaged).write_bytes(damage)
    world.facts["name"]["russia"] = "Russian Federation"
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert changes.changed is None
    assert not changes.holds(result)


def test_values_that_are_not_those_digested_are_no_map(tmp_path: Path) -> None:
    """The values, read only where today's differ from the digest, are checked against it."""
    world = World(name={"russia": "Russia", "syria": "Syria"})
    russia, syria = first_build(Shelf(tmp_path, "v1"), world, {"name": {"russia"}}, {"name": {"syria"}})
    Shelf(tmp_path, "v1").put(VALUES, None, {"name": ["Russian Federation", "Syria"]})  # not what was read
    world.facts["name"]["russia"] = "Russian Federation"
    changes = ReadValues(Shelf(tmp_path, "v1"), world.values)
    assert changes.changed is None
    assert not changes.holds(russia)
    assert changes.holds(syria)


def test_read_is_what_read_now_gives() -> None:
    read: Read = read_now({"name": {"b", "a"}}, World(name={"a": "A"}).values)
    assert read == (("name", ("a", "b"), ["A", ""]),)
