"""Fixtures for client tests: a simulated pool, connections that close themselves, recorders."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi import CacheChange, Connection, RetryPolicy, StateChange, Timeouts

FAST_RETRY = RetryPolicy(attempts=30, first_delay=0.05, factor=2.0, max_delay=0.5)
FAST_TIMEOUTS = Timeouts(connect=2.0, call=5.0, event_poll=5.0, event_read=10.0, close=1.0)


def wait_until(predicate: Callable[[], object], timeout: float = 5.0,
               interval: float = 0.02) -> None:
    """Poll `predicate` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


class StateRecorder:
    """Collects a connection's state changes (thread-safe)."""

    def __init__(self) -> None:
        self.changes: list[StateChange] = []
        self._lock = threading.Lock()

    def __call__(self, change: StateChange) -> None:
        with self._lock:
            self.changes.append(change)

    def states(self) -> list[str]:
        with self._lock:
            return [c.state.value for c in self.changes]


class ChangeRecorder:
    """Collects cache notifications in a queue."""

    def __init__(self) -> None:
        self.queue: queue.Queue[CacheChange] = queue.Queue()

    def __call__(self, change: CacheChange) -> None:
        self.queue.put(change)

    def next_matching(self, predicate: Callable[[CacheChange], bool],
                      timeout: float = 5.0) -> CacheChange:
        """The first notification (from now on) for which `predicate` holds."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no matching cache notification arrived")
            try:
                change = self.queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(change):
                return change


@pytest.fixture
def pool() -> Iterator[RunningPool]:
    with running_pool(hosts=2, vms=20) as p:
        yield p


@pytest.fixture
def connections() -> Iterator[Callable[..., Connection]]:
    """make(url, user, password, **options) -> a Connection closed after the test."""
    made: list[Connection] = []

    def make(url: str, user: str, password: str, **options: object) -> Connection:
        options.setdefault("retry", FAST_RETRY)
        options.setdefault("timeouts", FAST_TIMEOUTS)
        conn = Connection(url, user, password, **options)  # type: ignore[arg-type]
        made.append(conn)
        return conn

    yield make
    for conn in made:
        conn.close()


@pytest.fixture
def conn(pool: RunningPool, connections: Callable[..., Connection]) -> Connection:
    """A connected connection to `pool`."""
    c = connections(pool.url, pool.user, pool.password)
    c.connect(timeout=10)
    return c


def server_refs(p: RunningPool, cls: str) -> set[str]:
    return set(p.db.all(cls))


def cache_matches_server(c: Connection, p: RunningPool, classes: tuple[str, ...]) -> bool:
    return all(set(c.cache.records(cls)) == server_refs(p, cls) for cls in classes)
