"""Python's cycle collector, paused while many objects are made at once."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """Python's cycle collector paused: making hundreds of thousands of objects that hold no cycles (gap rows,
    a cache's entries) would set it off again and again, each time walking every object alive, for nothing (it
    took half the time). Safe across threads: a pause only ever turns the collector back on, and only when it
    was on, so two overlapping pauses end with it on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
