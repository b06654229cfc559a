"""The cyclic garbage collector, paused while a build makes millions of objects that hold no cycles.

Python runs a full collection every so many allocations, and each one walks every live object: with a
large model loaded, most of the time of a build went there (100,000 facts: 9.6 s → 5.6 s to parse with
the collector paused; the page's data 7.9 s → 4.4 s).  Reference counting still frees everything.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
