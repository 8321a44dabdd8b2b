"""The metrics client's news on the GUI thread: one `MetricsFeed` for the whole window.

Fetcher threads tell their `MetricsClient` listeners; the feed queues what they said and
hands it to the GUI thread at most every `FLUSH_MS` milliseconds, merged (64 hosts answering
within a second make one `updated` signal, not 64).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from xapiman.xapi.metrics import MetricsClient, MetricsEvent

FLUSH_MS = 200


class MetricsFeed(QObject):
    """Signals:
        updated(conn_name, uuids: frozenset[str]): new rows for these objects (any step).
        status_changed(conn_name, host ref, HostStatus): a host answers again, or not.
    """

    updated = pyqtSignal(str, object)
    status_changed = pyqtSignal(str, str, object)
    _queued = pyqtSignal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clients: dict[str, tuple[MetricsClient, Callable[[], None]]] = {}
        self._pending: dict[str, set[str]] = {}
        self._statuses: list[tuple[str, MetricsEvent]] = []
        self._lock = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self._queued.connect(self._schedule)

    def client(self, conn_name: str, conn) -> MetricsClient:
        """The metrics client of a connection, listened to by this feed."""
        known = self._clients.get(conn_name)
        client = MetricsClient.of(conn)
        if known is not None and known[0] is client:
            return client
        if known is not None:
            known[1]()  # the connection was replaced: stop listening to the old client
        remove = client.add_listener(partial(self._heard, conn_name))
        self._clients[conn_name] = (client, remove)
        return client

    def forget(self, conn_name: str) -> None:
        """The connection went: stop its fetching and hear nothing more from it."""
        known = self._clients.pop(conn_name, None)
        if known is not None:
            known[1]()
            known[0].close()
        with self._lock:
            self._pending.pop(conn_name, None)

    def close(self) -> None:
        for name in list(self._clients):
            self.forget(name)

    def _heard(self, conn_name: str, event: MetricsEvent) -> None:
        """On a fetcher thread."""
        with self._lock:
            if event.status is not None:
                self._statuses.append((conn_name, event))
            if event.uuids:
                self._pending.setdefault(conn_name, set()).update(event.uuids)
        self._queued.emit()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Hand what was heard to the GUI (the timer does it; tests may call it)."""
        with self._lock:
            pending, self._pending = self._pending, {}
            statuses, self._statuses = self._statuses, []
        for conn_name, event in statuses:
            if conn_name in self._clients and event.status is not None:
                self.status_changed.emit(conn_name, event.host, event.status)
        for conn_name, uuids in pending.items():
            if conn_name in self._clients:
                self.updated.emit(conn_name, frozenset(uuids))
