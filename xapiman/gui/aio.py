"""Background work started from the GUI thread: coroutines kept until they end, their
failures told instead of lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("xapiman.gui")

_running: set[asyncio.Future[Any]] = set()


def spawn(work: Awaitable[Any], what: str,
          on_error: Callable[[BaseException], None] | None = None) -> asyncio.Future[Any]:
    """Run `work` on the event loop and keep it referenced until it ends (the loop itself
    only keeps a weak reference to its tasks).

    A failure is logged with `what` (what the work was doing) and handed to `on_error`
    (the window's notification bar, say); a cancellation is not a failure.
    """
    task = asyncio.ensure_future(work)
    _running.add(task)

    def ended(done: asyncio.Future[Any]) -> None:
        _running.discard(done)
        if done.cancelled():
            return
        error = done.exception()
        if error is None:
            return
        log.error("%s failed", what, exc_info=error)
        if on_error is not None:
            on_error(error)

    task.add_done_callback(ended)
    return task


def running() -> int:
    """How many spawned coroutines have not ended yet."""
    return len(_running)
