"""A thread-safe list of callbacks: add one (getting its remover), take a copy to call."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable[..., object])


class Listeners(Generic[F]):
    """Callbacks registered from any thread; `snapshot()` is what to call, outside the lock.

    Args:
        lock: a lock the owner already guards its state with (a fresh one otherwise).
    """

    def __init__(self, lock: threading.Lock | threading.RLock | None = None) -> None:
        self._items: list[F] = []
        self._lock = lock or threading.Lock()

    def add(self, listener: F) -> Callable[[], None]:
        """Register `listener`; returns the function that unregisters it."""
        with self._lock:
            self._items.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._items:
                    self._items.remove(listener)

        return remove

    def snapshot(self) -> list[F]:
        """The listeners now (call with the owner's lock held when it was passed in)."""
        return list(self._items)
