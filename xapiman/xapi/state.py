"""A connection's states, how they are reported, and its time limits and retry policy."""

from __future__ import annotations

import enum
import logging
import random
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass

from xapiman.xapi.listeners import Listeners

log = logging.getLogger("xapiman.xapi.connection")


class ConnectionState(enum.Enum):
    """Where a connection is.

    DISCONNECTED: not connected (before `connect()`, after `close()`).
    CONNECTING: logging in and reading the pool for the first time.
    CONNECTED: logged in, the cache follows the pool.
    RECONNECTING: the coordinator or the event stream was lost; trying again (attempt n).
    FAILED: gave up; `reason` says why. `connect()` may be called again.
    """

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"


@dataclass(frozen=True)
class StateChange:
    """One state transition, as listeners receive it.

    Attributes:
        state: the new state.
        reason: why (the error's text for RECONNECTING and FAILED; "" otherwise).
        attempt: the reconnection attempt (1, 2 ...) for RECONNECTING; 0 otherwise.
        coordinator: URL of the coordinator in use (or tried last).
        error: the exception behind RECONNECTING / FAILED, if any.
    """

    state: ConnectionState
    reason: str = ""
    attempt: int = 0
    coordinator: str = ""
    error: BaseException | None = None


StateListener = Callable[[StateChange], None]


@dataclass(frozen=True)
class Timeouts:
    """Time limits, in seconds; no socket operation waits longer than its limit.

    Attributes:
        connect: TCP connection plus TLS handshake.
        call: each read of an API call's answer (a call may override it).
        event_poll: how long the server may hold `event.from` before answering empty.
        event_read: each read of `event.from`'s answer; must exceed `event_poll`.
        close: the logout when closing.
    """

    connect: float = 10.0
    call: float = 60.0
    event_poll: float = 30.0
    event_read: float = 60.0
    close: float = 3.0

    def __post_init__(self) -> None:
        if self.event_read <= self.event_poll:
            raise ValueError("event_read must be longer than event_poll")


@dataclass(frozen=True)
class Limits:
    """Sizes the client accepts from a server.

    Attributes:
        answer_bytes: the largest answer read (a full read of a pool of thousands of VMs is
            a few hundred MB); a larger one fails with AnswerTooLarge before it fills memory.
    """

    answer_bytes: int = 1 << 30

    def __post_init__(self) -> None:
        if self.answer_bytes < 1024:
            raise ValueError("answer_bytes must be at least 1024")


@dataclass(frozen=True)
class RetryPolicy:
    """How a lost connection is retried: bounded attempts, exponential back-off with jitter.

    The attempts count from the first failure until the event stream works again: a
    coordinator that takes logins but whose event stream keeps failing uses them up as well.

    Attributes:
        attempts: rounds over the coordinator and the pool members before giving up.
        first_delay: pause after the first failed round; multiplied by `factor` each round,
            up to `max_delay`; each pause is shortened by a random part up to `jitter` (so
            that many clients do not come back all at once).
        give_up_after: seconds from the first failure after which no new round starts
            (None: only `attempts` bounds it).
    """

    attempts: int = 10
    first_delay: float = 0.2
    factor: float = 2.0
    max_delay: float = 5.0
    jitter: float = 0.5
    give_up_after: float | None = 120.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be from 0 to below 1")

    def delay(self, attempt: int) -> float:
        """The longest pause after the failed round number `attempt` (1-based)."""
        return min(self.max_delay, self.first_delay * self.factor ** max(0, attempt - 1))

    def pause(self, attempt: int) -> float:
        """The pause to take after round `attempt`: `delay` less a random part (jitter)."""
        return self.delay(attempt) * (1.0 - self.jitter * random.random())

    def exhausted(self, attempt: int, elapsed: float) -> bool:
        """Whether round `attempt` may not start, `elapsed` seconds after the first failure."""
        return attempt > self.attempts or (
            self.give_up_after is not None and elapsed > self.give_up_after)


class StateReporter:
    """Holds the current state and tells listeners about each change (on the changer's thread).

    Attributes:
        current: the last StateChange.
    """

    def __init__(self) -> None:
        self.current = StateChange(ConnectionState.DISCONNECTED)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._listeners: Listeners[StateListener] = Listeners(self._lock)

    def add(self, listener: StateListener) -> Callable[[], None]:
        """Register `listener`; returns the function that unregisters it."""
        return self._listeners.add(listener)

    def set(self, change: StateChange) -> None:
        with self._lock:
            self.current = change
            listeners = self._listeners.snapshot()
            self._changed.notify_all()
        log.info("connection %s%s%s", change.state.value,
                 f" (attempt {change.attempt})" if change.attempt else "",
                 f": {change.reason}" if change.reason else "")
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                log.exception("a connection state listener failed")

    def wait_for(self, states: Collection[ConnectionState],
                 timeout: float | None) -> StateChange:
        """Block until the state is one of `states` (or `timeout`); returns the current one."""
        with self._lock:
            self._changed.wait_for(lambda: self.current.state in states, timeout)
            return self.current
