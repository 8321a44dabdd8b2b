"""One VM's or host's console: toolbar, screen, and the session that follows the VM.

The panel asks `xapi.console.locate` where the console is whenever the pool changes. When the
answer changes (the VM migrated to another host, rebooted into a new domain, was started or
resumed) it reconnects by itself and says why; when there is no console (halted, suspended)
it shows the reason, with a Start or Resume button. A session that drops is retried with a
growing pause.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xapiman.gui.console.relay import SessionRelay
from xapiman.gui.console.view import ConsoleView
from xapiman.gui.tabs.base import TabContext
from xapiman.i18n import translate
from xapiman.rfb import CursorShape, Framebuffer, RfbSession, ServerInfo
from xapiman.rfb.keys import CTRL_ALT_DEL
from xapiman.xapi.connection import Connection
from xapiman.xapi.console import ConsoleHost, ConsoleTarget, NoConsole, locate

RETRY_SECONDS = (0.5, 1, 2, 4, 8, 15)
MAX_TYPED = 65536
WIDGET_MAX = 16777215


class _Current:
    """The panel's live relay, closable after the panel's Qt object is gone."""

    def __init__(self) -> None:
        self.relay: SessionRelay | None = None

    def close(self, *_args: object) -> None:
        relay, self.relay = self.relay, None
        if relay is not None:
            relay.close()


class ConsolePanel(QWidget):
    """The console of one VM (or host) of one connection.

    Signals:
        undock_requested(), fullscreen_requested(): the toolbar's window buttons.
    """

    undock_requested = pyqtSignal()
    fullscreen_requested = pyqtSignal()

    def __init__(self, context: TabContext, conn_name: str, ref: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consolePanel")
        self.context = context
        self.conn_name = conn_name
        self.ref = ref
        self.target: ConsoleTarget | None = None
        self.absent: NoConsole | None = None
        self.session: RfbSession | None = None
        self.info: ServerInfo | None = None
        self.status = ""
        self._note = ""
        self._current = _Current()
        self.destroyed.connect(functools.partial(_Current.close, self._current))
        self._attempt = 0
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.follow)
        self._build()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.cad_button = self._tool(translate("Console", "Send Ctrl+Alt+Del"),
                                     self.send_ctrl_alt_del, "consoleCtrlAltDel")
        self.type_button = self._tool(translate("Console", "Type Clipboard"),
                                      self.type_clipboard, "consoleTypeClipboard")
        self.type_button.setToolTip(translate("Console", "Type the clipboard's text into the "
                                              "guest, key by key"))
        self.fit_button = self._tool(translate("Console", "Scale to Fit"), self._fit_toggled,
                                     "consoleScale")
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.full_button = self._tool(translate("Console", "Full Screen"),
                                      self.fullscreen_requested.emit, "consoleFullScreen")
        self.undock_button = self._tool(translate("Console", "Undock"),
                                        self.undock_requested.emit, "consoleUndock")
        for button in (self.cad_button, self.type_button, self.fit_button, self.full_button,
                       self.undock_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.grab_hint = QLabel(translate("Console", "Keyboard captured: press Ctrl+Alt to "
                                          "release it"))
        self.grab_hint.setObjectName("consoleGrabHint")
        self.grab_hint.setStyleSheet("#consoleGrabHint { background: #1f4e79; color: white; "
                                     "border-radius: 3px; padding: 2px 6px; }")
        self.grab_hint.hide()
        bar.addWidget(self.grab_hint)
        box.addLayout(bar)
        self.stack = QStackedWidget()
        self.view = ConsoleView()
        self.view.grab_changed.connect(self._grab_changed)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("consoleScroll")
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area.setStyleSheet("#consoleScroll { background: #202020; }")
        self.scroll_area.setWidget(self.view)
        self.scroll_area.setWidgetResizable(True)
        self.stack.addWidget(self.scroll_area)
        self.message_page = QWidget()
        message_box = QVBoxLayout(self.message_page)
        message_box.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("consoleMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.message.setFont(font)
        message_box.addWidget(self.message)
        self.action_button = QPushButton()
        self.action_button.setObjectName("consoleAction")
        self.action_button.clicked.connect(self._act)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.action_button)
        row.addStretch(1)
        message_box.addLayout(row)
        message_box.addStretch(2)
        self.stack.addWidget(self.message_page)
        box.addWidget(self.stack, 1)
        self.status_label = QLabel()
        self.status_label.setObjectName("consoleStatus")
        box.addWidget(self.status_label)
        self._enable_input(False)

    def _tool(self, text: str, slot: Callable[..., object], name: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setObjectName(name)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        return button

    # -- following the VM -------------------------------------------------------------------

    def follow(self) -> None:
        """Compare where the console is now with where this panel is connected; act on it."""
        conn = self._connection()
        if conn is None or conn.state.value in ("disconnected", "failed"):
            self._stop()
            self._show_message(translate("Console", "The connection to the pool is closed."))
            return
        found = locate(conn, self.ref)
        if isinstance(found, NoConsole):
            self._stop()
            self.target, self.absent = None, found
            self._show_message(found.reason, found)
            return
        old, was_absent = self.target, self.absent
        if old is not None and _same(old, found) and self._current.relay is not None:
            return
        note = self._why(old, was_absent, found)
        self.target, self.absent = found, None
        self._connect(conn, found, note)

    def _why(self, old: ConsoleTarget | None, absent: NoConsole | None,
             new: ConsoleTarget) -> str:
        name = self._name()
        if old is None:
            if absent is not None and absent.startable:
                return translate("Console", "{name} started.").format(name=name)
            if absent is not None and absent.resumable:
                return translate("Console", "{name} resumed.").format(name=name)
            return ""
        if old.host != new.host:
            return translate("Console", "{name} moved to {host}.").format(
                name=name, host=self._host_name(new.host))
        if old.domid != new.domid:
            return translate("Console", "{name} restarted.").format(name=name)
        if old.console != new.console:
            return translate("Console", "The console of {name} changed.").format(name=name)
        return ""

    def _connect(self, conn: ConsoleHost, target: ConsoleTarget, note: str) -> None:
        self._current.close()
        self._retry.stop()
        relay = SessionRelay(conn, target)
        relay.opened.connect(self._opened)
        relay.connected.connect(self._connected)
        relay.resized.connect(self._resized)
        relay.damaged.connect(self._damaged)
        relay.cursor_changed.connect(self._cursor)
        relay.pointer_mode.connect(self.view.set_pointer_mode)
        relay.clipboard.connect(self._guest_clipboard)
        relay.bell.connect(QApplication.beep)
        relay.ended.connect(self._ended)
        self._current.relay = relay
        self._note = note
        connecting = translate("Console", "Connecting to the console on {host}...").format(
            host=self._host_name(target.host))
        self._set_status(f"{note} {connecting}".strip())
        if self.stack.currentWidget() is self.message_page and self.view.fb is None:
            self._show_message(connecting)
        relay.start()

    def _stop(self) -> None:
        self._retry.stop()
        self._current.close()
        self.session = None
        self.view.set_grabbed(False)
        self.view.attach(None, None)
        self._enable_input(False)

    def close_console(self) -> None:
        """End the session for good (the panel goes away)."""
        self._stop()
        self.target = None

    # -- the session's news -----------------------------------------------------------------

    def _mine(self) -> bool:
        return self.sender() is self._current.relay

    def _opened(self, session: RfbSession) -> None:
        if self._mine():
            self.session = session

    def _connected(self, info: ServerInfo, fb: Framebuffer) -> None:
        if not self._mine():
            return
        self.info = info
        self._attempt = 0
        self.view.attach(self.session, fb)
        self._apply_scale()
        self.stack.setCurrentWidget(self.scroll_area)
        self._enable_input(True)
        connected = translate("Console", "Connected to the console of {name} (RFB {version}, "
                              "{w}x{h}).").format(name=self._name() or info.name,
                                                  version=info.version, w=info.width,
                                                  h=info.height)
        self._set_status(f"{self._note} {connected}".strip())

    def _resized(self, width: int, height: int) -> None:
        if self._mine():
            self.view.framebuffer_resized()
            self._apply_scale()
            self._set_status(translate("Console", "The guest's screen is now {w}x{h}.").format(
                w=width, h=height))

    def _damaged(self, rects: list[tuple[int, int, int, int]]) -> None:
        if self._mine():
            self.view.damage(rects)

    def _cursor(self, shape: CursorShape) -> None:
        if self._mine():
            self.view.set_cursor_shape(shape)

    def _guest_clipboard(self, text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        if self._mine() and text and clipboard is not None:
            clipboard.setText(text)

    def _ended(self, message: str) -> None:
        if not self._mine():
            return
        self._current.relay = None
        self.session = None
        self._enable_input(False)
        self.view.set_grabbed(False)
        if not message:
            return
        delay = RETRY_SECONDS[min(self._attempt, len(RETRY_SECONDS) - 1)]
        self._attempt += 1
        text = translate("Console", "The console closed: {reason}. Trying again in {s:g} s.")
        self._set_status(text.format(reason=message.rstrip("."), s=delay))
        if self.view.fb is None:
            self._show_message(text.format(reason=message.rstrip("."), s=delay))
        self._retry.start(int(delay * 1000))

    # -- what the user does -----------------------------------------------------------------

    def send_ctrl_alt_del(self) -> None:
        if self.session is not None:
            self.session.keys(CTRL_ALT_DEL)

    def type_clipboard(self) -> None:
        clipboard = QGuiApplication.clipboard()
        text = clipboard.text()[:MAX_TYPED] if clipboard is not None else ""
        if self.session is not None and text:
            typed = self.session.type_text(text)
            self._set_status(translate("Console", "Typed {n} characters.").format(n=typed))

    def _fit_toggled(self, fit: bool) -> None:
        self.view.set_scale_to_fit(fit)
        self._apply_scale()

    def _apply_scale(self) -> None:
        fit = self.fit_button.isChecked()
        self.scroll_area.setWidgetResizable(fit)
        if fit:
            self.view.setMinimumSize(0, 0)
            self.view.setMaximumSize(WIDGET_MAX, WIDGET_MAX)
        else:
            self.view.setFixedSize(self.view.sizeHint())

    def _grab_changed(self, grabbed: bool) -> None:
        self.grab_hint.setVisible(grabbed)

    def _act(self) -> None:
        absent = self.absent
        if absent is None:
            self.follow()
            return
        action = "vm.start" if absent.startable else "vm.resume" if absent.resumable else ""
        if action:
            self.context.trigger_on(action, self.conn_name, [self.ref])

    # -- helpers ----------------------------------------------------------------------------

    def _show_message(self, text: str, absent: NoConsole | None = None) -> None:
        self.message.setText(text)
        if absent is not None and absent.startable:
            self.action_button.setText(translate("Console", "Start"))
            self.action_button.show()
        elif absent is not None and absent.resumable:
            self.action_button.setText(translate("Console", "Resume"))
            self.action_button.show()
        else:
            self.action_button.hide()
        self.stack.setCurrentWidget(self.message_page)
        self._set_status(text if absent is None else "")

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_label.setText(text)

    def _enable_input(self, enabled: bool) -> None:
        for button in (self.cad_button, self.type_button):
            button.setEnabled(enabled)

    def _connection(self) -> Connection | None:
        conn = self.context.connection(self.conn_name)
        return conn if isinstance(conn, Connection) else None

    def _name(self) -> str:
        conn = self._connection()
        record = conn.cache.get(self.ref) if conn is not None else None
        return (record or {}).get("name_label", "")

    def _host_name(self, host: str) -> str:
        conn = self._connection()
        record = conn.cache.record("host", host) if conn is not None else None
        return (record or {}).get("name_label", "") or host


def _same(a: ConsoleTarget, b: ConsoleTarget) -> bool:
    return (a.host, a.url, a.console, a.domid) == (b.host, b.url, b.console, b.domid)
