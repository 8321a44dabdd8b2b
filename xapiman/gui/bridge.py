"""The one place where the client core's callbacks (on its threads) become Qt signals."""

from __future__ import annotations

import threading
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from xapiman.pools.manager import PoolManager


class PoolBridge(QObject):
    """Relays the pool manager's news to the GUI thread.

    Signals:
        added(name, connection): a connection was opened.
        removed(name): a connection was closed.
        state_changed(name, StateChange): connecting, connected, reconnecting, failed ...
        cache_changed(name, CacheChange): one applied batch of a connection's cache.
        failed(name, exception): connecting gave up.
        warning(name, text): something the user should know that did not stop the connection.
        certificate_question(question, Answer): a connection asks whether to trust a
            certificate; answer with `Answer.give(bool)` (the asking thread waits).
    """

    added = pyqtSignal(str, object)
    removed = pyqtSignal(str)
    state_changed = pyqtSignal(str, object)
    cache_changed = pyqtSignal(str, object)
    failed = pyqtSignal(str, object)
    warning = pyqtSignal(str, str)
    certificate_question = pyqtSignal(object, object)

    def attach(self, manager: PoolManager) -> None:
        manager.listen("added", lambda name, conn: self.added.emit(name, conn))
        manager.listen("removed", lambda name, _none: self.removed.emit(name))
        manager.listen("state", lambda name, change: self.state_changed.emit(name, change))
        manager.listen("cache", lambda name, change: self.cache_changed.emit(name, change))
        manager.listen("failed", lambda name, exc: self.failed.emit(name, exc))
        manager.listen("warning", lambda name, text: self.warning.emit(name, text))

    def ask_certificate(self, question: Any) -> bool:
        """Called on a connecting thread: ask on the GUI thread and wait for the answer."""
        answer = Answer()
        self.certificate_question.emit(question, answer)
        return answer.wait()


class Answer:
    """A yes/no handed from the GUI thread back to a waiting worker thread."""

    def __init__(self, timeout: float = 600.0) -> None:
        self._event = threading.Event()
        self._value = False
        self._timeout = timeout

    def give(self, value: bool) -> None:
        self._value = bool(value)
        self._event.set()

    def wait(self) -> bool:
        return self._value if self._event.wait(self._timeout) else False
