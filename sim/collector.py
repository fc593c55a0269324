"""Python's cyclic garbage collector, paused while a big lab is parsed or run.

A lab is a large graph of long-lived objects (10,000 namespaces: over a million) that
grows while it is built; each time the surviving objects have grown by a quarter,
Python walks all of them, which was a third of such a lab's wall time.  Parsing and
running make almost no cyclic garbage (a few objects per ping), so the pause costs no
memory that matters; the collector runs as usual once the pause ends.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block (nesting is fine); with
    ``pause=False`` leave it as it is."""
    was = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
