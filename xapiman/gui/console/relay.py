"""Where a console session's callbacks (on its own thread) become Qt signals, and where its
tunnel is opened (on a worker thread: it connects and talks TLS)."""

from __future__ import annotations

import sys
import threading
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from xapiman.i18n import translate
from xapiman.rfb import CursorShape, Framebuffer, Options, RfbError, RfbSession, ServerInfo
from xapiman.xapi.console import ConsoleHost, ConsoleTarget, open_tunnel
from xapiman.xapi.errors import XapiClientError

# While a session decodes on its own thread, the GUI thread waits for the interpreter at most
# this long (Python's default, 5 ms, lets a busy decoder hold a repaint up several times over).
SWITCH_INTERVAL_S = 0.001
_LIVE: set[SessionRelay] = set()  # relays whose threads may still emit: kept alive till the end


class SessionRelay(QObject):
    """One console session: opens the tunnel, runs the session, relays what it says.

    A relay has no Qt parent and stays alive until `ended` was delivered, so its threads never
    emit on a deleted object; receivers connect bound methods (Qt drops those connections when
    a receiver is deleted).

    Signals (on the GUI thread):
        opened(session): the tunnel is open and the session started.
        connected(info, framebuffer): the handshake is done.
        resized(width, height), damaged(rects), cursor_changed(CursorShape),
        pointer_mode(absolute), clipboard(text), bell().
        ended(message): the session is over; "" when it was closed on purpose.
    """

    opened = pyqtSignal(object)
    connected = pyqtSignal(object, object)
    resized = pyqtSignal(int, int)
    damaged = pyqtSignal(object)
    cursor_changed = pyqtSignal(object)
    pointer_mode = pyqtSignal(bool)
    clipboard = pyqtSignal(str)
    bell = pyqtSignal()
    ended = pyqtSignal(str)

    def __init__(self, conn: ConsoleHost, target: ConsoleTarget,
                 options: Options | None = None) -> None:
        super().__init__()
        self.conn = conn
        self.target = target
        self.options = options or Options()
        self.session: RfbSession | None = None
        self._closing = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        if sys.getswitchinterval() > SWITCH_INTERVAL_S:
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        _LIVE.add(self)
        self.ended.connect(self._forget)
        threading.Thread(target=self._open, name="console-tunnel", daemon=True).start()

    def close(self) -> None:
        """End the session (or the opening); `ended("")` follows."""
        self._closing.set()
        with self._lock:
            session = self.session
        if session is not None:
            session.close()

    def _forget(self, _message: str) -> None:
        _LIVE.discard(self)

    @property
    def closing(self) -> bool:
        return self._closing.is_set()

    def _open(self) -> None:
        try:
            tunnel = open_tunnel(self.conn, self.target)
        except XapiClientError as exc:
            self.ended.emit("" if self._closing.is_set() else str(exc))
            return
        except Exception as exc:  # a console must end with a message
            self.ended.emit(translate("Console", "the console could not be opened: {error}")
                            .format(error=exc))
            return
        self.options.prefix = tunnel.prefix
        session = RfbSession(tunnel.sock, _Listener(self), self.options, name="console")
        with self._lock:
            self.session = session
        self.opened.emit(session)
        session.start()
        if self._closing.is_set():
            session.close()


class _Listener:
    """The session's listener: emits the relay's signals."""

    def __init__(self, relay: SessionRelay) -> None:
        self.relay = relay

    def connected(self, info: ServerInfo, fb: Framebuffer) -> None:
        self.relay.connected.emit(info, fb)

    def resized(self, width: int, height: int) -> None:
        self.relay.resized.emit(width, height)

    def updated(self, rects: list[Any]) -> None:
        self.relay.damaged.emit(rects)

    def cursor(self, shape: CursorShape) -> None:
        self.relay.cursor_changed.emit(shape)

    def pointer_mode(self, absolute: bool) -> None:
        self.relay.pointer_mode.emit(absolute)

    def bell(self) -> None:
        self.relay.bell.emit()

    def clipboard(self, text: str) -> None:
        self.relay.clipboard.emit(text)

    def closed(self, error: RfbError | None) -> None:
        self.relay.ended.emit("" if error is None else str(error))
