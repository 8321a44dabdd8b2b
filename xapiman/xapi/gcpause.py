"""Pause Python's cyclic garbage collector while a big batch is parsed and applied."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Keep the cyclic collector off inside the block (nested and thread-safe).

    Parsing a whole pool creates millions of containers that all survive; each of them
    would otherwise trigger collections that scan everything already loaded, which costs
    more than the parsing itself. Reference counting still frees garbage meanwhile; the
    collector is switched back on (if it was on) without forcing a collection.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
