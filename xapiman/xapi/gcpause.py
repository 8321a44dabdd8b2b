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
    more than the parsing itself. Reference counting still frees garbage meanwhile. On the
    way out everything alive is moved to the collector's permanent generation (`gc.freeze`):
    the pool's records are long-lived and hold no cycles, and without this the first
    collection after switching back on would scan all of them at once (half a second on a
    5 000-VM pool). Records freed later are still freed by reference counting.
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
                gc.freeze()
                gc.enable()
