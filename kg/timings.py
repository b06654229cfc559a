"""Wall time per stage of a build, for `kg build --timings` and the benchmark.

Stages wrap themselves in `stage(name)`; nothing is measured (and nothing costs) unless a caller asked for
the times with `recording()`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_current: dict[str, float] | None = None


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall time of the block to stage `name` (stages may repeat: their times add up)."""
    if _current is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        _current[name] = _current.get(name, 0.0) + time.perf_counter() - start


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """Stage name → seconds, filled while the block runs, in the order the stages first ran."""
    global _current
    previous, _current = _current, {}
    try:
        yield _current
    finally:
        _current = previous
