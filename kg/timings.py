"""Wall and CPU time per stage of a build, and the process's peak memory after it, for `kg build --timings`.

CPU time counts this process and the workers a stage started and ended (user + system, all cores): CPU
time well below twice the wall time on two cores shows a stage that leaves a core idle.

Stages wrap themselves in `stage(name)`; nothing is measured (and nothing costs) unless a caller asked for
the times with `recording()`.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

_current: dict[str, float] | None = None
_peaks: dict[str, float] = {}
_cpu: dict[str, float] = {}


def peak_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_after(name: str) -> float | None:
    """The process's peak memory (MB) as it stood when stage `name` last finished, if it was recorded."""
    return _peaks.get(name)


def cpu_of(name: str) -> float | None:
    """CPU seconds of stage `name` (this process and its finished workers), if it was recorded."""
    return _cpu.get(name)


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall time of the block to stage `name` (stages may repeat: their times add up)."""
    if _current is None:
        yield
        return
    start, cpu = time.perf_counter(), _cpu_seconds()
    try:
        yield
    finally:
        add_stage(name, time.perf_counter() - start, _cpu_seconds() - cpu)


Recorded = tuple[dict[str, float], dict[str, float], dict[str, float]]
"""Wall seconds, CPU seconds and peak MB by stage: what one process recorded."""


@contextmanager
def recording_apart() -> Iterator[list[Recorded]]:
    """In a forked process: record its stages afresh (if its parent was recording, or once `record_from_now` is
    called), for `absorb` there."""
    found: list[Recorded] = []
    if _current is not None:
        record_from_now()
    try:
        yield found
    finally:
        if _current is not None:
            found.append((dict(_current), dict(_cpu), dict(_peaks)))


def add_stage(name: str, seconds: float, cpu: float) -> None:
    """Add `seconds` of wall time and `cpu` seconds to stage `name`, if this process records (`stage`; and a stage
    measured before it began to: `record_from_now`)."""
    if _current is not None:
        _current[name] = _current.get(name, 0.0) + seconds
        _cpu[name] = _cpu.get(name, 0.0) + cpu
        _peaks[name] = peak_mb()


def is_recording() -> bool:
    return _current is not None


def record_from_now() -> None:
    """In a forked process (`recording_apart`), record its stages from now on: for one started before its parent
    began recording, and told since that it does."""
    global _current
    _current = {}
    _cpu.clear()
    _peaks.clear()


def absorb(recorded: list[Recorded]) -> None:
    """Add stages recorded by another process (`recording_apart`) to this one's record."""
    if _current is None:
        return
    for wall, cpu, peaks in recorded:
        for name, seconds in wall.items():
            _current[name] = _current.get(name, 0.0) + seconds
            _cpu[name] = _cpu.get(name, 0.0) + cpu.get(name, 0.0)
            _peaks[name] = peaks.get(name, 0.0)


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """Stage name → seconds, filled while the block runs, in the order the stages first ran."""
    global _current
    previous, _current = _current, {}
    _cpu.clear()
    try:
        yield _current
    finally:
        _current = previous
