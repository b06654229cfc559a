"""The garbage collector paused for a build: objects made meanwhile do not all wait for the next young
collection to walk them, and cycles made meanwhile are still collected later."""

from __future__ import annotations

import gc
import weakref

from kg.collector import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_objects_made_while_paused_leave_the_young_generation_and_cycles_are_still_collected() -> None:
    assert gc.isenabled()
    gc.collect()
    with collector_paused():
        assert not gc.isenabled()
        made = [[i] for i in range(200_000)]
        cycle = _Node()
        cycle.other = cycle
        gone = weakref.ref(cycle)
    assert gc.isenabled()
    # In the oldest generation: not 200,000 lists left for the next young collection to walk (and move)
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(made) in oldest and id(made[-1]) in oldest
    del cycle
    gc.collect()
    assert gone() is None and len(made) == 200_000


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
