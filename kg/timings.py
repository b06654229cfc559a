"""Wall time per stage of a build, and the process's peak memory after it, for `kg build --timings`.

Stages wrap themselves in `stage(name)`; nothing is measured (and nothing costs) unless a caller asked for
the times with `recording()`.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

_current: dict[str, float] | None = None
_peaks: dict[str, float] = {}


def peak_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_after(name: str) -> float | None:
    """The process's peak memory (MB) as it stood when stage `name` last finished, if it was recorded."""
    return _peaks.get(name)


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
        _peaks[name] = peak_mb()


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """Stage name → seconds, filled while the block runs, in the order the stages first ran."""
    global _current
    previous, _current = _current, {}
    try:
        yield _current
    finally:
        _current = previous
