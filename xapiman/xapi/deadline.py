"""Overall deadlines: one end time for a whole exchange (connect, TLS, login, reading the pool),
whatever the server does (silent, or trickling one byte at a time).

Per-read time limits alone never end a server that sends a byte every few seconds. A
`Deadline` set with `within()` applies to every HTTP exchange the thread makes meanwhile:
each socket wait is cut to what is left, and a watchdog thread cuts the socket when the end
comes in the middle of a read. Time spent waiting for a person (`paused()`, around a
certificate question) does not count.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator

from xapiman.i18n import translate
from xapiman.xapi.errors import Timeout

log = logging.getLogger("xapiman.xapi.deadline")

_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "xapiman_deadline", default=None)


class Deadline:
    """An end time, `seconds` from now.

    Attributes:
        seconds: the time allowed, as given; what: what must be done by then (for messages).
    """

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds = seconds
        self.what = what
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Deadline {self.what} {self.remaining():.3g} s left of {self.seconds:g}>"

    @property
    def end(self) -> float:
        """The end, on the `time.monotonic()` clock."""
        return self._end

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self._end

    def limit(self, seconds: float) -> float:
        """`seconds`, or what is left when that is less (never 0: sockets read 0 as 'no
        limit' in some places)."""
        return max(0.001, min(seconds, self.remaining()))

    def error(self, address: str = "") -> Timeout:
        """The Timeout to raise once the deadline passed."""
        return Timeout(translate("Deadline", "{what} did not finish within {seconds:g} s").format(
            what=self.what, seconds=self.seconds), address, "deadline")

    def check(self, address: str = "") -> None:
        """Raise the Timeout when the deadline passed."""
        if self.expired:
            raise self.error(address)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The time spent inside does not count (a person is answering a question)."""
        started = time.monotonic()
        try:
            yield
        finally:
            with self._lock:
                self._end += time.monotonic() - started


def current() -> Deadline | None:
    """The deadline that applies to this thread's exchanges now, if any."""
    return _current.get()


@contextlib.contextmanager
def within(deadline: Deadline | None) -> Iterator[Deadline | None]:
    """Every exchange made inside (on this thread) ends by `deadline` (None: no change)."""
    if deadline is None:
        yield None
        return
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Pause the current deadline, if any (see Deadline.paused)."""
    deadline = current()
    if deadline is None:
        yield
        return
    with deadline.paused():
        yield


@contextlib.contextmanager
def guarded(cut: Callable[[], None]) -> Iterator[Deadline | None]:
    """While inside: when the current deadline passes, `cut()` is called (from the watchdog
    thread) to unblock whatever socket wait is under way. Yields the deadline (or None)."""
    deadline = current()
    if deadline is None:
        yield None
        return
    entry = _WATCHDOG.watch(deadline.end, cut)
    try:
        yield deadline
    finally:
        _WATCHDOG.unwatch(entry)


class _Watchdog:
    """One thread for every guarded exchange: calls each `cut` when its end comes."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._ids = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, end: float, cut: Callable[[], None]) -> int:
        with self._changed:
            entry = next(self._ids)
            heapq.heappush(self._heap, (end, entry, cut))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="xapi-deadlines",
                                                daemon=True)
                self._thread.start()
            self._changed.notify()
            return entry

    def unwatch(self, entry: int) -> None:
        """Forget `entry`; once this returns its `cut` is not running and will not run."""
        with self._changed:
            if any(e == entry for _, e, _ in self._heap):
                self._cancelled.add(entry)

    def _run(self) -> None:
        while True:
            with self._changed:
                while True:
                    while self._heap and self._heap[0][1] in self._cancelled:
                        self._cancelled.discard(heapq.heappop(self._heap)[1])
                    if not self._heap:
                        self._changed.wait()
                        continue
                    end, entry, cut = self._heap[0]
                    wait = end - time.monotonic()
                    if wait <= 0:
                        heapq.heappop(self._heap)
                        break
                    self._changed.wait(wait)
                # still under the lock: once unwatch() returned, no cut of that entry can come
                try:
                    cut()
                except Exception:
                    log.exception("cutting an exchange at its deadline failed")


_WATCHDOG = _Watchdog()
